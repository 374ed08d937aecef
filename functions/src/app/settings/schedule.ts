import { CronExpressionParser } from 'cron-parser';
import { z } from 'zod';
import {
  getJob,
  type SchedulerJob,
  setPaused,
  syncTickJobName,
  updateSchedule,
} from '../../adapters/google/cloudScheduler.js';
import { invalidArgument } from '../../errors.js';
import { log } from '../../logging.js';
import { fieldErrors } from '../../validation.js';

/**
 * The administrator's view of automatic sync for the whole deployment (docs/operations.md#pausing-sync, docs/api.md
 * `GET|PUT /settings/schedule`): the Cloud Scheduler job that calls `syncTick` itself, so what the
 * settings show is what Google will do. Pausing stops every automatic sync; manual syncs still run.
 * A schedule sparser than the users' periods is allowed: each tick then dispatches every user due
 * since the previous one, once (app/sync/schedule/fanOut.ts).
 */

export interface ScheduleSettings {
  paused: boolean;
  schedule: string;
  timeZone: string;
  /** RFC 3339 start of the job's last attempt, once it fired. */
  lastAttemptTime?: string;
}

/** One unix-cron list item: `*`, a value or a range (numbers or 3-letter names), optionally `/step`. */
const CRON_ITEM = /^(?:\*|(?:\d+|[A-Za-z]{3})(?:-(?:\d+|[A-Za-z]{3}))?)(?:\/\d+)?$/;

/**
 * Cloud Scheduler takes unix-cron: exactly five fields (https://cloud.google.com/scheduler/docs/configuring/cron-job-schedules).
 * cron-parser also accepts a seconds field, `@daily` macros and Jenkins' `H`, which Google does not,
 * so the shape is checked first and cron-parser then checks ranges and impossible dates.
 */
function cronProblem(schedule: string): string | undefined {
  const fields = schedule.split(/\s+/);
  if (fields.length !== 5)
    return 'must be unix-cron with five fields: minute hour day-of-month month day-of-week';
  if (!fields.every((field) => field.split(',').every((item) => CRON_ITEM.test(item))))
    return 'must be unix-cron: numbers, *, ranges (a-b), lists (a,b) and steps (/n) only';
  try {
    CronExpressionParser.parse(schedule, { tz: 'Etc/UTC' }).next();
    return undefined;
  } catch (error) {
    return `is not a valid schedule: ${(error as Error).message}`;
  }
}

function isTimeZone(name: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+)*$/.test(name)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** Body of `PUT /settings/schedule` (the OpenAPI document shows it too). */
export const ScheduleInputSchema = z.strictObject({
  paused: z.boolean().optional(),
  schedule: z
    .string()
    .trim()
    .superRefine((schedule, context) => {
      const problem = cronProblem(schedule);
      if (problem) context.addIssue({ code: 'custom', message: problem });
    })
    .optional(),
  timeZone: z
    .string()
    .trim()
    .refine(isTimeZone, 'must be an IANA time zone such as Etc/UTC or Europe/Berlin')
    .optional(),
  /** Read-only: accepted so that what GET answered can be sent back, and ignored. */
  lastAttemptTime: z.unknown().optional(),
});

function toSettings(job: SchedulerJob): ScheduleSettings {
  return {
    // PAUSED, but also DISABLED or UPDATE_FAILED: in every state but ENABLED the job does not fire.
    paused: job.state !== 'ENABLED',
    schedule: job.schedule,
    timeZone: job.timeZone,
    ...(job.lastAttemptTime ? { lastAttemptTime: job.lastAttemptTime.toISOString() } : {}),
  };
}

export async function getScheduleSettings(): Promise<ScheduleSettings> {
  return toSettings(await getJob(syncTickJobName()));
}

export async function saveScheduleSettings(input: unknown, updatedBy: string): Promise<ScheduleSettings> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw invalidArgument('Send the schedule settings as a JSON object.', { body: 'must be a JSON object' });
  }
  const parsed = ScheduleInputSchema.safeParse(input);
  if (!parsed.success) throw invalidArgument('The schedule settings are invalid.', fieldErrors(parsed.error));
  const { paused, schedule, timeZone } = parsed.data;
  const name = syncTickJobName();
  let job = await getJob(name);
  const patch = {
    ...(schedule !== undefined && schedule !== job.schedule ? { schedule } : {}),
    ...(timeZone !== undefined && timeZone !== job.timeZone ? { timeZone } : {}),
  };
  // The schedule first: if Google refuses it, the job is left exactly as it was.
  if (Object.keys(patch).length > 0) job = await updateSchedule(name, patch);
  if (paused !== undefined && paused !== toSettings(job).paused) job = await setPaused(name, paused);
  log.info('automatic sync schedule saved', { updatedBy, job: name, state: job.state, ...patch });
  return toSettings(job);
}
