import type { Firestore, Transaction } from '@google-cloud/firestore';
import type { Actor } from '../../../domain/crm/common.js';
import { listScope, type Page, type PageRequest } from '../../../domain/crm/paging.js';
import {
  checkCanDelete,
  type NewTag,
  type StoredTag,
  type TagType,
  visibleTo,
} from '../../../domain/crm/tag.js';
import { AppError } from '../../../errors.js';
import type { WriteOptions } from '../../../ports/crmStore.js';
import type { StoredContact } from './contactDocument.js';
import type { ContactRepository } from './contacts.js';
import { COLLECTIONS, checkIfMatch, inTransaction, newMeta, pageOf, type StoredMeta } from './records.js';

/**
 * Tags in `crmTags`. `audience` is `['*']` for shared tags and `[ownerUid]` for personal ones, so a
 * user's visible tags are one array-contains-any query (index: audience, createdAt, __name__).
 */

interface StoredTagDoc extends StoredMeta {
  name: string;
  type: TagType;
  ownerUid?: string;
  audience: string[];
}

/** Contacts untagged per transaction when a tag is deleted (2 writes each, under the 500 limit). */
const UNTAG_BATCH = 100;

function render(id: string, data: StoredTagDoc): StoredTag {
  return {
    id,
    name: data.name,
    type: data.type,
    ...(data.ownerUid ? { ownerUid: data.ownerUid } : {}),
    version: data.version,
  };
}

/**
 * A tag the actor may see and use, read in `tx` (or outside a transaction); another user's personal tag answers 404 exactly as
 * a missing one does, so its existence is not revealed. `field` names the request field for 404s.
 */
export async function readVisibleTag(
  db: Firestore,
  tx: Transaction | undefined,
  id: string,
  actor: Actor,
  field: string,
): Promise<StoredTag> {
  const ref = db.collection(COLLECTIONS.tags).doc(id);
  const snapshot = tx ? await tx.get(ref) : await ref.get();
  const data = snapshot.data() as StoredTagDoc | undefined;
  if (!data || !visibleTo(data, actor.uid)) {
    throw new AppError('not_found', `Tag ${id} was not found.`, { fields: { [field]: 'no such tag' } });
  }
  return render(id, data);
}

export class TagRepository {
  constructor(
    private readonly db: Firestore,
    private readonly contacts: ContactRepository,
  ) {}

  private get collection() {
    return this.db.collection(COLLECTIONS.tags);
  }

  async create(input: NewTag, { actor }: WriteOptions): Promise<StoredTag> {
    const ref = this.collection.doc();
    const personal = input.type === 'personal';
    const data: StoredTagDoc = {
      name: input.name,
      type: input.type,
      ...(personal ? { ownerUid: actor.uid } : {}),
      audience: personal ? [actor.uid] : ['*'],
      ...newMeta(),
    };
    await ref.create(data);
    return render(ref.id, data);
  }

  get(id: string, viewer: Actor): Promise<StoredTag> {
    return readVisibleTag(this.db, undefined, id, viewer, 'id');
  }

  list(query: PageRequest, viewer: Actor): Promise<Page<StoredTag>> {
    const visible = this.collection.where('audience', 'array-contains-any', ['*', viewer.uid]);
    return pageOf(visible, ['createdAt'], { ...query, scope: listScope.tags() }, (doc) =>
      render(doc.id, doc.data() as StoredTagDoc),
    );
  }

  /**
   * Removes the tag from every contact in batches (each batch one transaction, with its change
   * entries, so the owner's sync sees the contacts leave its scope), then deletes the tag. A crash in
   * between leaves the tag on fewer contacts; repeating the DELETE finishes the work. The sync
   * settings that name the tag are not the CRM's: app/crm/tags.ts turns them off.
   */
  async delete(id: string, { actor, ifMatch }: WriteOptions): Promise<void> {
    await inTransaction(this.db, async (tx) => {
      const tag = await readVisibleTag(this.db, tx, id, actor, 'id');
      checkCanDelete(tag, actor);
      checkIfMatch(tag.version, ifMatch);
    });
    for (;;) {
      const done = await inTransaction(this.db, async (tx) => {
        const snapshot = await tx.get(this.collection.doc(id));
        if (!snapshot.exists) return true;
        const tagged = await tx.get(
          this.db.collection(COLLECTIONS.contacts).where('tagIds', 'array-contains', id).limit(UNTAG_BATCH),
        );
        if (tagged.empty) {
          tx.delete(snapshot.ref);
          return true;
        }
        for (const doc of tagged.docs) {
          const before = doc.data() as StoredContact;
          const after = this.contacts.withoutTag(before, id);
          this.contacts.writeTags(tx, actor, doc.id, before, after, 'untagged');
        }
        return false;
      });
      if (done) return;
    }
  }
}
