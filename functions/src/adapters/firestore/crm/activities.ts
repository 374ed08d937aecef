import {
  type Firestore,
  type Query,
  type QueryDocumentSnapshot,
  Timestamp,
  type Transaction,
} from '@google-cloud/firestore';
import {
  ACTIVITY_WRITABLE_FIELDS,
  type Activity,
  type ActivityFields,
  type ActivityInput,
  applyActivityPatch,
  checkOrganizerRight,
  instantsOf,
  overlaps,
  type Participant,
  renderTimes,
} from '../../../domain/crm/activity.js';
import type { Actor } from '../../../domain/crm/common.js';
import { listScope, type Page } from '../../../domain/crm/paging.js';
import { AppError, conflict } from '../../../errors.js';
import type { ActivityQuery, WriteOptions, Written } from '../../../ports/crmStore.js';
import { recordActivityChange } from './changeLog.js';
import type { StoredContact } from './contactDocument.js';
import {
  COLLECTIONS,
  checkIfMatch,
  inTransaction,
  metaOf,
  newMeta,
  nextMeta,
  pageOf,
  readExisting,
  type StoredMeta,
  sameJson,
} from './records.js';

/**
 * Activities in `crmActivities`, with the instants `startAt`/`endAt` beside the API's start/end so
 * that `GET /api/activities?from=&to=` is one range query on both (Firestore's multiple-inequality
 * queries; index: createdAt, endAt, startAt, __name__), still ordered by createdAt then id.
 */

interface StoredActivity extends StoredMeta, ActivityFields {
  startAt: Timestamp;
  endAt: Timestamp;
}

function fieldsOf(data: StoredActivity): ActivityFields {
  const fields: Record<string, unknown> = {};
  for (const key of ACTIVITY_WRITABLE_FIELDS) if (data[key] !== undefined) fields[key] = data[key];
  return fields as unknown as ActivityFields;
}

function render(id: string, data: StoredActivity): Activity {
  return { id, ...renderTimes(fieldsOf(data)), ...metaOf(data) };
}

function primaryEmail(contact: StoredContact): string | undefined {
  return (contact.emails.find((email) => email.primary) ?? contact.emails[0])?.address;
}

export class ActivityRepository {
  constructor(private readonly db: Firestore) {}

  private get collection() {
    return this.db.collection(COLLECTIONS.activities);
  }

  /**
   * Checks that the organizer and participant contacts exist (404 naming the field) and fills a
   * participant's missing email from its contact. Only references that are new compared with
   * `previous` are read, so a later deleted contact does not block unrelated edits.
   */
  private async resolve(
    tx: Transaction,
    actor: Actor,
    input: ActivityInput,
    previous?: ActivityFields,
  ): Promise<ActivityFields> {
    const known = new Set(previous?.participants.map((p) => p.contactId).filter(Boolean) as string[]);
    if (previous) known.add(previous.organizerContactId);
    const wanted = new Map<string, string>();
    const organizer = input.organizerContactId;
    if (!organizer)
      throw new AppError('invalid_argument', 'organizerContactId is required.', {
        fields: { organizerContactId: 'is required' },
      });
    // A newly named organizer is always read (also when it was a participant): it needs the right.
    if (organizer !== previous?.organizerContactId) wanted.set(organizer, 'organizerContactId');
    input.participants.forEach((participant, index) => {
      const id = participant.contactId;
      if (id && (!known.has(id) || !participant.email) && !wanted.has(id))
        wanted.set(id, `participants.${index}.contactId`);
    });
    const ids = [...wanted.keys()];
    const snapshots = ids.length
      ? await tx.getAll(...ids.map((id) => this.db.collection(COLLECTIONS.contacts).doc(id)))
      : [];
    const contacts = new Map<string, StoredContact>();
    const missing: Record<string, string> = {};
    snapshots.forEach((snapshot, index) => {
      const id = ids[index] as string;
      if (snapshot.exists) contacts.set(id, snapshot.data() as StoredContact);
      else missing[wanted.get(id) as string] = 'no such contact';
    });
    if (Object.keys(missing).length) {
      throw new AppError('not_found', `Contact ${Object.keys(missing).join(', ')} was not found.`, {
        fields: missing,
      });
    }
    // Only a newly named organizer was read: keeping the organizer an activity has needs no right.
    const namedOrganizer = contacts.get(organizer);
    if (namedOrganizer) checkOrganizerRight(actor, namedOrganizer.userUids ?? []);
    const noEmail: Record<string, string> = {};
    const participants: Participant[] = input.participants.map((participant, index) => {
      const contact = participant.contactId ? contacts.get(participant.contactId) : undefined;
      const email = participant.email ?? (contact ? primaryEmail(contact) : undefined);
      if (!email) noEmail[`participants.${index}.email`] = 'is required (the contact has no email address)';
      return { contactId: participant.contactId, email: email ?? '', response: participant.response };
    });
    if (Object.keys(noEmail).length) {
      throw new AppError('invalid_argument', 'A participant needs an email address.', { fields: noEmail });
    }
    return { ...input, organizerContactId: organizer, participants };
  }

  private stored(fields: ActivityFields, meta: StoredMeta): StoredActivity {
    const { startAt, endAt } = instantsOf(fields);
    return { ...fields, startAt: Timestamp.fromMillis(startAt), endAt: Timestamp.fromMillis(endAt), ...meta };
  }

  async create(input: ActivityInput, { actor, id }: WriteOptions & { id?: string }): Promise<Activity> {
    return inTransaction(this.db, async (tx) => {
      const ref = id ? this.collection.doc(id) : this.collection.doc();
      if (id && (await tx.get(ref)).exists) throw conflict(`Activity ${id} exists already.`);
      const fields = await this.resolve(tx, actor, input);
      const data = this.stored(fields, newMeta());
      tx.create(ref, data);
      recordActivityChange(this.db, tx, actor, {
        recordId: ref.id,
        op: 'created',
        version: 1,
        calendarBefore: false,
        calendarAfter: data.showInCalendar,
      });
      return render(ref.id, data);
    });
  }

  async get(id: string): Promise<Activity> {
    return render(
      id,
      await readExisting<StoredActivity>(undefined, this.collection.doc(id), `Activity ${id}`),
    );
  }

  async list(query: ActivityQuery, _viewer: Actor): Promise<Page<Activity>> {
    const renderDoc = (doc: QueryDocumentSnapshot) => render(doc.id, doc.data() as StoredActivity);
    const range = query.range;
    if (!range)
      return pageOf(this.collection, ['createdAt'], { ...query, scope: listScope.activities() }, renderDoc);
    // endAt >= from also admits zero-length activities at `from`; `overlaps` drops those ending there.
    const candidates: Query = this.collection
      .where('startAt', '<', Timestamp.fromMillis(range.to))
      .where('endAt', '>=', Timestamp.fromMillis(range.from));
    const keep = (doc: QueryDocumentSnapshot) => {
      const data = doc.data() as StoredActivity;
      return overlaps(
        { startAt: data.startAt.toMillis(), endAt: data.endAt.toMillis() },
        range.from,
        range.to,
      );
    };
    return pageOf(
      candidates,
      ['createdAt', 'endAt', 'startAt'],
      { ...query, scope: listScope.activities(range) },
      renderDoc,
      keep,
    );
  }

  async update(
    id: string,
    patch: Record<string, unknown>,
    { actor, ifMatch }: WriteOptions,
  ): Promise<Written<Activity>> {
    return inTransaction(this.db, async (tx) => {
      const ref = this.collection.doc(id);
      const data = await readExisting<StoredActivity>(tx, ref, `Activity ${id}`);
      checkIfMatch(data.version, ifMatch);
      const current = fieldsOf(data);
      const next = await this.resolve(tx, actor, applyActivityPatch(current, patch), current);
      if (sameJson(current, next)) return { record: render(id, data), changed: false };
      const updated = this.stored(next, { createdAt: data.createdAt, ...nextMeta(data) });
      tx.set(ref, updated);
      recordActivityChange(this.db, tx, actor, {
        recordId: id,
        op: 'updated',
        version: updated.version,
        calendarBefore: data.showInCalendar,
        calendarAfter: updated.showInCalendar,
      });
      return { record: render(id, updated), changed: true };
    });
  }

  async delete(id: string, { actor, ifMatch }: WriteOptions): Promise<void> {
    await inTransaction(this.db, async (tx) => {
      const ref = this.collection.doc(id);
      const data = await readExisting<StoredActivity>(tx, ref, `Activity ${id}`);
      checkIfMatch(data.version, ifMatch);
      tx.delete(ref);
      recordActivityChange(this.db, tx, actor, {
        recordId: id,
        op: 'deleted',
        version: data.version,
        calendarBefore: data.showInCalendar,
        calendarAfter: false,
      });
    });
  }
}
