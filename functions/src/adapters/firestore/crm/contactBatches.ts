import type { Firestore } from '@google-cloud/firestore';
import type { Actor } from '../../../domain/crm/common.js';
import { type Contact, emailKeys, type NewContact } from '../../../domain/crm/contact.js';
import type { StoredTag } from '../../../domain/crm/tag.js';
import type { WriteOptions, WriteSet } from '../../../ports/crmStore.js';
import { firestoreWriteSet } from '../writeSet.js';
import { contactChangeEntry } from './changeLog.js';
import { personalTags, renderContact, type StoredContact } from './contactDocument.js';
import { contactIdsByEmail, emailIndexWrites } from './emailIndex.js';
import { COLLECTIONS, newMeta } from './records.js';
import { readVisibleTag } from './tags.js';

/**
 * The sync's bulk contact writes (ports/crmStore.ts `WriteSet`): a page of imports staged and
 * committed in WriteBatches instead of one transaction each, and bulk reads by id (getAll).
 */

/** A page's contacts that exist, by id: one getAll per 500 ids (Firestore's batch size is ours too). */
export async function getContacts(
  db: Firestore,
  ids: string[],
  viewer: Actor,
): Promise<Map<string, Contact>> {
  const found = new Map<string, Contact>();
  const unique = [...new Set(ids)];
  for (let i = 0; i < unique.length; i += 500) {
    const refs = unique.slice(i, i + 500).map((id) => db.collection(COLLECTIONS.contacts).doc(id));
    if (refs.length === 0) continue;
    for (const doc of await db.getAll(...refs)) {
      if (doc.exists) found.set(doc.id, renderContact(doc.id, doc.data() as StoredContact, viewer));
    }
  }
  return found;
}

/** Contacts having one of these addresses (case-insensitive), oldest first: two bulk reads (emailIndex.ts). */
export async function findContactsByEmail(
  db: Firestore,
  emails: string[],
  viewer: Actor,
): Promise<Contact[]> {
  const keys = new Set(emails.map((email) => email.toLowerCase()));
  const found = await getContacts(db, await contactIdsByEmail(db, [...keys]), viewer);
  return [...found.values()]
    .filter((contact) => emailKeys(contact).some((email) => keys.has(email)))
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
}

/** A tag as the actor may use it, read once per write set (a page imports into one tag). */
async function visibleTag(db: Firestore, set: WriteSet, tagId: string, actor: Actor): Promise<StoredTag> {
  const memo = firestoreWriteSet(set).memo;
  const key = `tag:${tagId}:${actor.uid}`;
  const known = memo.get(key) as StoredTag | undefined;
  if (known) return known;
  const tag = await readVisibleTag(db, undefined, tagId, actor, 'tagIds');
  memo.set(key, tag);
  return tag;
}

/**
 * Stages a new contact and its change entry as unit `id` (`create`: a commit meeting an existing
 * document fails whole). The tag is read outside the commit: a tag deleted between the read and
 * the commit leaves its id on these contacts, as a user's tagging concurrent with the deletion would.
 */
export async function stageContactCreate(
  db: Firestore,
  set: WriteSet,
  input: NewContact,
  { actor, id }: WriteOptions & { id: string },
): Promise<Contact> {
  const { tagIds, ...fields } = input;
  const tags = [];
  for (const tagId of tagIds) {
    const tag = await visibleTag(db, set, tagId, actor);
    tags.push({ id: tagId, ownerUid: tag.type === 'personal' ? (tag.ownerUid ?? '') : '' });
  }
  const data: StoredContact = {
    ...fields,
    tagIds: tags.map((tag) => tag.id),
    tagOwners: Object.fromEntries(tags.map((tag) => [tag.id, tag.ownerUid])),
    emailKeys: emailKeys(fields),
    ...newMeta(),
  };
  const change = contactChangeEntry(db, actor, {
    recordId: id,
    op: 'created',
    version: 1,
    tagsBefore: [],
    tagsAfter: personalTags(data),
  });
  firestoreWriteSet(set).add(id, [
    { op: 'create', ref: db.collection(COLLECTIONS.contacts).doc(id), data },
    { op: 'create', ...change },
    ...emailIndexWrites(db, id, [], data.emailKeys),
  ]);
  return renderContact(id, data, actor);
}
