import {
  type DocumentReference,
  FieldPath,
  type Firestore,
  type Query,
  type QueryDocumentSnapshot,
  Timestamp,
  type Transaction,
} from '@google-cloud/firestore';
import type { RecordMeta } from '../../../domain/crm/common.js';
import {
  encodePageToken,
  type Page,
  type PageRequest,
  sortKeyCount,
  type TimestampKey,
} from '../../../domain/crm/paging.js';
import { notFound, preconditionFailed } from '../../../errors.js';

/** Firestore bookkeeping shared by the CRM collections: metadata, versions, paging by sort keys. */

export const COLLECTIONS = {
  contacts: 'crmContacts',
  tags: 'crmTags',
  activities: 'crmActivities',
  changes: 'crmChanges',
  /** Contact ids by email address (crm/emailIndex.ts), and the marker that the index is complete. */
  emailIndex: 'crmEmailIndex',
  meta: 'crmMeta',
  /** `crmUserContacts/{uid}` → `{contactId}`: the user's own contact (docs/api.md `GET /api/me`). */
  userContacts: 'crmUserContacts',
  /** Owned by the sync-settings API; the CRM only turns contact sync off when its tag is deleted. */
  users: 'users',
} as const;

export interface StoredMeta {
  createdAt: Timestamp;
  modifiedAt: Timestamp;
  version: number;
}

export function toRfc3339(timestamp: Timestamp): string {
  return timestamp.toDate().toISOString();
}

/** The API's record metadata (without the id, which leads the rendered record). */
export function metaOf(data: StoredMeta): Omit<RecordMeta, 'id'> {
  return {
    createdAt: toRfc3339(data.createdAt),
    modifiedAt: toRfc3339(data.modifiedAt),
    version: data.version,
  };
}

export function newMeta(now = Timestamp.now()): StoredMeta {
  return { createdAt: now, modifiedAt: now, version: 1 };
}

/**
 * Metadata after a change: version + 1, and modifiedAt from this server's clock but never earlier
 * than the previous one (clocks of two instances may differ slightly; modifiedAt must not go back,
 * because the sync's "later change wins" compares it).
 */
export function nextMeta(
  previous: StoredMeta,
  now = Timestamp.now(),
): Pick<StoredMeta, 'modifiedAt' | 'version'> {
  const floor = previous.modifiedAt.toMillis() + 1;
  const modifiedAt = now.toMillis() >= floor ? now : Timestamp.fromMillis(floor);
  return { modifiedAt, version: previous.version + 1 };
}

/** Reads a record (inside `tx`, or outside a transaction); 404 naming `what` when it does not exist. */
export async function readExisting<T extends StoredMeta>(
  tx: Transaction | undefined,
  ref: DocumentReference,
  what: string,
): Promise<T> {
  const snapshot = tx ? await tx.get(ref) : await ref.get();
  if (!snapshot.exists) throw notFound(what);
  return snapshot.data() as T;
}

/** 412 when the client's If-Match names another version than the stored one. */
export function checkIfMatch(current: number, ifMatch: number | undefined): void {
  if (ifMatch !== undefined && ifMatch !== current) throw preconditionFailed();
}

function toKey(value: unknown, field: string): TimestampKey {
  if (value instanceof Timestamp) return [value.seconds, value.nanoseconds];
  throw new Error(`sort field ${field} is not a timestamp`);
}

function fromKey(key: TimestampKey): Timestamp {
  return new Timestamp(key[0], key[1]);
}

/**
 * Runs one page of `query`, which must be ordered by `orderFields` and then document id. Fetches one
 * more than asked to know whether a next page exists; `keep` drops records a query cannot filter.
 */
export async function pageOf<T>(
  query: Query,
  orderFields: string[],
  page: PageRequest & { scope: string },
  render: (doc: QueryDocumentSnapshot) => T,
  keep: (doc: QueryDocumentSnapshot) => boolean = () => true,
): Promise<Page<T>> {
  let ordered = query;
  for (const field of orderFields) ordered = ordered.orderBy(field);
  ordered = ordered.orderBy(FieldPath.documentId());
  // decodePageToken checked the token's keys against sortKeyCount; the query must sort the same way.
  if (orderFields.length !== sortKeyCount(page.scope)) {
    throw new Error(`list ${page.scope} sorts by ${orderFields.join(', ')}, not as its page tokens do`);
  }
  if (page.after) ordered = ordered.startAfter(...page.after.keys.map(fromKey), page.after.id);
  const snapshot = await ordered.limit(page.pageSize + 1).get();
  const docs = snapshot.docs.slice(0, page.pageSize);
  const last = docs[docs.length - 1];
  const nextPageToken =
    snapshot.size > page.pageSize && last
      ? encodePageToken(page.scope, {
          keys: orderFields.map((field) => toKey(last.get(field), field)),
          id: last.id,
        })
      : undefined;
  return { items: docs.filter(keep).map(render), ...(nextPageToken ? { nextPageToken } : {}) };
}

/** Runs `fn` in a transaction (reads lock, writes commit atomically; retried on contention). */
export function inTransaction<T>(db: Firestore, fn: (tx: Transaction) => Promise<T>): Promise<T> {
  return db.runTransaction(fn, { maxAttempts: 10 });
}

/** Deep equality of JSON-like values (to skip writes that change nothing). */
export function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, item]) => item !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([key, item]) => [key, canonical(item)]),
    );
  }
  return value;
}
