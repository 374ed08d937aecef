import type { ContactLink } from '../../../adapters/firestore/contactSyncState.js';
import { GoogleApiFailure } from '../../../adapters/google/apiErrors.js';
import { contactValues, newContactBody } from '../../../core/sync/contacts/crmValues.js';
import { importedContactId } from '../../../core/sync/contacts/ids.js';
import {
  crmIdOf,
  emailKeysOf,
  isDeleted,
  isInGroup,
  type Person,
  personValues,
} from '../../../core/sync/contacts/personValues.js';
import { type MatchCandidate, planUnlinkedPerson } from '../../../core/sync/contacts/plan.js';
import { type Contact, emailKeys, parseNewContact } from '../../../domain/crm/contact.js';
import { faultScope } from '../runs/faults.js';
import { readContact, taggedContacts } from './crmReads.js';
import { flushWrites } from './flush.js';
import { reconcile } from './pairs.js';
import type { ContactRun } from './run.js';

/**
 * Google → CRM (docs/behaviour.md#contact-matching, docs/behaviour.md#incremental-contact-sync, docs/behaviour.md#conflicts, docs/behaviour.md#contact-deletion): reads the contacts changed since the stored sync token (all of them
 * on the first run or when the token expired), a page at a time, and brings each into the CRM. The
 * new sync token is stored only after the last page's work is done (and none of it failed), so a run that stops half way
 * reads the same changes again; that is harmless, because every step looks at the links first.
 */
export async function syncFromGoogle(run: ContactRun, syncToken: string | undefined): Promise<void> {
  let fullListing = syncToken === undefined;
  let position: { syncToken?: string; pageToken?: string } = { syncToken };
  let waiting: WaitingContacts | undefined;
  for (;;) {
    let page: Awaited<ReturnType<ContactRun['people']['listPage']>>;
    try {
      page = await run.people.listPage(position);
    } catch (error) {
      if (!(error instanceof GoogleApiFailure && error.kind === 'sync_token_expired')) throw error;
      // Expired after 7 days (or a page token of a listing that took too long): list everything
      // again. Links make it harmless: nothing is imported or exported twice.
      if (!fullListing || position.pageToken) {
        fullListing = true;
        position = {};
        continue;
      }
      throw error;
    }
    if (fullListing) waiting ??= await waitingContacts(run);
    await syncPage(run, page.people, fullListing, waiting);
    await flushWrites(run);
    await run.hooks.afterGooglePage?.();
    if (page.nextPageToken) {
      position = { ...position, pageToken: page.nextPageToken };
      continue;
    }
    // A contact that failed is listed again by the next run: the token must not pass it.
    if (page.nextSyncToken && !run.report.holdsCursor)
      await run.state.saveCursor({ syncToken: page.nextSyncToken });
    return;
  }
}

async function syncPage(
  run: ContactRun,
  people: Person[],
  fullListing: boolean,
  waiting: WaitingContacts | undefined,
): Promise<void> {
  const links = await run.state.linksOfPeople(people.map((person) => person.resourceName ?? ''));
  followUnlinked(run, people, links);
  const read = await pageReads(run, people, links);
  for (const person of people) {
    const resourceName = person.resourceName ?? '';
    try {
      const link = links.get(resourceName);
      if (link) await syncLinked(run, link, person, read);
      else if (!isDeleted(person)) await syncUnlinked(run, person, fullListing, waiting, read);
    } catch (error) {
      if (faultScope(error) !== 'item') throw error;
      run.report.itemFailed(links.get(resourceName)?.crmId ?? resourceName, error);
    }
  }
}

/**
 * The CRM side of a page, read in bulk before its contacts are worked through (no query or read
 * per contact): the CRM contacts of changed links, of unlinked contacts' clientData and derived
 * import ids, the CRM contacts sharing their email addresses, and which of those are linked.
 */
interface PageReads {
  contacts: Map<string, Contact>;
  byEmail: Map<string, Contact[]>;
  linked: Set<string>;
}

async function pageReads(
  run: ContactRun,
  people: Person[],
  links: Map<string, ContactLink>,
): Promise<PageReads> {
  const ids: string[] = [];
  const emails: string[] = [];
  for (const person of people) {
    const resourceName = person.resourceName ?? '';
    const link = links.get(resourceName);
    if (link) {
      if (person.etag !== link.person.etag || isDeleted(person)) ids.push(link.crmId);
      continue;
    }
    if (isDeleted(person) || !isInGroup(person, run.group.resourceName)) continue;
    const named = crmIdOf(person);
    if (named) ids.push(named);
    ids.push(importedContactId(run.uid, resourceName));
    emails.push(...emailKeysOf(personValues(person)));
  }
  const contacts = await run.crm.getContacts(ids, run.actor);
  const found = emails.length > 0 ? await run.crm.findContactsByEmail(emails, run.actor) : [];
  const byEmail = new Map<string, Contact[]>();
  for (const contact of found) {
    contacts.set(contact.id, contact);
    for (const email of emailKeys(contact)) byEmail.set(email, [...(byEmail.get(email) ?? []), contact]);
  }
  const { links: linkedContacts } = await run.state.stateOfContacts([...contacts.keys()]);
  return { contacts, byEmail, linked: new Set(linkedContacts.keys()) };
}

/**
 * Keeps the index of unlinked Google contacts (googleMatch.ts) up to date from the page read anyway:
 * no extra Google call. Linked contacts are left to `run.writes`, which indexes those it unlinks;
 * this page's work may still link some of these, and then `run.writes` drops them again.
 */
function followUnlinked(run: ContactRun, people: Person[], links: Map<string, ContactLink>): void {
  for (const person of people) {
    const resourceName = person.resourceName ?? '';
    // A resource name changes when Google links profiles into the contact (connections.list reference).
    for (const previous of person.metadata?.previousResourceNames ?? []) run.writes.unindex(previous);
    if (!resourceName || links.has(resourceName)) continue;
    if (isDeleted(person) || isInGroup(person, run.group.resourceName)) run.writes.unindex(resourceName);
    else run.writes.indexUnlinked(person);
  }
}

async function syncLinked(
  run: ContactRun,
  link: ContactLink,
  person: Person,
  read: PageReads,
): Promise<void> {
  let google: 'deleted' | 'outOfGroup' | 'inGroup' = 'inGroup';
  if (isDeleted(person)) google = 'deleted';
  else if (!isInGroup(person, run.group.resourceName) && (await run.group.confirmLeft()))
    google = 'outOfGroup';
  if (google === 'inGroup' && person.etag === link.person.etag) {
    // Our own write coming back (or nothing that concerns the sync): no ping-pong (docs/behaviour.md#no-ping-pong).
    run.report.counts.unchanged += 1;
    return;
  }
  const contact = read.contacts.get(link.crmId);
  await reconcile(run, { crmId: link.crmId, link, contact, person, google });
}

async function syncUnlinked(
  run: ContactRun,
  person: Person,
  fullListing: boolean,
  waiting: WaitingContacts | undefined,
  read: PageReads,
): Promise<void> {
  const inGroup = isInGroup(person, run.group.resourceName);
  if (!inGroup && !fullListing) return;
  const values = personValues(person);
  const candidates = inGroup
    ? candidatesInCrm(run, person, values.emails ? emailKeysOf(values) : [], read)
    : candidatesWaiting(person, emailKeysOf(values), waiting);
  const plan = planUnlinkedPerson({ inGroup, fullListing, ...candidates });
  if (plan.action === 'ignore') return;
  if (plan.action === 'import') {
    const created = await importContact(run, person, values, read);
    // Its link commits with it (writes.ts), so a crash cannot leave it imported and unlinked.
    const link: ContactLink = {
      crmId: created.id,
      resourceName: person.resourceName ?? '',
      base: contactValues(created),
      crmVersion: created.version,
      person,
    };
    run.writes.saveLink(link);
    await reconcile(run, { crmId: created.id, link, contact: created, person, google: 'inGroup' });
    return;
  }
  let contact = read.contacts.get(plan.crmId) ?? (await readContact(run, plan.crmId));
  if (!contact) return;
  if (!contact.tagIds.includes(run.tagId)) {
    contact = (await run.crm.tagContact(plan.crmId, run.tagId, { actor: run.actor })).record;
  }
  if (!inGroup) run.writes.addToGroup(person.resourceName ?? '');
  waiting?.take(plan.crmId);
  run.report.counts.toCrm.linked += 1;
  await reconcile(run, { crmId: plan.crmId, contact, person, google: 'inGroup' });
}

/**
 * Stages the CRM contact of an imported Google contact under an id derived from the Google contact
 * (writes.ts commits it with its link), so that an import repeated after a crash finds the contact
 * it created the first time instead of creating a second one.
 */
async function importContact(
  run: ContactRun,
  person: Person,
  values: ReturnType<typeof personValues>,
  read: PageReads,
): Promise<Contact> {
  const id = importedContactId(run.uid, person.resourceName ?? '');
  const existing = read.contacts.get(id);
  if (!existing) {
    const staged = await run.writes.stageImport(
      parseNewContact(newContactBody(values, run.tagId)),
      id,
      run.actor,
    );
    run.report.counts.toCrm.created += 1;
    return staged;
  }
  if (existing.tagIds.includes(run.tagId)) return existing;
  return (await run.crm.tagContact(id, run.tagId, { actor: run.actor })).record;
}

/** CRM contacts an unlinked Google contact in the group could be: by our clientData key, then by email. */
function candidatesInCrm(
  run: ContactRun,
  person: Person,
  emails: string[],
  read: PageReads,
): { byClientData?: MatchCandidate; byEmail: MatchCandidate[] } {
  const named = crmIdOf(person);
  const byId = named ? read.contacts.get(named) : undefined;
  const byEmail = new Map<string, Contact>();
  for (const email of emails)
    for (const contact of read.byEmail.get(email) ?? []) byEmail.set(contact.id, contact);
  // As findContactsByEmail orders them: the oldest first.
  const sorted = [...byEmail.values()].sort(
    (a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id),
  );
  // A pending create is no link: this may be the very contact whose create was not confirmed.
  const candidate = (contact: Contact): MatchCandidate => ({
    crmId: contact.id,
    tagged: contact.tagIds.includes(run.tagId),
    linked: read.linked.has(contact.id) || run.writes.isLinking(contact.id),
  });
  return { byClientData: byId && candidate(byId), byEmail: sorted.map(candidate) };
}

function candidatesWaiting(
  person: Person,
  emails: string[],
  waiting: WaitingContacts | undefined,
): { byClientData?: MatchCandidate; byEmail: MatchCandidate[] } {
  const named = crmIdOf(person);
  const free = (crmId: string): MatchCandidate => ({ crmId, tagged: true, linked: false });
  const byClientData = named && waiting?.has(named) ? free(named) : undefined;
  const byEmail = emails.flatMap((email) => waiting?.byEmail(email) ?? []).map(free);
  return { byClientData, byEmail };
}

/**
 * The CRM contacts carrying the user's tag that no Google contact is linked to yet, by id and email:
 * what a full listing links Google contacts outside the group to (first run with contacts on both
 * sides, account removed and linked again), instead of exporting duplicates. Held in memory for
 * one listing; its size is the user's unlinked tagged contacts, not the Google account.
 */
class WaitingContacts {
  private readonly ids = new Set<string>();
  private readonly emails = new Map<string, string[]>();

  add(contact: Contact): void {
    this.ids.add(contact.id);
    for (const email of emailKeys(contact))
      this.emails.set(email, [...(this.emails.get(email) ?? []), contact.id]);
  }
  has(crmId: string): boolean {
    return this.ids.has(crmId);
  }
  byEmail(email: string): string[] {
    return (this.emails.get(email) ?? []).filter((id) => this.ids.has(id));
  }
  take(crmId: string): void {
    this.ids.delete(crmId);
  }
}

async function waitingContacts(run: ContactRun): Promise<WaitingContacts> {
  const waiting = new WaitingContacts();
  for await (const contacts of taggedContacts(run)) {
    const { links } = await run.state.stateOfContacts(contacts.map((contact) => contact.id));
    for (const contact of contacts) if (!links.has(contact.id)) waiting.add(contact);
  }
  return waiting;
}
