import { CloudSchedulerClient, type protos } from '@google-cloud/scheduler';
import { config } from '../../config.js';
import { AppError } from '../../errors.js';
import { googleCloudClientOptions, rpcStatusOf } from '../googleCloudClientOptions.js';

/**
 * The Cloud Scheduler job that calls `syncTick` (docs/operations.md#pausing-sync, docs/operations.md#configuration), read and changed through the
 * Cloud Scheduler API, so what the settings show is what Google will do. Errors become AppErrors
 * here: a missing job is a deployment that is not complete (409 `conflict`), an outage of the API
 * is 503 `unavailable`.
 *
 * API reference: https://cloud.google.com/scheduler/docs/reference/rpc/google.cloud.scheduler.v1
 */

type IJob = protos.google.cloud.scheduler.v1.IJob;

export const SYNC_TICK_JOB_ID = 'sync-tick';

export function syncTickJobName(): string {
  const { projectId, region } = config();
  return `projects/${projectId}/locations/${region}/jobs/${SYNC_TICK_JOB_ID}`;
}

export interface SchedulerJob {
  name: string;
  /** ENABLED, PAUSED, DISABLED or UPDATE_FAILED (Job.State). */
  state: string;
  schedule: string;
  timeZone: string;
  lastAttemptTime?: Date;
}

let client: CloudSchedulerClient | undefined;

function scheduler(): CloudSchedulerClient {
  client ??= new CloudSchedulerClient(googleCloudClientOptions(config().emulators.scheduler));
  return client;
}

/** Job.State over gRPC is a number, over REST (the emulator) its name. */
const STATE_NAMES = ['STATE_UNSPECIFIED', 'ENABLED', 'PAUSED', 'DISABLED', 'UPDATE_FAILED'];

function toJob(job: IJob): SchedulerJob {
  const state =
    typeof job.state === 'number' ? (STATE_NAMES[job.state] ?? 'STATE_UNSPECIFIED') : String(job.state);
  const seconds = Number(job.lastAttemptTime?.seconds ?? 0);
  return {
    name: job.name ?? '',
    state,
    schedule: job.schedule ?? '',
    // An empty time zone means UTC (Job.time_zone).
    timeZone: job.timeZone || 'Etc/UTC',
    ...(seconds > 0
      ? { lastAttemptTime: new Date(seconds * 1000 + Math.round((job.lastAttemptTime?.nanos ?? 0) / 1e6)) }
      : {}),
  };
}

const OUTAGE = new Set([
  'UNAVAILABLE',
  'DEADLINE_EXCEEDED',
  'RESOURCE_EXHAUSTED',
  'INTERNAL',
  'UNKNOWN',
  'ABORTED',
]);

function translate(error: unknown, name: string): unknown {
  const status = rpcStatusOf(error);
  if (status === 'NOT_FOUND') {
    return new AppError(
      'conflict',
      `The Cloud Scheduler job ${name} does not exist: deploy again (infra/deploy.ts creates it).`,
      { job: name },
    );
  }
  if (status === 'INVALID_ARGUMENT') {
    return new AppError('invalid_argument', 'Cloud Scheduler refused the schedule or time zone.', {
      fields: { schedule: 'was refused by Cloud Scheduler', timeZone: 'was refused by Cloud Scheduler' },
    });
  }
  if (status === 'PERMISSION_DENIED') {
    return new AppError(
      'internal',
      'The settings function may not manage the Cloud Scheduler job; grant its service account the Cloud Scheduler Admin role.',
      undefined,
      { cause: error },
    );
  }
  // No rpc status at all: the API could not be reached (connection refused, reset, DNS).
  if (status === undefined || OUTAGE.has(status)) {
    return new AppError(
      'unavailable',
      'Cloud Scheduler could not be reached; try again in a moment.',
      undefined,
      {
        cause: error,
      },
    );
  }
  return error;
}

async function call<T>(name: string, work: () => Promise<[IJob, ...T[]]>): Promise<SchedulerJob> {
  try {
    const [job] = await work();
    return toJob(job);
  } catch (error) {
    throw translate(error, name);
  }
}

export function getJob(name: string): Promise<SchedulerJob> {
  return call(name, () => scheduler().getJob({ name }));
}

/**
 * Pauses an ENABLED job or resumes a PAUSED one; FAILED_PRECONDITION (it was already in that state,
 * changed by someone else meanwhile) reads the job back instead of failing.
 */
export async function setPaused(name: string, paused: boolean): Promise<SchedulerJob> {
  try {
    const [job] = paused ? await scheduler().pauseJob({ name }) : await scheduler().resumeJob({ name });
    return toJob(job);
  } catch (error) {
    if (rpcStatusOf(error) === 'FAILED_PRECONDITION') return getJob(name);
    throw translate(error, name);
  }
}

/** Patches only the given fields (an update mask), so the job's target and auth stay as deployed. */
export function updateSchedule(
  name: string,
  fields: Partial<Pick<SchedulerJob, 'schedule' | 'timeZone'>>,
): Promise<SchedulerJob> {
  const paths = (['schedule', 'timeZone'] as const).filter((field) => fields[field] !== undefined);
  return call(name, () =>
    scheduler().updateJob({
      job: { name, ...fields },
      updateMask: { paths: paths.map((path) => (path === 'timeZone' ? 'time_zone' : path)) },
    }),
  );
}
