import type { SyncLease } from '../../../adapters/firestore/syncLease.js';
import type { RunStatus, SyncRun } from '../../../domain/sync/model.js';

/**
 * The rules of the per-user lease (docs/behaviour.md#running-syncs: runs never overlap, duplicates do no harm, nothing
 * sticks after a crash). Pure: every function takes the instant it judges at.
 *
 * A lease lives only for a while, so no crash can block a user for ever:
 * - a queued run whose Pub/Sub message never arrives stops blocking after QUEUED_RUN_TIMEOUT_MS
 *   (push deliveries normally arrive in seconds; Pub/Sub retries failed pushes with backoff of up to
 *   600 s, https://cloud.google.com/pubsub/docs/handling-failures#subscription_retry_policy);
 * - a running run holds the lease for LEASE_TTL_MS and renews it (a heartbeat) every
 *   LEASE_RENEW_EVERY_MS while it works, so a lease outlives its holder by seconds only. A delivery
 *   that finds the run's lease held is not acknowledged (syncUser throws, so Pub/Sub delivers it
 *   again with backoff, https://cloud.google.com/pubsub/docs/handling-failures#subscription_retry_policy):
 *   the holder may be a process that just died, and the redelivery after its lease expired takes the
 *   run over within seconds, instead of the run showing `running` until a long TTL ran out.
 */

export const QUEUED_RUN_TIMEOUT_MS = 10 * 60_000;
export const LEASE_TTL_MS = 20_000;
/** Four heartbeats per TTL: a stalled renewal or two does not lose the lease of a live run. */
export const LEASE_RENEW_EVERY_MS = 5_000;

const FINISHED: ReadonlySet<RunStatus> = new Set(['succeeded', 'partial', 'failed']);

export const isFinished = (run: SyncRun): boolean => FINISHED.has(run.status);

export const isLive = (lease: SyncLease, now: number): boolean => lease.expiresAt > now;

export const iso = (ms: number): string => new Date(ms).toISOString();

/** The run ended as failed with `error`, at `now`. */
export function failedRun(run: SyncRun, now: number, error: { code: string; message: string }): SyncRun {
  return { ...run, status: 'failed', finishedAt: iso(now), error };
}

/**
 * A run whose lease expired before it finished, closed when another run takes the user, so it does
 * not stay "queued" or "running" for ever. Incremental sync resumes from the cursors, so the run
 * that takes over does the work this one left.
 */
export function abandonedRun(run: SyncRun, now: number): SyncRun {
  return failedRun(
    run,
    now,
    run.status === 'queued'
      ? {
          code: 'unavailable',
          message: 'The run never started: its request did not reach the sync in time. Run the sync again.',
        }
      : {
          code: 'interrupted',
          message: 'The run stopped before it finished; a later run picked up its work.',
        },
  );
}
