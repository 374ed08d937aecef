import type { DocumentData, DocumentReference, Firestore, WriteBatch } from '@google-cloud/firestore';
import type { WriteSet } from '../../ports/crmStore.js';

/**
 * Writes gathered over a slice of sync work (a page of Google contacts) and committed together in
 * as few WriteBatch commits as Firestore allows: at most 500 writes and 10 MiB per commit
 * (https://firebase.google.com/docs/firestore/quotas#writes_and_transactions). Writes are added as
 * units, and a unit never straddles two commits: a record, its change-feed entry and its mapping
 * commit atomically, so the change feed's promise holds (an entry commits with its record, stamped
 * with that commit's time, see crm/changeLog.ts) and a crash between two commits leaves whole units.
 *
 * No transaction per record: what the sync writes here it has read just before in bulk (getAll),
 * under its per-user lease; a write that must not overwrite uses `create`, which fails the whole
 * commit (nothing of it applied) if the document appeared meanwhile, and the retried page reads again.
 */

export const MAX_COMMIT_WRITES = 500;
/** Below the 10 MiB request limit, leaving room for what our size estimate does not see. */
export const MAX_COMMIT_BYTES = 9 * 1024 * 1024;

export type StagedWrite =
  | { op: 'create' | 'set' | 'merge'; ref: DocumentReference; data: DocumentData }
  | { op: 'delete'; ref: DocumentReference };

function sizeOf(write: StagedWrite): number {
  // Firestore counts a document's name and its fields; JSON is a fair (slightly high) estimate.
  return write.ref.path.length + 32 + (write.op === 'delete' ? 0 : JSON.stringify(write.data).length);
}

function apply(batch: WriteBatch, write: StagedWrite): void {
  if (write.op === 'create') batch.create(write.ref, write.data);
  else if (write.op === 'set') batch.set(write.ref, write.data);
  else if (write.op === 'merge') batch.set(write.ref, write.data, { merge: true });
  else batch.delete(write.ref);
}

export class FirestoreWriteSet implements WriteSet {
  /** Units by key (the CRM record's id): the CRM store and the sync state add to the same unit. */
  private units = new Map<string, StagedWrite[]>();
  /** Reads the stores may share within one set (a tag's owner, read once per page). */
  readonly memo = new Map<string, unknown>();

  constructor(readonly db: Firestore) {}

  get size(): number {
    let size = 0;
    for (const unit of this.units.values()) size += unit.length;
    return size;
  }

  /** Adds writes to the unit `key`: all of a unit's writes commit together. */
  add(key: string, writes: StagedWrite[]): void {
    const unit = [...(this.units.get(key) ?? []), ...writes];
    if (unit.length > MAX_COMMIT_WRITES) throw new Error(`A unit of ${unit.length} writes fits no commit.`);
    this.units.set(key, unit);
  }

  /** Commits every unit, in order, and empties the set; a failed commit throws (its units not applied). */
  async commit(): Promise<void> {
    const units = [...this.units.values()];
    this.units = new Map();
    this.memo.clear();
    let batch = this.db.batch();
    let writes = 0;
    let bytes = 0;
    for (const unit of units) {
      const unitBytes = unit.reduce((sum, write) => sum + sizeOf(write), 0);
      if (writes > 0 && (writes + unit.length > MAX_COMMIT_WRITES || bytes + unitBytes > MAX_COMMIT_BYTES)) {
        await batch.commit();
        batch = this.db.batch();
        writes = 0;
        bytes = 0;
      }
      for (const write of unit) apply(batch, write);
      writes += unit.length;
      bytes += unitBytes;
    }
    if (writes > 0) await batch.commit();
  }
}

/** The Firestore write set behind a port's WriteSet (CRM and sync state share one database). */
export function firestoreWriteSet(set: WriteSet): FirestoreWriteSet {
  if (!(set instanceof FirestoreWriteSet)) throw new Error('This write set belongs to another store.');
  return set;
}
