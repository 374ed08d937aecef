import { GoogleApiFailure, type GoogleFailureKind } from '../../../adapters/google/apiErrors.js';
import { UnreadableRecordError } from '../../../core/sync/unreadable.js';
import { AppError } from '../../../errors.js';
import { ReauthRequiredError } from '../../accounts/accessTokens.js';

/**
 * The one classifier of what went wrong in a sync run, for every kind. Where a fault belongs decides
 * what the run does with it:
 *
 * - `infrastructure`: a transient fault of our own infrastructure (Firestore or Pub/Sub answering a
 *   retryable gRPC status, a connection reset). It escapes `syncUser`, so Pub/Sub redelivers the
 *   message (https://cloud.google.com/functions/docs/bestpractices/retries) and the next delivery
 *   resumes from the cursors, which never passed unfinished work.
 * - `kind`: the whole kind cannot go on now (the grant is gone, Google throttles or is down, the
 *   scope was taken away): the kind fails with a clear error, its cursors stay where they are.
 * - `item`: one record could not be synced (refused as invalid, changed or gone under us, unreadable):
 *   it becomes an item error of the run, the rest goes on, and the record is tried again next run.
 *
 * Anything else is a fault of ours (a bug, a crash): it fails the kind as `internal`, its detail only
 * in the log, and the cursors stay, so the next run does the same work again rather than skip it.
 */
export type FaultScope = 'infrastructure' | 'kind' | 'item';

/**
 * gRPC codes: https://grpc.github.io/grpc/core/md_doc_statuscodes.html (HTTP statuses, which Google
 * API errors carry in their `code`, are 100 and above and never collide with these).
 */
const RETRYABLE_GRPC_CODES = new Set([
  4, // DEADLINE_EXCEEDED
  8, // RESOURCE_EXHAUSTED
  10, // ABORTED (transaction contention beyond the client's own retries)
  14, // UNAVAILABLE
]);

/** Node's errno codes of a connection that dropped or could not be made (https://nodejs.org/api/errors.html#common-system-errors). */
const NETWORK_RESET_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN']);

/** Google failures that every further call of the kind would meet too. */
const KIND_WIDE_GOOGLE_FAILURES: ReadonlySet<GoogleFailureKind> = new Set([
  'rate_limited',
  'unavailable',
  'unauthorized',
  'forbidden',
  'sync_token_expired',
]);

/** CRM refusals of one record (docs/api.md error codes): the record's problem, not the run's. */
const ITEM_APP_CODES = new Set(['invalid_argument', 'not_found', 'conflict', 'precondition_failed']);

export function isTransientInfrastructureFault(error: unknown): boolean {
  if (error instanceof AppError || error instanceof GoogleApiFailure) return false;
  if (typeof error !== 'object' || error === null) return false;
  const { code, cause } = error as { code?: unknown; cause?: unknown };
  if (typeof code === 'number') return RETRYABLE_GRPC_CODES.has(code);
  if (typeof code === 'string') return NETWORK_RESET_CODES.has(code);
  return cause !== undefined && cause !== error && isTransientInfrastructureFault(cause);
}

export function faultScope(error: unknown): FaultScope {
  if (isTransientInfrastructureFault(error)) return 'infrastructure';
  if (error instanceof ReauthRequiredError) return 'kind';
  if (error instanceof GoogleApiFailure) return KIND_WIDE_GOOGLE_FAILURES.has(error.kind) ? 'kind' : 'item';
  if (error instanceof AppError) return ITEM_APP_CODES.has(error.code) ? 'item' : 'kind';
  if (error instanceof UnreadableRecordError) return 'item';
  return 'kind';
}

/** Google's answer or the CRM's that the record is stale: read both sides again and plan once more. */
export function isStaleWrite(error: unknown): boolean {
  return (
    (error instanceof GoogleApiFailure && error.kind === 'precondition_failed') ||
    (error instanceof AppError && error.code === 'precondition_failed')
  );
}

/** The CRM's answer that the record does not exist. */
export function isCrmNotFound(error: unknown): boolean {
  return error instanceof AppError && error.code === 'not_found';
}

/** A CRM read whose record may be gone: undefined then (every other failure still throws). */
export async function unlessNotFound<T>(read: Promise<T>): Promise<T | undefined> {
  try {
    return await read;
  } catch (error) {
    if (isCrmNotFound(error)) return undefined;
    throw error;
  }
}
