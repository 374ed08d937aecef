import {
  type DocumentData,
  type DocumentReference,
  FieldPath,
  FieldValue,
  type Firestore,
  Timestamp,
  type Transaction,
} from '@google-cloud/firestore';
import type { ChangeBatch, ChangeOp, RecordChange } from '../../../domain/crm/changes.js';
import type { Actor } from '../../../domain/crm/common.js';
import { invalid } from '../../../domain/crm/validation.js';
import { COLLECTIONS, toRfc3339 } from './records.js';

/**
 * The CRM change feed (`crmChanges`). Every write of a contact or activity adds, in the SAME
 * transaction, one entry stamped with the commit time (FieldValue.serverTimestamp()). A reader asks
 * for entries with `changedAt > cursor` and, when it got all of them, takes the query's `readTime`
 * as its next cursor: Firestore reads are strongly consistent, so every commit stamped at or before
 * readTime is visible to that query, and any commit not yet visible will be stamped after it. This
 * keeps transactions that commit out of order (a long one started first, committed last) from being
 * skipped — which a cursor taken from the last entry's time alone would not guarantee.
 *
 * Entries carry `feedKeys` so that a reader queries only its slice: `tag:<id>` for contacts that
 * carried or lost a personal tag, `calendar` for activities with showInCalendar before or after.
 * A no-change read is one query returning nothing (index: feedKeys, changedAt, __name__).
 */

/** Entries are kept for this long (a Firestore TTL policy on `expireAt` removes them). */
export const CHANGE_RETENTION_DAYS = 30;

export const FEEDS = {
  allContacts: 'contacts',
  allActivities: 'activities',
  calendar: 'calendar',
  tag: (tagId: string) => `tag:${tagId}`,
} as const;

interface ChangeEntry {
  kind: 'contact' | 'activity';
  recordId: string;
  op: ChangeOp;
  version: number;
  /** Personal tags of the contact before and after (to tell each tag's reader in / out of scope). */
  tagsBefore?: string[];
  tagsAfter?: string[];
  calendarBefore?: boolean;
  calendarAfter?: boolean;
}

type ContactChange = Omit<ChangeEntry, 'kind' | 'tagsBefore' | 'tagsAfter'> & {
  tagsBefore: string[];
  tagsAfter: string[];
};

export function recordContactChange(
  db: Firestore,
  tx: Transaction,
  actor: Actor,
  change: ContactChange,
): void {
  const { ref, data } = contactChangeEntry(db, actor, change);
  tx.create(ref, data);
}

/**
 * The change entry of a contact write, for the caller to write in the same atomic commit as the
 * contact (a transaction, or a WriteBatch: either commit stamps `changedAt` with its commit time).
 */
export function contactChangeEntry(
  db: Firestore,
  actor: Actor,
  change: ContactChange,
): { ref: DocumentReference; data: DocumentData } {
  const tags = [...new Set([...change.tagsBefore, ...change.tagsAfter])];
  return entry(db, actor, { ...change, kind: 'contact' }, [FEEDS.allContacts, ...tags.map(FEEDS.tag)]);
}

export function recordActivityChange(
  db: Firestore,
  tx: Transaction,
  actor: Actor,
  change: Omit<ChangeEntry, 'kind' | 'calendarBefore' | 'calendarAfter'> & {
    calendarBefore: boolean;
    calendarAfter: boolean;
  },
): void {
  const calendar = change.calendarBefore || change.calendarAfter;
  const { ref, data } = entry(db, actor, { ...change, kind: 'activity' }, [
    FEEDS.allActivities,
    ...(calendar ? [FEEDS.calendar] : []),
  ]);
  tx.create(ref, data);
}

function entry(
  db: Firestore,
  actor: Actor,
  change: ChangeEntry,
  feedKeys: string[],
): { ref: DocumentReference; data: DocumentData } {
  return {
    ref: db.collection(COLLECTIONS.changes).doc(),
    data: {
      ...change,
      feedKeys,
      origin: { by: actor.by, uid: actor.uid },
      changedAt: FieldValue.serverTimestamp(),
      expireAt: Timestamp.fromMillis(Date.now() + CHANGE_RETENTION_DAYS * 86_400_000),
    },
  };
}

interface Cursor {
  at: Timestamp;
  /** Set when the previous batch was cut by its limit: continue after this entry. */
  afterId?: string;
}

function encodeCursor(cursor: Cursor): string {
  const body = {
    s: cursor.at.seconds,
    n: cursor.at.nanoseconds,
    ...(cursor.afterId ? { i: cursor.afterId } : {}),
  };
  return Buffer.from(JSON.stringify(body)).toString('base64url');
}

function decodeCursor(cursor: string | undefined): Cursor {
  if (cursor === undefined) return { at: new Timestamp(0, 0) };
  try {
    const body = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as {
      s: unknown;
      n: unknown;
      i?: unknown;
    };
    if (
      Number.isInteger(body.s) &&
      Number.isInteger(body.n) &&
      (body.i === undefined || typeof body.i === 'string')
    ) {
      return { at: new Timestamp(body.s as number, body.n as number), afterId: body.i as string | undefined };
    }
  } catch {
    // falls through
  }
  throw invalid({ cursor: 'is not a change cursor' });
}

/**
 * Reads one batch of a feed. Entries written by `uid`'s own sync are consumed but not returned
 * (other users' readers still get them). `scope` tells, per entry, whether the record was in the
 * reader's scope before and after the change.
 */
export async function readFeed(
  db: Firestore,
  feedKey: string,
  read: { uid: string; cursor?: string; limit: number },
  scope: (entry: StoredChange) => { wasInScope: boolean; inScope: boolean },
): Promise<ChangeBatch> {
  const cursor = decodeCursor(read.cursor);
  let query = db.collection(COLLECTIONS.changes).where('feedKeys', 'array-contains', feedKey);
  query = cursor.afterId
    ? query.orderBy('changedAt').orderBy(FieldPath.documentId()).startAfter(cursor.at, cursor.afterId)
    : query.where('changedAt', '>', cursor.at).orderBy('changedAt').orderBy(FieldPath.documentId());
  const snapshot = await query.limit(read.limit).get();
  const changes: RecordChange[] = [];
  for (const doc of snapshot.docs) {
    const entry = doc.data() as StoredChange;
    if (entry.origin?.by === 'sync' && entry.origin.uid === read.uid) continue;
    changes.push({
      recordId: entry.recordId,
      op: entry.op,
      version: entry.version,
      changedAt: toRfc3339(entry.changedAt),
      ...scope(entry),
      ...(entry.origin ? { origin: { by: entry.origin.by, uid: entry.origin.uid } } : {}),
    });
  }
  const last = snapshot.docs[snapshot.docs.length - 1];
  const hasMore = snapshot.size >= read.limit && last !== undefined;
  const next: Cursor = hasMore
    ? { at: last.get('changedAt') as Timestamp, afterId: last.id }
    : { at: snapshot.readTime };
  return { changes, nextCursor: encodeCursor(next), hasMore };
}

/** "Now" as a cursor: the read time of a query that matches nothing (one cheap read). */
export async function cursorNow(db: Firestore): Promise<string> {
  const snapshot = await db
    .collection(COLLECTIONS.changes)
    .where('feedKeys', 'array-contains', '-')
    .limit(1)
    .get();
  return encodeCursor({ at: snapshot.readTime });
}

/** A stored entry as the reader sees it. */
export interface StoredChange extends ChangeEntry {
  changedAt: Timestamp;
  origin?: { by: 'user' | 'sync'; uid: string };
}
