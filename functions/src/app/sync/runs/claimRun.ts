import { inRunLedger } from '../../../adapters/firestore/syncLease.js';
import type { SyncRequest } from '../../../domain/sync/messages.js';
import type { SyncRun } from '../../../domain/sync/model.js';
import { abandonedRun, isFinished, isLive, iso, LEASE_TTL_MS } from './lease.js';

/**
 * A delivery of a sync request takes the user's lease for its run (docs/behaviour.md#running-syncs), in one transaction:
 *
 * - a manual request names a run `syncNow` queued; a schedule request maps to the run id of its
 *   due minute, so a duplicate or re-dispatched schedule message finds the same run;
 * - a run that finished is left alone: a duplicate delivery does nothing;
 * - a run that another delivery is working on (live lease) is left alone too, and the delivery is
 *   `in_progress`: not to be acknowledged, since that holder may have died a moment ago (lease.ts);
 * - a run whose lease expired while it was running (its process died) is taken over and finished;
 * - a schedule request while another run holds the user is dropped: that run does the work;
 * - whoever takes the lease from an expired run of another id closes that run (abandoned).
 */

export type Claim =
  | { outcome: 'claimed'; run: SyncRun; takeover: boolean }
  | { outcome: 'skipped'; reason: 'unknown_run' | 'finished' | 'in_progress' | 'coalesced' | 'superseded' };

/** The run id of a schedule request: one run per user and due minute. */
export const scheduleRunId = (dueMinute: number) => `schedule-${dueMinute}`;

const MINUTE_MS = 60_000;

function newScheduleRun(request: Extract<SyncRequest, { trigger: 'schedule' }>): SyncRun {
  return {
    id: scheduleRunId(request.dueMinute),
    trigger: 'schedule',
    kinds: request.kinds,
    status: 'queued',
    // Queued when it fell due, which is when the tick dispatched it.
    queuedAt: iso(request.dueMinute * MINUTE_MS),
    counts: {},
    conflicts: [],
    errors: [],
  };
}

/** Takes the lease for `request`'s run as `holder` (a random id of this delivery). */
export function claimRun(request: SyncRequest, holder: string, now: number): Promise<Claim> {
  const runId = request.trigger === 'manual' ? request.runId : scheduleRunId(request.dueMinute);
  return inRunLedger(request.uid, async (ledger) => {
    const lease = await ledger.lease();
    const existing = await ledger.run(runId);
    const ours = lease?.runId === runId;
    const other = lease && !ours ? await ledger.run(lease.runId) : undefined;
    const otherActive = other !== undefined && !isFinished(other);

    const base = existing ?? (request.trigger === 'schedule' ? newScheduleRun(request) : undefined);
    if (!base) return { outcome: 'skipped', reason: 'unknown_run' };
    if (isFinished(base)) return { outcome: 'skipped', reason: 'finished' };
    if (lease && isLive(lease, now)) {
      if (ours && lease.state === 'running') return { outcome: 'skipped', reason: 'in_progress' };
      if (otherActive) {
        if (!existing) return { outcome: 'skipped', reason: 'coalesced' };
        // Only a run whose own lease had expired can be here: another run has taken the user since.
        ledger.saveRun(abandonedRun(existing, now));
        return { outcome: 'skipped', reason: 'superseded' };
      }
    }
    if (other && otherActive) ledger.saveRun(abandonedRun(other, now));

    const run: SyncRun = { ...base, status: 'running', startedAt: base.startedAt ?? iso(now) };
    ledger.saveRun(run);
    ledger.setLease({ runId, state: 'running', holder, expiresAt: now + LEASE_TTL_MS });
    return { outcome: 'claimed', run, takeover: base.status === 'running' };
  });
}
