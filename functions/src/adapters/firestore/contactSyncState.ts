import { FieldPath, type Firestore } from '@google-cloud/firestore';
import type { SyncValues } from '../../core/sync/contacts/fields.js';
import type { Person } from '../../core/sync/contacts/personValues.js';
import { AccountSyncState, BATCH_LIMIT, chunksOf, IN_LIMIT } from './accountSyncState.js';

/**
 * Where the contact sync keeps its state (SPEC §2), per linked account (so it goes with the account,
 * §3.7): the cursor document `syncCursors/contacts` and one `syncMappings/contact_{crmId}` document
 * per CRM contact, which is either a link (with its base snapshot for the three-way merge) or a
 * pending create (see app/sync/contacts/exports.ts). The activity sync shares
 * the subcollections under other document ids and fields.
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

type Stored = ContactLink & { kind: typeof KIND; pendingCreate?: boolean };

export class ContactSyncState extends AccountSyncState<ContactCursor> {
  constructor(db: Firestore, uid: string, accountId: string) {
    super(db, uid, accountId, 'contacts');
  }

  private ref(crmId: string) {
    return this.mappings.doc(`${LINK_PREFIX}${crmId}`);
  }

  /** The links of these Google contacts, by resource name (one query per 30). */
  async linksOfPeople(resourceNames: string[]): Promise<Map<string, ContactLink>> {
    const found = new Map<string, ContactLink>();
    for (const names of chunksOf(resourceNames, IN_LIMIT)) {
      const snapshot = await this.mappings.where('resourceName', 'in', names).get();
      for (const doc of snapshot.docs) {
        const link = doc.data() as Stored;
        if (link.kind === KIND && !link.pendingCreate) found.set(link.resourceName, linkOf(link));
      }
    }
    return found;
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

  private async write(entries: Array<{ crmId: string; data: object | null }>): Promise<void> {
    for (let i = 0; i < entries.length; i += BATCH_LIMIT) {
      const batch = this.db.batch();
      for (const { crmId, data } of entries.slice(i, i + BATCH_LIMIT)) {
        if (data) batch.set(this.ref(crmId), data);
        else batch.delete(this.ref(crmId));
      }
      await batch.commit();
    }
  }
}

function linkOf(stored: Stored): ContactLink {
  const { kind: _kind, pendingCreate: _pending, ...link } = stored;
  return link;
}
