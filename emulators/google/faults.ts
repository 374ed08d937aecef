import { type ApiError, type ApiFamily, googleError, legacyError, oauthError } from './errors.js';

export interface FaultMatch {
  /** HTTP method, e.g. `GET`. */
  method?: string;
  /** Path pattern; `*` matches any characters (e.g. `/v1/people/*`). */
  path?: string;
  /** API method name; `*` wildcards allowed (e.g. `people.people.connections.list`, `people.*`). */
  apiMethod?: string;
  /** Only calls made with this account's token. */
  account?: string;
}

export interface FaultInput {
  match?: FaultMatch;
  /** 429, 403 (rate limit), 500 or 503; omitted for a latency-only fault. */
  status?: 429 | 403 | 500 | 503;
  /** Retry-After header value in seconds. */
  retryAfter?: number;
  /** Added latency in milliseconds (before answering, with or without an error). */
  latencyMs?: number;
  /** How many matching calls this fault affects; omitted = every matching call until removed. */
  times?: number;
  /**
   * Carry the call out, then answer the error anyway: the client cannot tell whether its write
   * happened (what a 5xx or a timeout means for a non-idempotent call). Default: fail before the work.
   */
  afterWork?: boolean;
  /** Replace the generated Google error body. */
  body?: unknown;
}

export interface Fault extends FaultInput {
  id: string;
  hits: number;
}

export interface CallInfo {
  method: string;
  path: string;
  apiMethod: string;
  account?: string;
}

const glob = (pattern: string) =>
  new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);

export class FaultInjector {
  private faults: Fault[] = [];
  private nextId = 1;

  add(input: FaultInput): Fault {
    const fault: Fault = { ...input, id: `fault-${this.nextId++}`, hits: 0 };
    this.faults.push(fault);
    return fault;
  }

  list(): Fault[] {
    return this.faults.map((f) => ({ ...f }));
  }

  remove(id?: string): void {
    this.faults = id ? this.faults.filter((f) => f.id !== id) : [];
  }

  /** Finds the first active fault matching the call and consumes one use of it. */
  take(call: CallInfo): Fault | undefined {
    const fault = this.faults.find((f) => matches(f.match ?? {}, call));
    if (!fault) return undefined;
    fault.hits++;
    if (fault.times !== undefined && fault.hits >= fault.times) this.remove(fault.id);
    return fault;
  }
}

function matches(m: FaultMatch, call: CallInfo): boolean {
  if (m.method && m.method.toUpperCase() !== call.method) return false;
  if (m.path && !glob(m.path).test(call.path)) return false;
  if (m.apiMethod && !glob(m.apiMethod).test(call.apiMethod)) return false;
  if (m.account && m.account.toLowerCase() !== call.account?.toLowerCase()) return false;
  return true;
}

/** The error Google's API of that family sends for the fault's status. */
export function faultError(fault: Fault, family: ApiFamily, service: string): ApiError {
  const status = fault.status ?? 500;
  const error = errorFor(status, family, service);
  const headers: Record<string, string> = {};
  if (fault.retryAfter !== undefined) headers['retry-after'] = String(fault.retryAfter);
  const body = fault.body ?? error.body;
  return Object.assign(error, { body, headers: { ...error.headers, ...headers } });
}

function errorFor(status: number, family: ApiFamily, service: string): ApiError {
  if (family === 'oauth') {
    return status >= 500
      ? oauthError(status, 'internal_failure', 'Backend Error')
      : oauthError(status, 'rate_limit_exceeded', 'Rate Limit Exceeded');
  }
  if (family === 'calendar') {
    if (status === 429) return legacyError(429, [usage('rateLimitExceeded', 'Rate Limit Exceeded')]);
    if (status === 403) return legacyError(403, [usage('userRateLimitExceeded', 'User Rate Limit Exceeded')]);
    if (status === 503) return legacyError(503, [global('backendError', 'Backend Error')]);
    return legacyError(status, [global('backendError', 'Backend Error')]);
  }
  const quota = {
    '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
    reason: 'RATE_LIMIT_EXCEEDED',
    domain: 'googleapis.com',
    metadata: { service, quota_limit: 'ReadRequestsPerMinutePerUser' },
  };
  const quotaMessage = `Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute per user' of service '${service}' for consumer 'project_number:000000000000'.`;
  if (status === 429) return googleError(429, 'RESOURCE_EXHAUSTED', quotaMessage, [quota]);
  if (status === 403) return googleError(403, 'PERMISSION_DENIED', quotaMessage, [quota]);
  if (status === 503) return googleError(503, 'UNAVAILABLE', 'The service is currently unavailable.');
  return googleError(status, 'INTERNAL', 'Internal error encountered.');
}

const usage = (reason: string, message: string) => ({ domain: 'usageLimits', reason, message });
const global = (reason: string, message: string) => ({ domain: 'global', reason, message });
