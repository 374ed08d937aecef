import { FieldPath, type Firestore } from '@google-cloud/firestore';
import type { SyncValues } from '../../core/sync/contacts/fields.js';
import type { Person } from '../../core/sync/contacts/personValues.js';
import type { WriteSet } from '../../ports/crmStore.js';
import { AccountSyncState, BATCH_LIMIT } from './accountSyncState.js';
import { FirestoreWriteSet, firestoreWriteSet, type StagedWrite } from './writeSet.js';

/**
 * Where the contact sync keeps its state (docs/architecture.md#functions-and-state), per linked account (so it goes with the account,
 * docs/behaviour.md#removing-an-account): the cursor document `syncCursors/contacts` and one `syncMappings/contact_{crmId}` document
 * per CRM contact, which is either a link (with its base snapshot for the three-way merge) or a
 * pending create (see app/sync/contacts/exports.ts). The activity sync shares
 * the subcollections under other document ids and fields.
 *
 * Each link also has a `syncMappings/person_{resourceName, URI-encoded}` document naming its CRM
 * id, written in the same commit, so that a page of Google contacts finds its links with two bulk
 * reads (getAll) rather than a query per 30 resource names: the Firestore emulator answers an `in`
 * query by scanning the collection (about 10 s for 30 names among 20,000 mappings, measured here),
 * which made the time per contact grow with the account. An entry is only a hint: the link it
 * names is used only if it still has that resource name (Google changes names when it merges).
 * Links written before these entries existed get theirs once (`indexPeople`).
 */

export interface ContactCursor {
  /** The sync's contact group (`contactGroups/…`), once found or created. */
  groupResourceName?: string;
  /** People sync token of the last complete listing. */
  syncToken?: string;
  /** CRM change-feed cursor; absent until the first full export is done. */
  crmCursor?: string;
  /** CRM contacts whose last sync failed on the Google side: tried again by the next run. */
  retryCrmIds?: string[];
}

/** One CRM contact linked to one Google contact of this account. */
export interface ContactLink {
  crmId: string;
  resourceName: string;
  /** What both sides agreed on at the last sync: the base of the three-way merge. */
  base: SyncValues;
  /** The CRM contact's version after the last sync: an equal version means nothing new in the CRM. */
  crmVersion: number;
  /** The Google contact as last written or read (mapped fields, clientData, etag): writes need no re-read. */
  person: Person;
}

const KIND = 'contact';
const LINK_PREFIX = 'contact_';
const PERSON_PREFIX = 'person_';
/** Version of the person entries in the cursor document: set once every link has its entry. */
const PERSON_INDEX_VERSION = 1;

type Stored = ContactLink & { kind: typeof KIND; pendingCreate?: boolean };

export class ContactSyncState extends AccountSyncState<ContactCursor & { personIndex?: number }> {
  constructor(db: Firestore, uid: string, accountId: string) {
    super(db, uid, accountId, 'contacts');
  }

  private ref(crmId: string) {
    return this.mappings.doc(`${LINK_PREFIX}${crmId}`);
  }

  private personRef(resourceName: string) {
    return this.mappings.doc(`${PERSON_PREFIX}${encodeURIComponent(resourceName)}`);
  }

  /** The links of these Google contacts, by resource name (two bulk reads per 500). */
  async linksOfPeople(resourceNames: string[]): Promise<Map<string, ContactLink>> {
    const found = new Map<string, ContactLink>();
    const names = [...new Set(resourceNames.filter(Boolean))];
    for (let i = 0; i < names.length; i += BATCH_LIMIT) {
      const refs = names.slice(i, i + BATCH_LIMIT).map((name) => this.personRef(name));
      if (refs.length === 0) continue;
      const crmIds = (await this.db.getAll(...refs))
        .map((doc) => doc.get('crmId') as string | undefined)
        .filter((id): id is string => typeof id === 'string');
      const { links } = await this.stateOfContacts(crmIds);
      const asked = new Set(names);
      for (const link of links.values()) if (asked.has(link.resourceName)) found.set(link.resourceName, link);
    }
    return found;
  }

  /** Gives links saved before person entries existed their entry (once per account; `cursor` as read). */
  async indexPeople(cursor: { personIndex?: number }): Promise<void> {
    if (cursor.personIndex === PERSON_INDEX_VERSION) return;
    for await (const links of this.allLinks(BATCH_LIMIT / 2)) {
      const batch = this.db.batch();
      for (const link of links) batch.set(this.personRef(link.resourceName), { crmId: link.crmId });
      await batch.commit();
    }
    await this.saveCursor({ personIndex: PERSON_INDEX_VERSION });
  }

  /** The links and pending creates of these CRM contacts (one read per contact, batched). */
  async stateOfContacts(
    crmIds: string[],
  ): Promise<{ links: Map<string, ContactLink>; pending: Set<string> }> {
    const links = new Map<string, ContactLink>();
    const pending = new Set<string>();
    const ids = [...new Set(crmIds)];
    for (let i = 0; i < ids.length; i += BATCH_LIMIT) {
      const refs = ids.slice(i, i + BATCH_LIMIT).map((id) => this.ref(id));
      if (refs.length === 0) continue;
      for (const doc of await this.db.getAll(...refs)) {
        const data = doc.data() as Stored | undefined;
        if (!data) continue;
        if (data.pendingCreate) pending.add(data.crmId);
        else links.set(data.crmId, linkOf(data));
      }
    }
    return { links, pending };
  }

  async saveLinks(links: ContactLink[]): Promise<void> {
    await this.write(links.map((link) => ({ crmId: link.crmId, data: { ...link, kind: KIND } })));
  }

  async deleteLinks(crmIds: string[]): Promise<void> {
    await this.write(crmIds.map((crmId) => ({ crmId, data: null })));
  }

  /** Stages links (and their person entries) into `set`, each in the unit of its CRM contact. */
  stageLinks(set: WriteSet, links: ContactLink[]): void {
    const staged = firestoreWriteSet(set);
    for (const link of links) staged.add(link.crmId, this.linkWrites(link.crmId, { ...link, kind: KIND }));
  }

  /** Stages forgetting these links into `set` (a stale person entry is harmless, see above). */
  stageLinkDeletes(set: WriteSet, crmIds: string[]): void {
    const staged = firestoreWriteSet(set);
    for (const crmId of crmIds) staged.add(crmId, this.linkWrites(crmId, null));
  }

  private linkWrites(
    crmId: string,
    data: (Stored & object) | { crmId: string; kind: string } | null,
  ): StagedWrite[] {
    if (!data) return [{ op: 'delete', ref: this.ref(crmId) }];
    const writes: StagedWrite[] = [{ op: 'set', ref: this.ref(crmId), data }];
    if ('resourceName' in data && data.resourceName) {
      writes.push({ op: 'set', ref: this.personRef(data.resourceName), data: { crmId } });
    }
    return writes;
  }

  /** Records that Google contacts for these CRM contacts are about to be created (before the call). */
  async markPendingCreates(crmIds: string[]): Promise<void> {
    await this.write(crmIds.map((crmId) => ({ crmId, data: { crmId, kind: KIND, pendingCreate: true } })));
  }

  /** CRM contacts whose Google create may or may not have happened. */
  async pendingCreates(): Promise<string[]> {
    const snapshot = await this.mappings.where('kind', '==', KIND).where('pendingCreate', '==', true).get();
    return snapshot.docs.map((doc) => String(doc.get('crmId')));
  }

  /** Every link of the account, a page at a time (for re-adding all contacts to a recreated group). */
  async *allLinks(pageSize = 1000): AsyncGenerator<ContactLink[]> {
    let after: string | undefined;
    for (;;) {
      let query = this.mappings.where('kind', '==', KIND).orderBy(FieldPath.documentId()).limit(pageSize);
      if (after) query = query.startAfter(after);
      const snapshot = await query.get();
      const links = snapshot.docs.map((doc) => doc.data() as Stored).filter((data) => !data.pendingCreate);
      if (links.length > 0) yield links.map(linkOf);
      if (snapshot.size < pageSize) return;
      after = snapshot.docs[snapshot.docs.length - 1]?.id;
    }
  }

  private async write(
    entries: Array<{ crmId: string; data: Stored | { crmId: string; kind: string } | null }>,
  ): Promise<void> {
    const set = new FirestoreWriteSet(this.db);
    for (const { crmId, data } of entries) set.add(crmId, this.linkWrites(crmId, data));
    await set.commit();
  }
}

function linkOf(stored: Stored): ContactLink {
  const { kind: _kind, pendingCreate: _pending, ...link } = stored;
  return link;
}
