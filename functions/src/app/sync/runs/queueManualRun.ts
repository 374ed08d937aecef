import { inRunLedger, readLeaseNow, writeLeaseIfUnchanged } from '../../../adapters/firestore/syncLease.js';
import { newRunId, readRun } from '../../../adapters/firestore/syncRuns.js';
import type { RunTrigger, SyncKind, SyncRun } from '../../../domain/sync/model.js';
import { AppError } from '../../../errors.js';
import { abandonedRun, failedRun, isFinished, isLive, iso, QUEUED_RUN_TIMEOUT_MS } from './lease.js';

/**
 * The lease side of `syncNow` (docs/api.md): queue a manual run, or name the run that is already
 * queued or running for the user (coalescing). Concurrent calls queue exactly one run: the lease is
 * written only if it is still as read (a conditional write, no transaction), so of a burst of calls
 * one queues and the others, finding its lease on their next read, coalesce into its run. No caller
 * waits on another's lock (100 concurrent calls on one transaction ended as ABORTED, issue #16).
 */

export interface QueuedRun {
  runId: string;
  coalesced: boolean;
  /** For a coalesced run: whether it is still waiting (`queued`) or already working (`running`). */
  state?: 'queued' | 'running';
}

/** Rounds of read-then-write a caller tries before it answers "try again" (each loser re-reads). */
const MAX_ROUNDS = 5;

/**
 * `trigger`: what the run records; `manual` for `syncNow`, `schedule` for the automatic runs that a
 * calendar change notification queues (docs/behaviour.md#near-real-time-calendar) — both are requested by run id on Pub/Sub.
 */
export async function queueManualRun(
  uid: string,
  kinds: SyncKind[],
  now: number,
  trigger: RunTrigger = 'manual',
): Promise<QueuedRun> {
  for (let round = 0; round < MAX_ROUNDS; round += 1) {
    const reading = await readLeaseNow(uid);
    const { lease } = reading;
    const holder = lease ? await readRun(uid, lease.runId) : undefined;
    const active = lease && holder && !isFinished(holder) ? holder : undefined;
    if (lease && active && isLive(lease, now))
      return { runId: active.id, coalesced: true, state: lease.state };
    const run: SyncRun = {
      id: newRunId(uid),
      trigger,
      kinds,
      status: 'queued',
      queuedAt: iso(now),
      counts: {},
      conflicts: [],
      errors: [],
    };
    const written = await writeLeaseIfUnchanged(
      uid,
      reading,
      { runId: run.id, state: 'queued', holder: null, expiresAt: now + QUEUED_RUN_TIMEOUT_MS },
      active ? [run, abandonedRun(active, now)] : [run],
    );
    if (written) return { runId: run.id, coalesced: false };
  }
  throw new AppError('unavailable', 'Too many sync requests at once; try again in a moment.', undefined, {
    retryAfterSeconds: 1,
  });
}

/**
 * The run's request could not be published: the run fails and frees the user at once, so the next
 * `syncNow` queues a new run instead of coalescing into one that will never start.
 */
export function abandonUnpublishedRun(uid: string, runId: string, now: number): Promise<void> {
  return inRunLedger(uid, async (ledger) => {
    const lease = await ledger.lease();
    const run = await ledger.run(runId);
    if (run?.status === 'queued') {
      ledger.saveRun(
        failedRun(run, now, {
          code: 'unavailable',
          message:
            'The run could not be queued (the messaging service did not accept it). Run the sync again.',
        }),
      );
    }
    if (lease?.runId === runId && lease.state === 'queued') ledger.releaseLease();
  });
}
