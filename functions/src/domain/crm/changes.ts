/**
 * What the sync reads from the CRM change feed (docs/behaviour.md#incremental-contact-sync, docs/behaviour.md#incremental-activity-sync): one entry per committed
 * change, in commit order. Deletions and tag removals arrive as entries whose `inScope` is false
 * (tombstones), so the sync can unlink what left its scope.
 */

export type ChangeOp = 'created' | 'updated' | 'deleted' | 'tagged' | 'untagged';

export interface RecordChange {
  recordId: string;
  op: ChangeOp;
  /** The record's version after the change (the deleted version for `deleted`). */
  version: number;
  /** Commit time, RFC 3339. */
  changedAt: string;
  /** In the reader's scope after the change: carries the tag (contacts) or showInCalendar (activities). */
  inScope: boolean;
  /** In the reader's scope before the change. */
  wasInScope: boolean;
  /**
   * Who made the change: a user through the API, or a user's sync (the reader's own sync writes are
   * never returned). Absent on entries written before it was recorded.
   */
  origin?: { by: 'user' | 'sync'; uid: string };
}

export interface ChangeBatch {
  changes: RecordChange[];
  /** Opaque; pass it to the next read. Always set, also when nothing changed. */
  nextCursor: string;
  /** True when more changes are waiting right now (the batch hit its limit). */
  hasMore: boolean;
}

export const MAX_CHANGE_BATCH = 1000;
