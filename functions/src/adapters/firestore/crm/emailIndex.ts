import {
  type DocumentReference,
  FieldPath,
  FieldValue,
  type Firestore,
  type Transaction,
} from '@google-cloud/firestore';
import type { StagedWrite } from '../writeSet.js';
import { COLLECTIONS } from './records.js';

/**
 * Contacts by email address: `crmEmailIndex/{address, lower-cased and URI-encoded}` holds the ids
 * of the contacts having that address, written in the same commit as every contact write that
 * changes addresses (arrayUnion / arrayRemove, so concurrent writers never lose each other's ids).
 * Matching a page of 1,000 imported Google contacts by email is then one bulk read (getAll) instead
 * of 34 `array-contains-any` queries, which the Firestore emulator answers by scanning every
 * contact for each of the 30 values (measured: 1.6 s per query at 5,000 contacts), so that an
 * import's time per contact grew with the CRM. An entry is a hint: readers check the contact still
 * has the address.
 *
 * Contacts written before the index existed are indexed once, by `ensureEmailIndex`, before the
 * first lookup; the marker `crmMeta/emailIndex` records that it is complete.
 */

const MARKER = { collection: COLLECTIONS.meta, id: 'emailIndex' };
const INDEX_VERSION = 1;

export function emailIndexRef(db: Firestore, email: string): DocumentReference {
  return db.collection(COLLECTIONS.emailIndex).doc(encodeURIComponent(email.toLowerCase()));
}

/** The index writes of a contact whose addresses go from `before` to `after` (lower-cased keys). */
export function emailIndexWrites(
  db: Firestore,
  id: string,
  before: string[],
  after: string[],
): StagedWrite[] {
  const had = new Set(before);
  const has = new Set(after);
  const writes: StagedWrite[] = [];
  for (const email of has) {
    if (!had.has(email)) {
      writes.push({
        op: 'merge',
        ref: emailIndexRef(db, email),
        data: { contactIds: FieldValue.arrayUnion(id) },
      });
    }
  }
  for (const email of had) {
    if (!has.has(email)) {
      writes.push({
        op: 'merge',
        ref: emailIndexRef(db, email),
        data: { contactIds: FieldValue.arrayRemove(id) },
      });
    }
  }
  return writes;
}

/** The same writes in a transaction (after its reads). */
export function indexEmailsInTransaction(
  db: Firestore,
  tx: Transaction,
  id: string,
  before: string[],
  after: string[],
): void {
  for (const write of emailIndexWrites(db, id, before, after)) {
    if (write.op === 'merge') tx.set(write.ref, write.data, { merge: true });
  }
}

let complete: Promise<void> | undefined;

/** Indexes every contact once per deployment (then once per process, to read the marker). */
export function ensureEmailIndex(db: Firestore): Promise<void> {
  complete ??= indexAll(db).catch((error: unknown) => {
    complete = undefined;
    throw error;
  });
  return complete;
}

async function indexAll(db: Firestore): Promise<void> {
  const marker = db.collection(MARKER.collection).doc(MARKER.id);
  if ((await marker.get()).get('version') === INDEX_VERSION) return;
  let after: string | undefined;
  for (;;) {
    let query = db
      .collection(COLLECTIONS.contacts)
      .select('emailKeys')
      .orderBy(FieldPath.documentId())
      .limit(250);
    if (after) query = query.startAfter(after);
    const page = await query.get();
    const batch = db.batch();
    let writes = 0;
    for (const doc of page.docs) {
      for (const email of (doc.get('emailKeys') as string[] | undefined) ?? []) {
        batch.set(emailIndexRef(db, email), { contactIds: FieldValue.arrayUnion(doc.id) }, { merge: true });
        writes += 1;
      }
    }
    if (writes > 0) await batch.commit();
    if (page.size < 250) break;
    after = page.docs[page.docs.length - 1]?.id;
  }
  await marker.set({ version: INDEX_VERSION });
}

/** Ids of contacts that may have one of these addresses (one getAll per 500 addresses). */
export async function contactIdsByEmail(db: Firestore, emails: string[]): Promise<string[]> {
  await ensureEmailIndex(db);
  const ids = new Set<string>();
  const unique = [...new Set(emails.map((email) => email.toLowerCase()))];
  for (let i = 0; i < unique.length; i += 500) {
    const refs = unique.slice(i, i + 500).map((email) => emailIndexRef(db, email));
    if (refs.length === 0) continue;
    for (const doc of await db.getAll(...refs)) {
      for (const id of (doc.get('contactIds') as string[] | undefined) ?? []) ids.add(id);
    }
  }
  return [...ids];
}
