import type { Activity, ActivityInput } from '../domain/crm/activity.js';
import type { ChangeBatch } from '../domain/crm/changes.js';
import type { Actor } from '../domain/crm/common.js';
import type { Contact, NewContact } from '../domain/crm/contact.js';
import type { Page, PageRequest } from '../domain/crm/paging.js';
import type { NewTag, StoredTag } from '../domain/crm/tag.js';

/**
 * The CRM behind the API and the sync (docs/architecture.md#overview: "other CRMs can be connected later behind the same
 * store interface"). Firestore is the default implementation (adapters/firestore/crm).
 *
 * Every method acts for an `Actor`: reads hide other users' personal tags from it, and writes are
 * attributed to it, so the change feed of a user skips what that user's own sync wrote. Writes are
 * atomic with their change-feed entries; a refused write changes nothing. `ifMatch` is the version
 * the caller last read: a different current version fails with 412 `precondition_failed`.
 */

export interface WriteOptions {
  actor: Actor;
  ifMatch?: number;
}

/** A write's outcome: the record as the actor sees it, and whether anything changed. */
export interface Written<T> {
  record: T;
  changed: boolean;
}

export interface ContactQuery extends PageRequest {
  tagId?: string;
}

export interface ActivityQuery extends PageRequest {
  /** Only activities overlapping `[from, to)` (epoch ms). */
  range?: { from: number; to: number };
}

export interface ChangeRead {
  /** The user whose feed this is; their sync's own writes are skipped. */
  uid: string;
  /** From a previous read or `changeCursorNow()`; undefined reads from the beginning. */
  cursor?: string;
  limit: number;
}

export interface OwnContactUser {
  uid: string;
  email?: string;
  /** True only when the identity provider vouches for the email (`email_verified`). */
  emailVerified?: boolean;
}

/**
 * Writes the sync stages over a slice of its work (a page of Google contacts) and commits together,
 * in as few atomic commits as the store allows; each record's writes (with its change-feed entry,
 * and the sync's mapping staged by the sync state into the same set) commit as one unit. A store
 * keeping its data elsewhere than the sync state cannot share a set: it implements these with its
 * own unit of work and the sync state commits separately after it.
 */
export interface WriteSet {
  /** Writes staged and not committed. */
  readonly size: number;
}

export interface CrmStore {
  /**
   * The user's own contact: found by sign-in email, else created once (also under concurrent calls).
   * Only a verified email adopts an existing contact, and never one that is another user's own.
   */
  ensureUserContact(user: OwnContactUser): Promise<Contact>;
  /** The CRM user whose own contact `contactId` is, or undefined for a contact no user owns. */
  userOwningContact(contactId: string): Promise<string | undefined>;

  /**
   * `id`: a caller-chosen id (the sync derives one from the Google contact it imports, so that an
   * import repeated after a crash finds its first result); 409 `conflict` when that id exists.
   */
  createContact(input: NewContact, options: WriteOptions & { id?: string }): Promise<Contact>;
  /** An empty set for `stageContactCreate`, committed by `commitWrites`. */
  newWriteSet(): WriteSet;
  /**
   * Stages the creation of a contact under `id` (the caller read it free) with its change-feed
   * entry, as unit `id` of `set`; returns the contact as it will be stored. Tags are checked as by
   * createContact. Committing fails whole (and changes nothing) if `id` was taken meanwhile.
   */
  stageContactCreate(
    set: WriteSet,
    input: NewContact,
    options: WriteOptions & { id: string },
  ): Promise<Contact>;
  /** Commits and empties the set (each unit atomically; a failed commit leaves its units unwritten). */
  commitWrites(set: WriteSet): Promise<void>;
  /** The contacts of these ids that exist, by id (one bulk read). */
  getContacts(ids: string[], viewer: Actor): Promise<Map<string, Contact>>;
  getContact(id: string, viewer: Actor): Promise<Contact>;
  listContacts(query: ContactQuery, viewer: Actor): Promise<Page<Contact>>;
  /** Contacts having one of these addresses (case-insensitive): matching before creating (docs/behaviour.md#contact-matching). */
  findContactsByEmail(emails: string[], viewer: Actor): Promise<Contact[]>;
  /** Applies a JSON merge patch of writable fields (already checked with `checkContactPatch`). */
  updateContact(id: string, patch: Record<string, unknown>, options: WriteOptions): Promise<Written<Contact>>;
  deleteContact(id: string, options: WriteOptions): Promise<void>;
  tagContact(contactId: string, tagId: string, options: WriteOptions): Promise<Written<Contact>>;
  untagContact(contactId: string, tagId: string, options: WriteOptions): Promise<Written<Contact>>;

  createTag(input: NewTag, options: WriteOptions): Promise<StoredTag>;
  getTag(id: string, viewer: Actor): Promise<StoredTag>;
  listTags(query: PageRequest, viewer: Actor): Promise<Page<StoredTag>>;
  /** Untags every contact, then deletes the tag and turns off contact sync that used it. */
  deleteTag(id: string, options: WriteOptions): Promise<void>;

  /**
   * `id`: a caller-chosen id (the sync derives one from the Google meeting so that a repeated or
   * concurrent import creates it once); 409 `conflict` when a record with that id exists.
   */
  createActivity(input: ActivityInput, options: WriteOptions & { id?: string }): Promise<Activity>;
  getActivity(id: string, viewer: Actor): Promise<Activity>;
  listActivities(query: ActivityQuery, viewer: Actor): Promise<Page<Activity>>;
  updateActivity(
    id: string,
    patch: Record<string, unknown>,
    options: WriteOptions,
  ): Promise<Written<Activity>>;
  deleteActivity(id: string, options: WriteOptions): Promise<void>;

  /** Changes of contacts that carry or just lost `tagId` (a personal tag of `uid`), in commit order. */
  readContactChanges(read: ChangeRead & { tagId: string }): Promise<ChangeBatch>;
  /** Changes of activities with showInCalendar before or after the change, in commit order. */
  readActivityChanges(read: ChangeRead): Promise<ChangeBatch>;
  /** A cursor for "from now on": take it before a full listing, then read changes from it. */
  changeCursorNow(): Promise<string>;
}
