import { type DocumentData, Timestamp, type Transaction } from '@google-cloud/firestore';
import type { SyncRun } from '../../domain/sync/model.js';
import { firestore } from './client.js';
import { readRun, writeRun } from './syncRuns.js';

/**
 * The per-user sync lease at `syncLeases/{uid}` (docs/behaviour.md#running-syncs: "a user's runs never overlap (a lease in
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

function leaseOf(data: DocumentData | undefined): SyncLease | undefined {
  if (!data || typeof data.runId !== 'string' || !(data.expiresAt instanceof Timestamp)) return undefined;
  return {
    runId: data.runId,
    state: data.state === 'running' ? 'running' : 'queued',
    holder: typeof data.holder === 'string' ? data.holder : null,
    expiresAt: data.expiresAt.toMillis(),
  };
}

const storedLease = ({ expiresAt, ...lease }: SyncLease) => ({
  ...lease,
  expiresAt: Timestamp.fromMillis(expiresAt),
});

async function readLease(tx: Transaction, uid: string): Promise<SyncLease | undefined> {
  return leaseOf((await tx.get(leaseRef(uid))).data());
}

/** The lease read outside any transaction, with the version a conditional write must still find. */
export interface LeaseReading {
  lease?: SyncLease;
  /** The lease document's update time; undefined when there is no lease document. */
  version?: Timestamp;
}

export async function readLeaseNow(uid: string): Promise<LeaseReading> {
  const snapshot = await leaseRef(uid).get();
  return { lease: leaseOf(snapshot.data()), version: snapshot.exists ? snapshot.updateTime : undefined };
}

/** gRPC NOT_FOUND, ALREADY_EXISTS, FAILED_PRECONDITION: the lease is no longer as it was read. */
const LOST_RACE_CODES = new Set([5, 6, 9]);

/**
 * Writes the lease and `runs` in one batch, only if the lease document is still as `reading` saw it
 * (absent: `create`; present: unchanged since, by its update time). Optimistic concurrency takes no
 * lock, so a burst of concurrent callers does not queue up on one transaction until Firestore
 * aborts them: one wins, the others learn it at once and read again
 * (https://firebase.google.com/docs/firestore/transaction-data-contention). False when another
 * writer came first.
 */
export async function writeLeaseIfUnchanged(
  uid: string,
  reading: LeaseReading,
  lease: SyncLease,
  runs: SyncRun[],
): Promise<boolean> {
  const batch = firestore().batch();
  if (reading.version) batch.update(leaseRef(uid), storedLease(lease), { lastUpdateTime: reading.version });
  else batch.create(leaseRef(uid), storedLease(lease));
  for (const run of runs) writeRun(batch, uid, run);
  try {
    await batch.commit();
    return true;
  } catch (error) {
    if (LOST_RACE_CODES.has((error as { code?: unknown }).code as number)) return false;
    throw error;
  }
}

/** Runs `work` in a transaction over `uid`'s ledger (retried on contention, as Firestore does). */
export function inRunLedger<T>(uid: string, work: (ledger: RunLedger) => Promise<T>): Promise<T> {
  return firestore().runTransaction(async (tx) => {
    // Firestore wants every read of a transaction before its first write: writes wait until the end.
    const writes: ((tx: Transaction) => void)[] = [];
    const result = await work({
      lease: () => readLease(tx, uid),
      run: (runId) => readRun(uid, runId, tx),
      setLease: (lease) => writes.push((t) => t.set(leaseRef(uid), storedLease(lease))),
      releaseLease: () => writes.push((t) => t.delete(leaseRef(uid))),
      saveRun: (run) => writes.push((t) => writeRun(t, uid, run)),
    });
    for (const write of writes) write(tx);
    return result;
  });
}
