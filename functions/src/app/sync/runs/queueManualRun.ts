import { inRunLedger } from '../../../adapters/firestore/syncLease.js';
import { newRunId } from '../../../adapters/firestore/syncRuns.js';
import type { SyncKind, SyncRun } from '../../../domain/sync/model.js';
import { abandonedRun, failedRun, isFinished, isLive, iso, QUEUED_RUN_TIMEOUT_MS } from './lease.js';

/**
 * The lease side of `syncNow` (SPEC §4.3): queue a manual run, or name the run that is already
 * queued or running for the user (coalescing). One transaction on the user's lease, so concurrent
 * calls queue exactly one run.
 */

export interface QueuedRun {
  runId: string;
  coalesced: boolean;
}

export function queueManualRun(uid: string, kinds: SyncKind[], now: number): Promise<QueuedRun> {
  return inRunLedger(uid, async (ledger) => {
    const lease = await ledger.lease();
    const holder = lease ? await ledger.run(lease.runId) : undefined;
    if (lease && holder && !isFinished(holder)) {
      if (isLive(lease, now)) return { runId: holder.id, coalesced: true };
      ledger.saveRun(abandonedRun(holder, now));
    }
    const run: SyncRun = {
      id: newRunId(uid),
      trigger: 'manual',
      kinds,
      status: 'queued',
      queuedAt: iso(now),
      counts: {},
      conflicts: [],
      errors: [],
    };
    ledger.saveRun(run);
    ledger.setLease({ runId: run.id, state: 'queued', holder: null, expiresAt: now + QUEUED_RUN_TIMEOUT_MS });
    return { runId: run.id, coalesced: false };
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
