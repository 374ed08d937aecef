import { inRunLedger, type RunLedger } from '../../../adapters/firestore/syncLease.js';
import type { SyncRun } from '../../../domain/sync/model.js';
import { LEASE_TTL_MS } from './lease.js';

/**
 * What the delivery holding a run's lease writes: progress (which renews the lease), the final
 * result (which releases it), or giving the lease up for a redelivery. Each checks, in the same
 * transaction, that this delivery still holds the lease: a delivery that lost it (its process
 * stalled past the TTL and another took over) must not overwrite what the new holder writes.
 * Each answers whether the write happened.
 */

export interface Holding {
  uid: string;
  runId: string;
  /** The random id of this delivery, written into the lease when it claimed the run. */
  holder: string;
}

function whileHeld(held: Holding, write: (ledger: RunLedger) => void): Promise<boolean> {
  return inRunLedger(held.uid, async (ledger) => {
    const lease = await ledger.lease();
    if (lease?.runId !== held.runId || lease.holder !== held.holder) return false;
    write(ledger);
    return true;
  });
}

const renewed = (held: Holding, now: number) =>
  ({ runId: held.runId, state: 'running', holder: held.holder, expiresAt: now + LEASE_TTL_MS }) as const;

export function renewLease(held: Holding, now: number): Promise<boolean> {
  return whileHeld(held, (ledger) => ledger.setLease(renewed(held, now)));
}

/** Saves the run as it stands (a kind finished) and renews the lease. */
export function saveProgress(held: Holding, run: SyncRun, now: number): Promise<boolean> {
  return whileHeld(held, (ledger) => {
    ledger.saveRun(run);
    ledger.setLease(renewed(held, now));
  });
}

/** Saves the finished run and frees the user for the next run. */
export function finishRun(held: Holding, run: SyncRun): Promise<boolean> {
  return whileHeld(held, (ledger) => {
    ledger.saveRun(run);
    ledger.releaseLease();
  });
}

/** Lets the lease expire now, so that Pub/Sub's redelivery of the run takes it over at once. */
export function yieldLease(held: Holding, now: number): Promise<boolean> {
  return whileHeld(held, (ledger) => ledger.setLease({ ...renewed(held, now), expiresAt: now }));
}
