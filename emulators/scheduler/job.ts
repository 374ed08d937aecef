/**
 * The Cloud Scheduler v1 `Job` resource: reading and checking it from REST JSON, and writing it
 * back. Field names, enums and defaults follow google/cloud/scheduler/v1/{job,target}.proto and
 * docs/google-apis.md#secret-manager-and-cloud-scheduler.
 */
import { ApiError } from '../shared/api-error.js';
import { formatEnum, isObject, type JsonObject, parseEnum } from '../shared/json.js';
import { checkSchedule } from './cron-schedule.js';

export const JOB_STATES = ['STATE_UNSPECIFIED', 'ENABLED', 'PAUSED', 'DISABLED', 'UPDATE_FAILED'] as const;
export const HTTP_METHODS = [
  'HTTP_METHOD_UNSPECIFIED',
  'POST',
  'GET',
  'HEAD',
  'PUT',
  'DELETE',
  'PATCH',
  'OPTIONS',
] as const;
export type HttpMethod = Exclude<(typeof HTTP_METHODS)[number], 'HTTP_METHOD_UNSPECIFIED'>;

export interface HttpTarget {
  uri: string;
  httpMethod: HttpMethod;
  headers: Record<string, string>;
  body?: Buffer;
  oidcToken?: { serviceAccountEmail: string; audience?: string };
  oauthToken?: { serviceAccountEmail: string; scope?: string };
}

/** What a caller sets on a job (create or patch); everything else is output only. */
export interface JobSpec {
  description: string;
  schedule: string;
  timeZone: string;
  httpTarget: HttpTarget;
  attemptDeadlineSeconds: number;
  retryConfig: JsonObject;
}

export interface Job extends JobSpec {
  name: string;
  state: 'ENABLED' | 'PAUSED';
  userUpdateTime: Date;
  scheduleTime?: Date;
  lastAttemptTime?: Date;
  status?: { code: number; message?: string };
}

const JOB_NAME = /^projects\/([^/]+)\/locations\/([^/]+)\/jobs\/([A-Za-z0-9_-]{1,500})$/;
/** "If a time zone is not specified, the default will be in UTC" (job.proto). */
const DEFAULT_TIME_ZONE = 'Etc/UTC';
/** HTTP targets: default deadline 3 minutes, allowed 15 s … 30 min (job.proto, attempt_deadline). */
const DEFAULT_DEADLINE_SECONDS = 180;
const DEADLINE_RANGE_SECONDS = [15, 1800] as const;
/** RetryConfig defaults from its comments in job.proto (retry_count defaults to 0 = no retries). */
const RETRY_DEFAULTS = {
  maxRetryDuration: '0s',
  minBackoffDuration: '5s',
  maxBackoffDuration: '3600s',
  maxDoublings: 5,
};
const METHODS_WITH_BODY: readonly HttpMethod[] = ['POST', 'PUT', 'PATCH'];

export function checkJobName(name: string, parent: string): void {
  const match = JOB_NAME.exec(name);
  if (!match || `projects/${match[1]}/locations/${match[2]}` !== parent) {
    throw new ApiError(
      'INVALID_ARGUMENT',
      `Job name must be formatted: "${parent}/jobs/<JOB_ID>" with JOB_ID of 1-500 [A-Za-z0-9_-]; got "${name}".`,
    );
  }
}

/** Reads and checks the caller-set fields of a Job, applying Google's defaults. */
export function parseJobSpec(raw: JsonObject): JobSpec {
  if (raw.pubsubTarget !== undefined || raw.appEngineHttpTarget !== undefined) {
    throw new ApiError('UNIMPLEMENTED', 'The emulator only runs jobs with an httpTarget.');
  }
  if (!isObject(raw.httpTarget)) throw new ApiError('INVALID_ARGUMENT', 'Job.httpTarget is required.');
  const schedule = optionalString(raw.schedule, 'schedule');
  if (schedule === '') throw new ApiError('INVALID_ARGUMENT', 'Job.schedule is required.');
  const timeZone = optionalString(raw.timeZone, 'timeZone') || DEFAULT_TIME_ZONE;
  checkSchedule(schedule, timeZone);
  const description = optionalString(raw.description, 'description');
  if (description.length > 500)
    throw new ApiError('INVALID_ARGUMENT', 'Job.description exceeds 500 characters.');
  const attemptDeadlineSeconds =
    raw.attemptDeadline === undefined
      ? DEFAULT_DEADLINE_SECONDS
      : parseDuration(raw.attemptDeadline, 'attemptDeadline');
  const [min, max] = DEADLINE_RANGE_SECONDS;
  if (attemptDeadlineSeconds < min || attemptDeadlineSeconds > max) {
    throw new ApiError(
      'INVALID_ARGUMENT',
      `Job.attemptDeadline must be between ${min}s and ${max}s for HTTP targets.`,
    );
  }
  return {
    description,
    schedule,
    timeZone,
    httpTarget: parseHttpTarget(raw.httpTarget),
    attemptDeadlineSeconds,
    retryConfig: parseRetryConfig(raw.retryConfig),
  };
}

function parseHttpTarget(raw: JsonObject): HttpTarget {
  const uri = optionalString(raw.uri, 'httpTarget.uri');
  if (!/^https?:\/\//.test(uri) || !URL.canParse(uri)) {
    throw new ApiError(
      'INVALID_ARGUMENT',
      `HttpTarget.uri must begin with "http://" or "https://"; got "${uri}".`,
    );
  }
  const method =
    raw.httpMethod === undefined ? 'POST' : parseEnum(raw.httpMethod, HTTP_METHODS, 'httpTarget.httpMethod');
  const httpMethod = method === 'HTTP_METHOD_UNSPECIFIED' ? 'POST' : method;
  const body =
    raw.body === undefined || raw.body === '' ? undefined : decodeBytes(raw.body, 'httpTarget.body');
  if (body && !METHODS_WITH_BODY.includes(httpMethod)) {
    throw new ApiError(
      'INVALID_ARGUMENT',
      `HttpTarget.body is only allowed with POST, PUT or PATCH, not ${httpMethod}.`,
    );
  }
  if (raw.oidcToken !== undefined && raw.oauthToken !== undefined) {
    throw new ApiError('INVALID_ARGUMENT', 'HttpTarget takes either oidcToken or oauthToken, not both.');
  }
  return {
    uri,
    httpMethod,
    headers: stringMap(raw.headers, 'httpTarget.headers'),
    ...(body ? { body } : {}),
    ...(isObject(raw.oidcToken) ? { oidcToken: tokenSpec(raw.oidcToken, 'audience') } : {}),
    ...(isObject(raw.oauthToken) ? { oauthToken: tokenSpec(raw.oauthToken, 'scope') } : {}),
  };
}

function tokenSpec(raw: JsonObject, extra: 'audience' | 'scope') {
  const serviceAccountEmail = optionalString(raw.serviceAccountEmail, 'serviceAccountEmail');
  const value = optionalString(raw[extra], extra);
  return { serviceAccountEmail, ...(value ? { [extra]: value } : {}) };
}

function parseRetryConfig(raw: unknown): JsonObject {
  if (raw === undefined || raw === null) return { ...RETRY_DEFAULTS };
  if (!isObject(raw)) throw new ApiError('INVALID_ARGUMENT', 'Job.retryConfig must be an object.');
  const merged: JsonObject = { ...RETRY_DEFAULTS, ...raw };
  for (const field of ['maxRetryDuration', 'minBackoffDuration', 'maxBackoffDuration'] as const) {
    merged[field] = `${parseDuration(merged[field], `retryConfig.${field}`)}s`;
  }
  for (const field of ['retryCount', 'maxDoublings'] as const) {
    if (merged[field] !== undefined && !(Number.isInteger(merged[field]) && (merged[field] as number) >= 0)) {
      throw new ApiError('INVALID_ARGUMENT', `retryConfig.${field} must be a non-negative integer.`);
    }
  }
  return merged;
}

/** The caller-set fields as REST JSON (enum names), i.e. what a patch is applied on top of. */
export function specToJson(spec: JobSpec, intEnums = false): JsonObject {
  const { httpTarget: t } = spec;
  return {
    ...(spec.description ? { description: spec.description } : {}),
    schedule: spec.schedule,
    timeZone: spec.timeZone,
    httpTarget: {
      uri: t.uri,
      httpMethod: formatEnum(t.httpMethod, HTTP_METHODS, intEnums),
      ...(Object.keys(t.headers).length > 0 ? { headers: t.headers } : {}),
      ...(t.body ? { body: t.body.toString('base64') } : {}),
      ...(t.oidcToken ? { oidcToken: t.oidcToken } : {}),
      ...(t.oauthToken ? { oauthToken: t.oauthToken } : {}),
    },
    attemptDeadline: `${spec.attemptDeadlineSeconds}s`,
    retryConfig: spec.retryConfig,
  };
}

export function jobToJson(job: Job, intEnums: boolean): JsonObject {
  return {
    name: job.name,
    ...specToJson(job, intEnums),
    userUpdateTime: job.userUpdateTime.toISOString(),
    state: formatEnum(job.state, JOB_STATES, intEnums),
    // proto3 JSON omits a zero code, so a successful attempt reads `"status": {}` as from Google.
    ...(job.status ? { status: job.status.code === 0 ? {} : job.status } : {}),
    ...(job.scheduleTime ? { scheduleTime: job.scheduleTime.toISOString() } : {}),
    ...(job.lastAttemptTime ? { lastAttemptTime: job.lastAttemptTime.toISOString() } : {}),
  };
}

const UPDATABLE_FIELDS = [
  'description',
  'schedule',
  'timeZone',
  'httpTarget',
  'attemptDeadline',
  'retryConfig',
];
/** A GET-modify-PATCH caller sends these back; without a mask they are ignored, as output only. */
const OUTPUT_ONLY_FIELDS = ['name', 'state', 'status', 'scheduleTime', 'lastAttemptTime', 'userUpdateTime'];

/**
 * Applies an UpdateJob `updateMask` (comma list; snake_case or camelCase; `a.b` reaches one level
 * down). Without a mask every field present in the patch replaces the current one.
 */
export function applyUpdateMask(current: JsonObject, patch: JsonObject, mask: string | null): JsonObject {
  const paths = mask
    ? mask.split(',').map((p) => p.trim().replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()))
    : Object.keys(patch).filter((field) => !OUTPUT_ONLY_FIELDS.includes(field));
  const updated: JsonObject = structuredClone(current);
  for (const path of paths) {
    const [head = '', sub] = path.split('.');
    if (!UPDATABLE_FIELDS.includes(head)) {
      throw new ApiError('INVALID_ARGUMENT', `updateMask path "${path}" is not an updatable Job field.`);
    }
    if (sub === undefined) {
      updated[head] = patch[head];
    } else {
      const source = isObject(patch[head]) ? patch[head] : {};
      updated[head] = { ...(isObject(updated[head]) ? updated[head] : {}), [sub]: source[sub] };
    }
  }
  return updated;
}

function optionalString(value: unknown, field: string): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw new ApiError('INVALID_ARGUMENT', `Job.${field} must be a string.`);
  return value;
}

function stringMap(value: unknown, field: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isObject(value) || Object.values(value).some((v) => typeof v !== 'string')) {
    throw new ApiError('INVALID_ARGUMENT', `${field} must be a map of strings.`);
  }
  return value as Record<string, string>;
}

/** proto3 JSON `bytes`: standard or URL-safe base64. */
function decodeBytes(value: unknown, field: string): Buffer {
  if (typeof value !== 'string' || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(value)) {
    throw new ApiError('INVALID_ARGUMENT', `${field} must be base64.`);
  }
  return Buffer.from(value, /[-_]/.test(value) ? 'base64url' : 'base64');
}

/** proto3 JSON Duration, e.g. "180s" or "3.5s" (seconds only, as Google writes it). */
function parseDuration(value: unknown, field: string): number {
  const match = typeof value === 'string' ? /^(\d+(?:\.\d{1,9})?)s$/.exec(value) : null;
  if (!match) throw new ApiError('INVALID_ARGUMENT', `${field} must be a duration like "180s".`);
  return Number(match[1]);
}
