/**
 * Cloud Scheduler's unix-cron schedules, read in the job's IANA time zone (Job.schedule and
 * Job.time_zone in google/cloud/scheduler/v1/job.proto; docs/google-apis.md#secret-manager-and-cloud-scheduler).
 */
import { CronExpressionParser } from 'cron-parser';
import { ApiError } from '../shared/api-error.js';

/** Google's wording for both kinds of mistake, followed by what exactly is wrong. */
const INVALID = 'Schedule or time zone is invalid.';

/** Throws INVALID_ARGUMENT unless `schedule` is a five-field unix-cron line and `timeZone` a tz name. */
export function checkSchedule(schedule: string, timeZone: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    throw new ApiError(
      'INVALID_ARGUMENT',
      `${INVALID} Unknown time zone "${timeZone}" (use a tz database name).`,
    );
  }
  // cron-parser also takes a seconds field and @-macros; unix-cron has exactly five fields.
  if (schedule.trim().split(/\s+/).length !== 5) {
    throw new ApiError(
      'INVALID_ARGUMENT',
      `${INVALID} Schedule "${schedule}" must have five fields: minute hour day-of-month month day-of-week.`,
    );
  }
  try {
    CronExpressionParser.parse(schedule, { tz: timeZone, currentDate: new Date() }).next();
  } catch (error) {
    throw new ApiError('INVALID_ARGUMENT', `${INVALID} Schedule "${schedule}": ${(error as Error).message}`);
  }
}

/** The first instant strictly after `after` at which the schedule matches in `timeZone`. */
export function nextRunAfter(schedule: string, timeZone: string, after: Date): Date {
  return CronExpressionParser.parse(schedule, { tz: timeZone, currentDate: after }).next().toDate();
}
