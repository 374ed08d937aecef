/**
 * Cloud Scheduler v1 REST emulator: Google's paths under `/v1/projects/{p}/locations/{l}/jobs...`
 * as the official client's REST transport calls them (HTTP/JSON transcoding of the
 * `google.api.http` annotations in google/cloud/scheduler/v1/cloudscheduler.proto). It really
 * fires ENABLED jobs on their schedule. See README.md for sources.
 */
import { ApiError } from '../shared/api-error.js';
import { readJsonBody } from '../shared/json.js';
import { requestedPage } from '../shared/paging.js';
import { type RestCall, type RouteTable, type RunningServer, serveRoutes } from '../shared/rest-server.js';
import { type Clock, ManualClock, realClock } from './clock.js';
import type { OidcTokenMinter } from './dispatch.js';
import { jobToJson } from './job.js';
import { JobScheduler } from './job-scheduler.js';

export { type Clock, ManualClock, type OidcTokenMinter, realClock };

export interface SchedulerEmulatorOptions {
  host?: string;
  port: number;
  /** Defaults to the wall clock with real timers; pass a ManualClock in tests. */
  clock?: Clock;
  /** Signs ID tokens for jobs with `httpTarget.oidcToken`; without it no Authorization is sent. */
  mintOidcToken?: OidcTokenMinter;
}

export interface SchedulerEmulator extends RunningServer {
  /** Resolves when no job attempt is in flight. */
  whenIdle(): Promise<void>;
}

/** ListJobs: "The maximum page size is 500. If unspecified, the page size will be the maximum." */
const MAX_PAGE_SIZE = 500;
const MAX_BODY_BYTES = 1024 * 1024;

const SEGMENT = '([^/:]+)';
const PARENT = `^/v1/projects/${SEGMENT}/locations/${SEGMENT}`;
/** Path captures: project, location, job id, verb (as far as the route has them). */
type Call = RestCall<{ scheduler: JobScheduler }>;
const ROUTES: RouteTable<{ scheduler: JobScheduler }> = [
  { pattern: new RegExp(`${PARENT}/jobs$`), methods: { GET: listJobs, POST: createJob } },
  {
    pattern: new RegExp(`${PARENT}/jobs/${SEGMENT}$`),
    methods: { GET: getJob, PATCH: updateJob, DELETE: deleteJob },
  },
  { pattern: new RegExp(`${PARENT}/jobs/${SEGMENT}:(pause|resume|run)$`), methods: { POST: jobAction } },
];

export async function startSchedulerEmulator(options: SchedulerEmulatorOptions): Promise<SchedulerEmulator> {
  const scheduler = new JobScheduler(options.clock ?? realClock, options.mintOidcToken);
  const server = await serveRoutes(ROUTES, 'Cloud Scheduler', { scheduler }, options);
  return {
    url: server.url,
    port: server.port,
    whenIdle: () => scheduler.whenIdle(),
    close: async () => {
      await scheduler.close();
      await server.close();
    },
  };
}

function parentOf([project, location]: string[]): string {
  return `projects/${project}/locations/${location}`;
}

function jobNameOf(params: string[]): string {
  return `${parentOf(params)}/jobs/${params[2]}`;
}

async function createJob({ scheduler, req, params, intEnums }: Call): Promise<unknown> {
  return jobToJson(scheduler.create(parentOf(params), await readJsonBody(req, MAX_BODY_BYTES)), intEnums);
}

async function getJob({ scheduler, params, intEnums }: Call): Promise<unknown> {
  return jobToJson(scheduler.get(jobNameOf(params)), intEnums);
}

async function listJobs({ scheduler, url, params, intEnums }: Call): Promise<unknown> {
  const all = scheduler.list(parentOf(params));
  const { page, nextPageToken } = requestedPage(all, url, MAX_PAGE_SIZE);
  return {
    ...(page.length > 0 ? { jobs: page.map((job) => jobToJson(job, intEnums)) } : {}),
    ...(nextPageToken ? { nextPageToken } : {}),
  };
}

async function updateJob({ scheduler, req, url, params, intEnums }: Call): Promise<unknown> {
  const patch = await readJsonBody(req, MAX_BODY_BYTES);
  const name = jobNameOf(params);
  if (typeof patch.name === 'string' && patch.name !== '' && patch.name !== name) {
    throw new ApiError('INVALID_ARGUMENT', `Job.name "${patch.name}" does not match the URL (${name}).`);
  }
  return jobToJson(scheduler.update(name, patch, url.searchParams.get('updateMask')), intEnums);
}

async function deleteJob({ scheduler, params }: Call): Promise<unknown> {
  scheduler.delete(jobNameOf(params));
  return {};
}

async function jobAction({ scheduler, req, params, intEnums }: Call): Promise<unknown> {
  await readJsonBody(req, MAX_BODY_BYTES); // PauseJobRequest etc. carry nothing beyond the name
  const name = jobNameOf(params);
  const verb = params[3];
  const job =
    verb === 'pause'
      ? scheduler.pause(name)
      : verb === 'resume'
        ? scheduler.resume(name)
        : scheduler.run(name);
  return jobToJson(job, intEnums);
}
