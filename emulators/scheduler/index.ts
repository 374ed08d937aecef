/**
 * Cloud Scheduler v1 REST emulator: Google's paths under `/v1/projects/{p}/locations/{l}/jobs...`
 * as the official client's REST transport calls them (HTTP/JSON transcoding of the
 * `google.api.http` annotations in google/cloud/scheduler/v1/cloudscheduler.proto). It really
 * fires ENABLED jobs on their schedule. See README.md for sources.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  ApiError,
  listenHttp,
  pageOf,
  pageSizeParam,
  type RunningServer,
  readJsonBody,
  sendJson,
  wantsIntEnums,
} from '../secret-manager/rest.js';
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
const ROUTES: ReadonlyArray<{ pattern: RegExp; methods: Record<string, Route> }> = [
  { pattern: new RegExp(`${PARENT}/jobs$`), methods: { GET: listJobs, POST: createJob } },
  {
    pattern: new RegExp(`${PARENT}/jobs/${SEGMENT}$`),
    methods: { GET: getJob, PATCH: updateJob, DELETE: deleteJob },
  },
  { pattern: new RegExp(`${PARENT}/jobs/${SEGMENT}:(pause|resume|run)$`), methods: { POST: jobAction } },
];

interface Call {
  scheduler: JobScheduler;
  req: IncomingMessage;
  url: URL;
  /** Decoded path captures: project, location, job id, verb (as far as the route has them). */
  params: string[];
  /** Enums as numbers, when the caller asked for it (the official clients do). */
  intEnums: boolean;
}
type Route = (call: Call) => Promise<unknown>;

export async function startSchedulerEmulator(options: SchedulerEmulatorOptions): Promise<SchedulerEmulator> {
  const scheduler = new JobScheduler(options.clock ?? realClock, options.mintOidcToken);
  const server = await listenHttp(
    (req, res, url) => handle(scheduler, req, res, url),
    options.host ?? '127.0.0.1',
    options.port,
  );
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

async function handle(
  scheduler: JobScheduler,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  for (const { pattern, methods } of ROUTES) {
    const match = pattern.exec(url.pathname);
    if (!match) continue;
    const route = methods[req.method ?? ''];
    if (!route)
      throw new ApiError('UNIMPLEMENTED', `Method ${req.method} is not supported on ${url.pathname}.`);
    const params = match.slice(1).map((p) => decodeURIComponent(p ?? ''));
    sendJson(res, 200, await route({ scheduler, req, url, params, intEnums: wantsIntEnums(url) }));
    return;
  }
  throw new ApiError('NOT_FOUND', `No Cloud Scheduler method at ${req.method} ${url.pathname}.`);
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
  const { page, nextPageToken } = pageOf(
    all,
    pageSizeParam(url, MAX_PAGE_SIZE),
    url.searchParams.get('pageToken') ?? '',
  );
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
