import type { Firestore } from '@google-cloud/firestore';
import type { Activity, ActivityInput } from '../../../domain/crm/activity.js';
import type { ChangeBatch } from '../../../domain/crm/changes.js';
import type { Actor } from '../../../domain/crm/common.js';
import type { Contact, NewContact } from '../../../domain/crm/contact.js';
import type { Page, PageRequest } from '../../../domain/crm/paging.js';
import type { NewTag, StoredTag } from '../../../domain/crm/tag.js';
import type {
  ActivityQuery,
  ChangeRead,
  ContactQuery,
  CrmStore,
  OwnContactUser,
  WriteOptions,
  WriteSet,
  Written,
} from '../../../ports/crmStore.js';
import { FirestoreWriteSet, firestoreWriteSet } from '../writeSet.js';
import { ActivityRepository } from './activities.js';
import { cursorNow, FEEDS, readFeed } from './changeLog.js';
import { findContactsByEmail, getContacts, stageContactCreate } from './contactBatches.js';
import { renderContact, type StoredContact } from './contactDocument.js';
import { ContactRepository } from './contacts.js';
import { COLLECTIONS, inTransaction } from './records.js';
import { TagRepository } from './tags.js';

/** The default CrmStore: the CRM's own data in Firestore (collections in ./records.ts). */
export class FirestoreCrmStore implements CrmStore {
  private readonly contacts: ContactRepository;
  private readonly tags: TagRepository;
  private readonly activities: ActivityRepository;

  constructor(private readonly db: Firestore) {
    this.contacts = new ContactRepository(db);
    this.tags = new TagRepository(db, this.contacts);
    this.activities = new ActivityRepository(db);
  }

  /**
   * One transaction reads the user's link document first, so concurrent first calls conflict on it:
   * Firestore retries the loser, which then finds the link the winner wrote (created once).
   */
  ensureUserContact(user: OwnContactUser): Promise<Contact> {
    const actor: Actor = { uid: user.uid, admin: false, by: 'user' };
    const email = user.email?.toLowerCase();
    return inTransaction(this.db, async (tx) => {
      const linkRef = this.db.collection(COLLECTIONS.userContacts).doc(user.uid);
      const link = await tx.get(linkRef);
      const linkedId = link.get('contactId') as string | undefined;
      if (linkedId) {
        const linked = await tx.get(this.contacts.ref(linkedId));
        if (linked.exists) return renderContact(linked.id, linked.data() as StoredContact, actor);
      }
      // An unverified address is only a claim: adopting by it would hand anyone who signs up with a
      // colleague's address that colleague's contact. Another user's own contact is theirs alone.
      if (email && user.emailVerified === true) {
        const matches = await tx.get(
          this.db.collection(COLLECTIONS.contacts).where('emailKeys', 'array-contains', email).limit(50),
        );
        const unowned = matches.docs.filter((doc) => !(doc.get('userUids') as string[] | undefined)?.length);
        const oldest = unowned.sort(
          (a, b) => a.createTime.toMillis() - b.createTime.toMillis() || a.id.localeCompare(b.id),
        )[0];
        if (oldest) {
          this.contacts.markOwnContact(tx, oldest.id, user.uid);
          tx.set(linkRef, { contactId: oldest.id, email });
          return renderContact(oldest.id, oldest.data() as StoredContact, actor);
        }
      }
      const fields = email
        ? {
            emails: [{ address: email, type: 'work', primary: true }],
            phones: [],
            addresses: [],
            websites: [],
          }
        : { displayName: `User ${user.uid}`, emails: [], phones: [], addresses: [], websites: [] };
      const created = this.contacts.insert(tx, actor, fields, [], { userUids: [user.uid] });
      tx.set(linkRef, { contactId: created.id, ...(email ? { email } : {}) });
      return renderContact(created.id, created.data, actor);
    });
  }

  async userOwningContact(contactId: string): Promise<string | undefined> {
    const owners = await this.db
      .collection(COLLECTIONS.userContacts)
      .where('contactId', '==', contactId)
      .limit(1)
      .get();
    return owners.docs[0]?.id;
  }

  createContact(input: NewContact, options: WriteOptions & { id?: string }): Promise<Contact> {
    return this.contacts.create(input, options);
  }
  newWriteSet(): WriteSet {
    return new FirestoreWriteSet(this.db);
  }
  stageContactCreate(
    set: WriteSet,
    input: NewContact,
    options: WriteOptions & { id: string },
  ): Promise<Contact> {
    return stageContactCreate(this.db, set, input, options);
  }
  commitWrites(set: WriteSet): Promise<void> {
    return firestoreWriteSet(set).commit();
  }
  getContacts(ids: string[], viewer: Actor): Promise<Map<string, Contact>> {
    return getContacts(this.db, ids, viewer);
  }
  getContact(id: string, viewer: Actor): Promise<Contact> {
    return this.contacts.get(id, viewer);
  }
  listContacts(query: ContactQuery, viewer: Actor): Promise<Page<Contact>> {
    return this.contacts.list(query, viewer);
  }
  findContactsByEmail(emails: string[], viewer: Actor): Promise<Contact[]> {
    return findContactsByEmail(this.db, emails, viewer);
  }
  updateContact(
    id: string,
    patch: Record<string, unknown>,
    options: WriteOptions,
  ): Promise<Written<Contact>> {
    return this.contacts.update(id, patch, options);
  }
  deleteContact(id: string, options: WriteOptions): Promise<void> {
    return this.contacts.delete(id, options);
  }
  tagContact(contactId: string, tagId: string, options: WriteOptions): Promise<Written<Contact>> {
    return this.contacts.tag(contactId, tagId, options);
  }
  untagContact(contactId: string, tagId: string, options: WriteOptions): Promise<Written<Contact>> {
    return this.contacts.untag(contactId, tagId, options);
  }

  createTag(input: NewTag, options: WriteOptions): Promise<StoredTag> {
    return this.tags.create(input, options);
  }
  getTag(id: string, viewer: Actor): Promise<StoredTag> {
    return this.tags.get(id, viewer);
  }
  listTags(query: PageRequest, viewer: Actor): Promise<Page<StoredTag>> {
    return this.tags.list(query, viewer);
  }
  deleteTag(id: string, options: WriteOptions): Promise<void> {
    return this.tags.delete(id, options);
  }

  createActivity(input: ActivityInput, options: WriteOptions & { id?: string }): Promise<Activity> {
    return this.activities.create(input, options);
  }
  getActivity(id: string, _viewer: Actor): Promise<Activity> {
    return this.activities.get(id);
  }
  listActivities(query: ActivityQuery, viewer: Actor): Promise<Page<Activity>> {
    return this.activities.list(query, viewer);
  }
  updateActivity(
    id: string,
    patch: Record<string, unknown>,
    options: WriteOptions,
  ): Promise<Written<Activity>> {
    return this.activities.update(id, patch, options);
  }
  deleteActivity(id: string, options: WriteOptions): Promise<void> {
    return this.activities.delete(id, options);
  }

  readContactChanges(read: ChangeRead & { tagId: string }): Promise<ChangeBatch> {
    return readFeed(this.db, FEEDS.tag(read.tagId), read, (entry) => ({
      wasInScope: entry.tagsBefore?.includes(read.tagId) ?? false,
      inScope: entry.tagsAfter?.includes(read.tagId) ?? false,
    }));
  }

  readActivityChanges(read: ChangeRead): Promise<ChangeBatch> {
    return readFeed(this.db, FEEDS.calendar, read, (entry) => ({
      wasInScope: entry.calendarBefore ?? false,
      inScope: entry.calendarAfter ?? false,
    }));
  }

  changeCursorNow(): Promise<string> {
    return cursorNow(this.db);
  }
}
