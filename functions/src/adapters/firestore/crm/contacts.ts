import type { DocumentReference, Firestore, Query, Transaction } from '@google-cloud/firestore';
import { FieldValue } from '@google-cloud/firestore';
import type { Actor } from '../../../domain/crm/common.js';
import {
  applyContactPatch,
  type Contact,
  type ContactFields,
  contactFieldsOf,
  emailKeys,
  type NewContact,
} from '../../../domain/crm/contact.js';
import { listScope, type Page } from '../../../domain/crm/paging.js';
import { invalid } from '../../../domain/crm/validation.js';
import { conflict, notFound } from '../../../errors.js';
import type { ContactQuery, WriteOptions, Written } from '../../../ports/crmStore.js';
import { recordContactChange } from './changeLog.js';
import { personalTags, renderContact, type StoredContact } from './contactDocument.js';
import { indexEmailsInTransaction } from './emailIndex.js';
import {
  COLLECTIONS,
  checkIfMatch,
  inTransaction,
  newMeta,
  nextMeta,
  pageOf,
  readExisting,
  sameJson,
} from './records.js';
import { readVisibleTag } from './tags.js';

export class ContactRepository {
  constructor(private readonly db: Firestore) {}

  private get collection() {
    return this.db.collection(COLLECTIONS.contacts);
  }

  ref(id: string) {
    return this.collection.doc(id);
  }

  /** Reads a contact (inside `tx`, or outside a transaction); 404 when it does not exist. */
  read(tx: Transaction | undefined, id: string): Promise<StoredContact> {
    return readExisting<StoredContact>(tx, this.ref(id), `Contact ${id}`);
  }

  /** Writes a new contact and its change entry in `tx` (all reads must be done before). */
  insert(
    tx: Transaction,
    actor: Actor,
    fields: ContactFields,
    tags: Array<{ id: string; ownerUid: string }>,
    extra: Partial<StoredContact> = {},
    ref: DocumentReference = this.collection.doc(),
  ): { id: string; data: StoredContact } {
    const data: StoredContact = {
      ...fields,
      tagIds: tags.map((tag) => tag.id),
      tagOwners: Object.fromEntries(tags.map((tag) => [tag.id, tag.ownerUid])),
      emailKeys: emailKeys(fields),
      ...newMeta(),
      ...extra,
    };
    tx.create(ref, data);
    indexEmailsInTransaction(this.db, tx, ref.id, [], data.emailKeys);
    recordContactChange(this.db, tx, actor, {
      recordId: ref.id,
      op: 'created',
      version: 1,
      tagsBefore: [],
      tagsAfter: personalTags(data),
    });
    return { id: ref.id, data };
  }

  async create(input: NewContact, { actor, id }: WriteOptions & { id?: string }): Promise<Contact> {
    const { tagIds, ...fields } = input;
    return inTransaction(this.db, async (tx) => {
      const ref = id ? this.ref(id) : undefined;
      if (ref && (await tx.get(ref)).exists) throw conflict(`Contact ${id} exists already.`);
      const tags = [];
      for (const tagId of tagIds) {
        const tag = await readVisibleTag(this.db, tx, tagId, actor, 'tagIds');
        tags.push({ id: tagId, ownerUid: tag.type === 'personal' ? (tag.ownerUid ?? '') : '' });
      }
      const created = this.insert(tx, actor, fields, tags, {}, ref);
      return renderContact(created.id, created.data, actor);
    });
  }

  async get(id: string, viewer: Actor): Promise<Contact> {
    return renderContact(id, await this.read(undefined, id), viewer);
  }

  async list(query: ContactQuery, viewer: Actor): Promise<Page<Contact>> {
    let base: Query = this.collection;
    if (query.tagId) {
      const tagId = query.tagId;
      await readVisibleTag(this.db, undefined, tagId, viewer, 'tagId');
      base = base.where('tagIds', 'array-contains', tagId);
    }
    return pageOf(base, ['createdAt'], { ...query, scope: listScope.contacts(query.tagId) }, (doc) =>
      renderContact(doc.id, doc.data() as StoredContact, viewer),
    );
  }

  async update(
    id: string,
    patch: Record<string, unknown>,
    { actor, ifMatch }: WriteOptions,
  ): Promise<Written<Contact>> {
    return inTransaction(this.db, async (tx) => {
      const data = await this.read(tx, id);
      checkIfMatch(data.version, ifMatch);
      const current = contactFieldsOf(data as unknown as Record<string, unknown>);
      const next = applyContactPatch(current, patch);
      if (sameJson(current, next)) return { record: renderContact(id, data, actor), changed: false };
      await this.checkSignInEmails(tx, id, data, next);
      // set() replaces the document, so fields the patch removed are gone; bookkeeping is kept.
      const { tagIds, tagOwners, userUids, createdAt } = data;
      const updated: StoredContact = {
        ...next,
        tagIds,
        tagOwners,
        ...(userUids ? { userUids } : {}),
        emailKeys: emailKeys(next),
        createdAt,
        ...nextMeta(data),
      };
      tx.set(this.ref(id), updated);
      indexEmailsInTransaction(this.db, tx, id, data.emailKeys, updated.emailKeys);
      recordContactChange(this.db, tx, actor, {
        recordId: id,
        op: 'updated',
        version: updated.version,
        tagsBefore: personalTags(data),
        tagsAfter: personalTags(updated),
      });
      return { record: renderContact(id, updated, actor), changed: true };
    });
  }

  /**
   * A user's own contact carries their sign-in email (docs/api.md; organizer and attendee matching
   * use it): 400 naming `emails` for a change that would drop it, whoever makes it. The sign-in
   * email is the one recorded in `crmUserContacts/{uid}` when the contact became theirs; it is read
   * in `tx`, so a concurrent change of the link retries this transaction.
   */
  private async checkSignInEmails(
    tx: Transaction,
    id: string,
    before: StoredContact,
    next: ContactFields,
  ): Promise<void> {
    if (!before.userUids?.length) return;
    const links = await tx.getAll(
      ...before.userUids.map((uid) => this.db.collection(COLLECTIONS.userContacts).doc(uid)),
    );
    const had = new Set(emailKeys(before));
    const kept = new Set(emailKeys(next));
    for (const link of links) {
      const email = link.get('email') as unknown;
      if (link.get('contactId') !== id || typeof email !== 'string') continue;
      const key = email.toLowerCase();
      if (had.has(key) && !kept.has(key)) {
        throw invalid(
          { emails: `must keep ${email}, the sign-in email of the CRM user whose own contact this is` },
          "This is a CRM user's own contact; its emails must keep that user's sign-in email.",
        );
      }
    }
  }

  async delete(id: string, { actor, ifMatch }: WriteOptions): Promise<void> {
    await inTransaction(this.db, async (tx) => {
      const data = await this.read(tx, id);
      checkIfMatch(data.version, ifMatch);
      if (data.userUids?.length) {
        throw conflict("This contact is a CRM user's own contact and cannot be deleted.");
      }
      tx.delete(this.ref(id));
      indexEmailsInTransaction(this.db, tx, id, data.emailKeys, []);
      recordContactChange(this.db, tx, actor, {
        recordId: id,
        op: 'deleted',
        version: data.version,
        tagsBefore: personalTags(data),
        tagsAfter: [],
      });
    });
  }

  async tag(contactId: string, tagId: string, { actor, ifMatch }: WriteOptions): Promise<Written<Contact>> {
    return inTransaction(this.db, async (tx) => {
      const data = await this.read(tx, contactId);
      const tag = await readVisibleTag(this.db, tx, tagId, actor, 'tagId');
      checkIfMatch(data.version, ifMatch);
      if (data.tagIds.includes(tagId))
        return { record: renderContact(contactId, data, actor), changed: false };
      const owner = tag.type === 'personal' ? (tag.ownerUid ?? '') : '';
      const updated: StoredContact = {
        ...data,
        tagIds: [...data.tagIds, tagId],
        tagOwners: { ...data.tagOwners, [tagId]: owner },
        ...nextMeta(data),
      };
      this.writeTags(tx, actor, contactId, data, updated, 'tagged');
      return { record: renderContact(contactId, updated, actor), changed: true };
    });
  }

  async untag(contactId: string, tagId: string, { actor, ifMatch }: WriteOptions): Promise<Written<Contact>> {
    return inTransaction(this.db, async (tx) => {
      const data = await this.read(tx, contactId);
      await readVisibleTag(this.db, tx, tagId, actor, 'tagId');
      checkIfMatch(data.version, ifMatch);
      if (!data.tagIds.includes(tagId)) throw notFound(`Tag ${tagId} on contact ${contactId}`);
      const updated = this.withoutTag(data, tagId);
      this.writeTags(tx, actor, contactId, data, updated, 'untagged');
      return { record: renderContact(contactId, updated, actor), changed: true };
    });
  }

  /** The contact without `tagId` (used by untag and by deleting a tag). */
  withoutTag(data: StoredContact, tagId: string): StoredContact {
    const { [tagId]: _removed, ...tagOwners } = data.tagOwners;
    return { ...data, tagIds: data.tagIds.filter((id) => id !== tagId), tagOwners, ...nextMeta(data) };
  }

  writeTags(
    tx: Transaction,
    actor: Actor,
    contactId: string,
    before: StoredContact,
    after: StoredContact,
    op: 'tagged' | 'untagged',
  ): void {
    tx.update(this.ref(contactId), {
      tagIds: after.tagIds,
      tagOwners: after.tagOwners,
      modifiedAt: after.modifiedAt,
      version: after.version,
    });
    recordContactChange(this.db, tx, actor, {
      recordId: contactId,
      op,
      version: after.version,
      tagsBefore: personalTags(before),
      tagsAfter: personalTags(after),
    });
  }

  /** Marks a contact as a user's own (bookkeeping only: no version change, not in the feed). */
  markOwnContact(tx: Transaction, contactId: string, uid: string): void {
    tx.update(this.ref(contactId), { userUids: FieldValue.arrayUnion(uid) });
  }
}
