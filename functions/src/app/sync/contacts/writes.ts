import type { ContactLink, ContactSyncState } from '../../../adapters/firestore/contactSyncState.js';
import type { GoogleContactIndex } from '../../../adapters/firestore/googleContactIndex.js';
import { GoogleApiFailure } from '../../../adapters/google/apiErrors.js';
import { PEOPLE_LIMITS, type PeopleApi } from '../../../adapters/google/people.js';
import { type GoogleMatchKeys, matchKeysOf } from '../../../core/sync/contacts/googleMatch.js';
import type { Person } from '../../../core/sync/contacts/personValues.js';
import type { PersonUpdate } from '../../../core/sync/contacts/personWrites.js';
import type { Actor } from '../../../domain/crm/common.js';
import type { Contact, NewContact } from '../../../domain/crm/contact.js';
import type { CrmStore, WriteSet } from '../../../ports/crmStore.js';
import type { KindReport } from '../runs/kindReport.js';
import type { SyncGroup } from './group.js';

/**
 * The Google and sync-state writes of one slice of work (a page of Google contacts, a batch of CRM
 * changes), gathered so that they cost as few calls as Google allows (docs/architecture.md#quality-bars): group membership
 * changes ≤ 1000 per members:modify, updates ≤ 200 per batchUpdateContacts (one call per set of
 * changed People fields). `flush()` carries them out; a link is saved or deleted only after the
 * Google write it depends on succeeded, so a crash leaves state that the next run repairs.
 *
 * The index of unlinked Google contacts follows every link made or undone here; a crash before it
 * is written is repaired by the next listing, which shows each of these contacts as changed.
 *
 * CRM contacts imported in the slice are staged, not written at once: after the Google writes,
 * each commits with its change-feed entry and its link as one unit, a page's units in a few
 * WriteBatches (adapters/firestore/writeSet.ts). A crash before that commit leaves Google contacts
 * whose clientData names a CRM id that does not exist yet: the next run imports them under the same
 * id (derived from the Google contact), so nothing is duplicated.
 */

export interface GoogleUpdate {
  crmId: string;
  resourceName: string;
  update: PersonUpdate;
  /** Mapped data changes (not only our clientData key): counted as an update to Google. */
  changesData: boolean;
  /** The link to save once Google has the update (`person` = the contact as Google answered). */
  linkAfter: (person: Person) => ContactLink;
  /** The stored link the update was planned from (the base to plan again from, when Google refuses it). */
  link?: ContactLink;
}

/** An update Google refused because the contact changed since it was read (412 / failedPrecondition). */
export interface StaleUpdate {
  crmId: string;
  link?: ContactLink;
  /** The contact as Google has it now. */
  fresh: Person;
  error: GoogleApiFailure;
}

const MY_CONTACTS = 'contactGroups/myContacts';

export class PendingWrites {
  private updates: GoogleUpdate[] = [];
  private adds = new Set<string>();
  private removes = new Map<string, Person>();
  private saves = new Map<string, ContactLink>();
  private deletes = new Set<string>();
  private indexed = new Map<string, GoogleMatchKeys | undefined>();
  private stale: StaleUpdate[] = [];
  /** CRM contacts whose Google update failed: the cursor must not forget them. */
  readonly failedCrmIds = new Set<string>();
  private crmWrites: WriteSet;
  private readonly staged = new Set<string>();

  constructor(
    private readonly people: PeopleApi,
    private readonly state: ContactSyncState,
    private readonly group: SyncGroup,
    private readonly report: KindReport,
    private readonly index: GoogleContactIndex,
    private readonly crm: CrmStore,
    /** Called after the slice's Google writes, before its CRM writes commit (tests crash there). */
    private readonly beforeCommit: () => Promise<void> | void = () => undefined,
  ) {
    this.crmWrites = crm.newWriteSet();
  }

  /** Stages the import of a Google contact as CRM contact `id` (committed by `flush`, with its link). */
  async stageImport(input: NewContact, id: string, actor: Actor): Promise<Contact> {
    const contact = await this.crm.stageContactCreate(this.crmWrites, input, { actor, id });
    this.staged.add(id);
    return contact;
  }

  /** Whether the CRM contact is staged and not yet committed (it cannot be updated before). */
  isStaged(crmId: string): boolean {
    return this.staged.has(crmId);
  }

  /** Commits what is staged so far (before a CRM update of a contact staged in this slice). */
  async commitCrm(): Promise<void> {
    await this.crm.commitWrites(this.crmWrites);
    this.staged.clear();
  }

  updateGoogle(update: GoogleUpdate): void {
    this.updates.push(update);
  }

  addToGroup(resourceName: string): void {
    this.adds.add(resourceName);
  }

  /** Takes the Google contact out of the group, then forgets the link (the contact stays in Google). */
  removeFromGroup(crmId: string, person: Person): void {
    this.removes.set(crmId, person);
  }

  saveLink(link: ContactLink): void {
    this.deletes.delete(link.crmId);
    this.saves.set(link.crmId, link);
    this.indexed.set(link.resourceName, undefined);
  }

  /** Forgets the link; `person`, the Google contact as last seen, stays in Google unlinked (or is deleted). */
  unlink(crmId: string, person: Person): void {
    this.saves.delete(crmId);
    this.deletes.add(crmId);
    this.indexUnlinked(person);
  }

  /** A Google contact outside the group that no CRM contact is linked to: one a CRM contact may match later. */
  indexUnlinked(person: Person): void {
    if (person.resourceName) this.indexed.set(person.resourceName, matchKeysOf(person));
  }

  /** A Google contact that must not be matched (deleted, in the group, linked, or a resource name it no longer has). */
  unindex(resourceName: string): void {
    this.indexed.set(resourceName, undefined);
  }

  /** A link saved in this slice of work and not yet written: the CRM contact is taken. */
  isLinking(crmId: string): boolean {
    return this.saves.has(crmId);
  }

  /**
   * Carries out what was queued. Updates Google refused as stale are not planned again here (the
   * executor never calls back into the planner): they are returned, with the contact as Google has
   * it now, for the caller to plan again (contacts/replan.ts); their links are left as they were.
   */
  async flush(): Promise<StaleUpdate[]> {
    // Updates before group changes: a membership change gives the contact a new etag, which would
    // make the update that links it (read before) fail as stale and cost a re-read.
    const updates = this.updates;
    this.updates = [];
    for (const chunk of byFieldsInChunks(updates)) await this.applyUpdates(chunk);
    await this.flushMembers();
    const saves = [...this.saves.values()];
    const deletes = [...this.deletes];
    const indexed = this.indexed;
    const stale = this.stale;
    this.saves.clear();
    this.deletes.clear();
    this.indexed = new Map();
    this.stale = [];
    if (this.staged.size > 0) await this.beforeCommit();
    this.state.stageLinks(this.crmWrites, saves);
    this.state.stageLinkDeletes(this.crmWrites, deletes);
    await this.commitCrm();
    await this.index.apply(indexed);
    return stale;
  }

  private async flushMembers(): Promise<void> {
    const adds = [...this.adds];
    const removes = [...this.removes];
    this.adds.clear();
    this.removes.clear();
    const group = this.group.resourceName;
    for (let i = 0; i < adds.length; i += PEOPLE_LIMITS.modifyMembers) {
      await this.people.modifyMembers(group, { add: adds.slice(i, i + PEOPLE_LIMITS.modifyMembers) });
    }
    for (let i = 0; i < removes.length; i += PEOPLE_LIMITS.modifyMembers) {
      const chunk = removes.slice(i, i + PEOPLE_LIMITS.modifyMembers);
      const remove = chunk.map(([, person]) => person.resourceName ?? '');
      const { notRemovable } = await this.people.modifyMembers(group, { remove });
      if (notRemovable.length > 0) {
        // Google keeps every contact in at least one group: these were only in ours. They stay
        // contacts, as "My Contacts" members (what a contact created in Google belongs to).
        await this.people.modifyMembers(MY_CONTACTS, { add: notRemovable });
        await this.people.modifyMembers(group, { remove: notRemovable });
      }
      for (const [crmId, person] of chunk) this.unlink(crmId, person);
    }
  }

  private async applyUpdates(chunk: GoogleUpdate[]): Promise<void> {
    const fields = chunk[0]?.update.updatePersonFields ?? [];
    try {
      const done = await this.people.updateMany(
        new Map(chunk.map((u) => [u.resourceName, u.update.person])),
        fields,
      );
      for (const u of chunk) {
        const person = done.get(u.resourceName);
        if (person) this.succeeded(u, person);
        else this.report.itemFailed(u.crmId, new Error('Google did not return the updated contact.'));
      }
    } catch (error) {
      if (!isItemFailure(error)) throw error;
      // Google checks the whole batch first, so nothing was written: find the culprit one by one.
      for (const u of chunk) await this.applyOne(u);
    }
  }

  private async applyOne(u: GoogleUpdate): Promise<void> {
    try {
      this.succeeded(
        u,
        await this.people.update(u.resourceName, u.update.person, u.update.updatePersonFields),
      );
    } catch (error) {
      if (!isItemFailure(error)) throw error;
      if (error.kind === 'precondition_failed') {
        // Changed in Google since we read it (Google's sync results may lag behind): plan it again.
        this.stale.push({
          crmId: u.crmId,
          link: u.link,
          fresh: await this.people.get(u.resourceName),
          error,
        });
        return;
      }
      this.report.itemFailed(u.crmId, error);
      this.failedCrmIds.add(u.crmId);
    }
  }

  private succeeded(u: GoogleUpdate, person: Person): void {
    if (u.changesData) this.report.counts.toGoogle.updated += 1;
    this.saveLink(u.linkAfter(person));
  }
}

/** Failures of one contact (not of Google as a whole): the rest of the run goes on. */
function isItemFailure(error: unknown): error is GoogleApiFailure {
  return (
    error instanceof GoogleApiFailure &&
    (error.kind === 'precondition_failed' || error.kind === 'invalid' || error.kind === 'not_found')
  );
}

/** Updates grouped by their set of changed People fields (one batch call each), ≤ 200 per chunk. */
function byFieldsInChunks(updates: GoogleUpdate[]): GoogleUpdate[][] {
  const groups = new Map<string, GoogleUpdate[]>();
  for (const u of updates) {
    const key = u.update.updatePersonFields.join(',');
    groups.set(key, [...(groups.get(key) ?? []), u]);
  }
  const chunks: GoogleUpdate[][] = [];
  for (const group of groups.values()) {
    for (let i = 0; i < group.length; i += PEOPLE_LIMITS.batchUpdate) {
      chunks.push(group.slice(i, i + PEOPLE_LIMITS.batchUpdate));
    }
  }
  return chunks;
}
