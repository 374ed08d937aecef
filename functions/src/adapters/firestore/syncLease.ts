import { Timestamp, type Transaction } from '@google-cloud/firestore';
import type { SyncRun } from '../../domain/sync/model.js';
import { firestore } from './client.js';
import { readRun, writeRun } from './syncRuns.js';

/**
 * The per-user sync lease at `syncLeases/{uid}` (SPEC §3.6: "a user's runs never overlap (a lease in
 * Firestore)"). It names the one run that is queued or running for the user, who holds it (one
 * delivery of that run) and until when. It is not account state: a run may still hold it while its
 * account is being removed, and deleting it then would let a new run overlap that one.
 *
 * Every decision about the lease reads and writes it together with the runs it concerns in one
 * transaction (a "ledger"), so concurrent `syncNow` calls and Pub/Sub deliveries serialise.
 */

export const SYNC_LEASES = 'syncLeases';

export interface SyncLease {
  runId: string;
  /** `queued`: waiting for its Pub/Sub delivery; `running`: a delivery is working on it. */
  state: 'queued' | 'running';
  /** The delivery working on the run (a random id per attempt); null while queued. */
  holder: string | null;
  /** Milliseconds since the epoch; after it the lease no longer blocks anyone. */
  expiresAt: number;
}

/** One transaction over a user's lease and runs. Writes apply when the callback returns. */
export interface RunLedger {
  lease(): Promise<SyncLease | undefined>;
  run(runId: string): Promise<SyncRun | undefined>;
  setLease(lease: SyncLease): void;
  releaseLease(): void;
  saveRun(run: SyncRun): void;
}

const leaseRef = (uid: string) => firestore().collection(SYNC_LEASES).doc(uid);

async function readLease(tx: Transaction, uid: string): Promise<SyncLease | undefined> {
  const data = (await tx.get(leaseRef(uid))).data();
  if (!data || typeof data.runId !== 'string' || !(data.expiresAt instanceof Timestamp)) return undefined;
  return {
    runId: data.runId,
    state: data.state === 'running' ? 'running' : 'queued',
    holder: typeof data.holder === 'string' ? data.holder : null,
    expiresAt: data.expiresAt.toMillis(),
  };
}

/** Runs `work` in a transaction over `uid`'s ledger (retried on contention, as Firestore does). */
export function inRunLedger<T>(uid: string, work: (ledger: RunLedger) => Promise<T>): Promise<T> {
  return firestore().runTransaction(async (tx) => {
    // Firestore wants every read of a transaction before its first write: writes wait until the end.
    const writes: ((tx: Transaction) => void)[] = [];
    const result = await work({
      lease: () => readLease(tx, uid),
      run: (runId) => readRun(uid, runId, tx),
      setLease: ({ expiresAt, ...lease }) =>
        writes.push((t) => t.set(leaseRef(uid), { ...lease, expiresAt: Timestamp.fromMillis(expiresAt) })),
      releaseLease: () => writes.push((t) => t.delete(leaseRef(uid))),
      saveRun: (run) => writes.push((t) => writeRun(t, uid, run)),
    });
    for (const write of writes) write(tx);
    return result;
  });
}
