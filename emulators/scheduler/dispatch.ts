/**
 * One attempt of a job: the HTTP request Cloud Scheduler sends to an httpTarget, and the
 * google.rpc.Status it records. Headers follow HttpTarget.headers in
 * google/cloud/scheduler/v1/target.proto; "the job is acknowledged by a 2xx response"
 * (docs/google-apis.md#secret-manager-and-cloud-scheduler).
 */
import { RPC_CODES, type RpcStatusName } from '../shared/api-error.js';
import type { Job } from './job.js';

export interface AttemptStatus {
  code: number;
  message?: string;
}

/** Mints `Authorization: Bearer` ID tokens for jobs with an oidcToken (no Google signer exists here). */
export type OidcTokenMinter = (audience: string, serviceAccountEmail: string) => Promise<string>;

/** Headers Cloud Scheduler computes, replaces or reserves; a job's own values for them are dropped. */
const RESERVED_HEADER = /^(host|content-length|user-agent|x-google-.*|x-appengine-.*|x-cloudscheduler.*)$/i;

export async function dispatchHttpTarget(
  job: Job,
  scheduleTime: Date,
  options: { mintOidcToken?: OidcTokenMinter; signal: AbortSignal },
): Promise<AttemptStatus> {
  const target = job.httpTarget;
  const headers = new Headers();
  for (const [key, value] of Object.entries(target.headers)) {
    if (!RESERVED_HEADER.test(key)) headers.set(key, value);
  }
  if (target.body && !headers.has('content-type')) headers.set('content-type', 'application/octet-stream');
  headers.set('user-agent', 'Google-Cloud-Scheduler');
  headers.set('x-cloudscheduler', 'true');
  headers.set('x-cloudscheduler-jobname', job.name.split('/').at(-1) ?? job.name);
  headers.set('x-cloudscheduler-scheduletime', scheduleTime.toISOString());
  if (target.oidcToken && options.mintOidcToken) {
    // The audience defaults to the target URI.
    const audience = target.oidcToken.audience ?? target.uri;
    headers.set(
      'authorization',
      `Bearer ${await options.mintOidcToken(audience, target.oidcToken.serviceAccountEmail)}`,
    );
  }

  const deadline = AbortSignal.timeout(job.attemptDeadlineSeconds * 1000);
  try {
    const response = await fetch(target.uri, {
      method: target.httpMethod,
      headers,
      ...(target.body ? { body: target.body } : {}),
      signal: AbortSignal.any([deadline, options.signal]),
    });
    await response.arrayBuffer(); // read to the end so the connection is released
    if (response.ok) return { code: 0 };
    return statusFor(rpcStatusForHttp(response.status), `HTTP ${response.status} from ${target.uri}`);
  } catch (error) {
    if (deadline.aborted) {
      return statusFor(
        'DEADLINE_EXCEEDED',
        `No response within attemptDeadline ${job.attemptDeadlineSeconds}s.`,
      );
    }
    if (options.signal.aborted)
      return statusFor('CANCELLED', 'The emulator was shut down during the attempt.');
    return statusFor('UNAVAILABLE', `Could not reach ${target.uri}: ${(error as Error).message}`);
  }
}

function statusFor(name: RpcStatusName, message: string): AttemptStatus {
  return { code: RPC_CODES[name].code, message };
}

/** HTTP status → canonical code, as listed in google/rpc/code.proto. */
export function rpcStatusForHttp(status: number): RpcStatusName {
  const exact: Record<number, RpcStatusName> = {
    400: 'INVALID_ARGUMENT',
    401: 'UNAUTHENTICATED',
    403: 'PERMISSION_DENIED',
    404: 'NOT_FOUND',
    409: 'ABORTED',
    429: 'RESOURCE_EXHAUSTED',
    499: 'CANCELLED',
    501: 'UNIMPLEMENTED',
    503: 'UNAVAILABLE',
    504: 'DEADLINE_EXCEEDED',
  };
  if (exact[status]) return exact[status];
  if (status >= 400 && status < 500) return 'FAILED_PRECONDITION';
  if (status >= 500) return 'INTERNAL';
  return 'UNKNOWN'; // 1xx/3xx: not an acknowledgement either
}
