import { GoogleApiFailure } from '../../../adapters/google/apiErrors.js';
import type { ItemError, SyncConflict, SyncKind, SyncRun } from '../../../domain/sync/model.js';
import { AppError } from '../../../errors.js';
import { ReauthRequiredError } from '../../accounts/accessTokens.js';

/**
 * How a run's result reads (docs/behaviour.md#running-syncs "a clear error when it failed"): the error of a failed kind,
 * and the run's status from what each kind did. Pure.
 */

export interface RunError {
  code: string;
  message: string;
}

/** What became of one requested kind. */
export type KindOutcome =
  | { kind: SyncKind; result: 'completed'; itemErrors: boolean }
  /** Not configured or not permitted: the user's choice, not a failure (recorded in `errors`). */
  | { kind: SyncKind; result: 'skipped'; error: RunError }
  | { kind: SyncKind; result: 'failed'; error: RunError };

/**
 * The error of a kind that failed as a whole. AppError messages are written for users; anything
 * else is an internal fault whose detail stays in the log.
 */
export function kindError(kind: SyncKind, error: unknown): RunError {
  if (error instanceof ReauthRequiredError) {
    return {
      code: 'reauth_required',
      message:
        'Google no longer accepts the authorization of your linked account (revoked, expired or ' +
        'changed password). Link the Google account again, then run the sync.',
    };
  }
  if (error instanceof AppError) return { code: error.code, message: error.message };
  if (error instanceof GoogleApiFailure) {
    const answer = `${error.status ?? 'no answer'}${error.reason ? ` ${error.reason}` : ''}`;
    if (error.kind === 'rate_limited' || error.kind === 'unavailable') {
      return {
        code: error.kind,
        message: `Google was ${error.kind === 'rate_limited' ? 'throttling requests' : 'unavailable'} (${answer}); the next run continues where this one stopped.`,
      };
    }
    return { code: 'google_error', message: `Google refused a request of the ${kind} sync (${answer}).` };
  }
  return {
    code: 'internal',
    message: `The ${kind} sync failed because of an internal error; the next run retries it.`,
  };
}

/** Whether the remaining kinds can still run after this failure (the same token serves them all). */
export function stopsRun(error: RunError): boolean {
  return error.code === 'reauth_required' || error.code === 'google_app_not_configured';
}

/**
 * succeeded: every kind that ran completed without item errors; partial: some completed, but a
 * kind failed or items failed; failed: nothing completed. Kinds skipped because they are not
 * configured or not permitted do not spoil a run that synced the rest; when nothing at all ran, the
 * run failed and its error says why (docs/api.md "the run says so").
 */
export function runResult(outcomes: KindOutcome[]): Pick<SyncRun, 'status' | 'error'> {
  const completed = outcomes.filter((o) => o.result === 'completed');
  const failures = outcomes.flatMap((o) => (o.result === 'failed' ? [o.error] : []));
  const skips = outcomes.flatMap((o) => (o.result === 'skipped' ? [o.error] : []));
  const error = failures.find(stopsRun) ?? failures[0];
  if (completed.length === 0) {
    const reason = error ??
      skips[0] ?? { code: 'sync_not_configured', message: 'The run had nothing to sync.' };
    return { status: 'failed', error: reason };
  }
  if (error) return { status: 'partial', error };
  return { status: completed.some((o) => o.itemErrors) ? 'partial' : 'succeeded' };
}

/** At most this many conflicts and errors are kept per run (a document holds at most 1 MiB). */
export const MAX_LOG_ENTRIES = 200;
/** Longer conflict values are cut (as JSON text) so that a few huge notes cannot fill the run. */
const MAX_VALUE_CHARS = 1000;

function boundedValue(value: unknown): unknown {
  const json = JSON.stringify(value ?? null);
  return json.length <= MAX_VALUE_CHARS ? value : `${json.slice(0, MAX_VALUE_CHARS)}…`;
}

export function appendConflicts(log: SyncConflict[], more: SyncConflict[]): SyncConflict[] {
  const room = Math.max(0, MAX_LOG_ENTRIES - log.length);
  return [
    ...log,
    ...more.slice(0, room).map((c) => ({
      ...c,
      crmValue: boundedValue(c.crmValue),
      googleValue: boundedValue(c.googleValue),
    })),
  ];
}

export function appendErrors(log: ItemError[], more: ItemError[]): ItemError[] {
  return [...log, ...more.slice(0, Math.max(0, MAX_LOG_ENTRIES - log.length))];
}
