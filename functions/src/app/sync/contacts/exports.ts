import type { ContactLink } from '../../../adapters/firestore/contactSyncState.js';
import { GoogleApiFailure } from '../../../adapters/google/apiErrors.js';
import { PEOPLE_LIMITS } from '../../../adapters/google/people.js';
import { contactValues } from '../../../core/sync/contacts/crmValues.js';
import { crmIdOf, type Person } from '../../../core/sync/contacts/personValues.js';
import { newPerson } from '../../../core/sync/contacts/personWrites.js';
import type { Contact } from '../../../domain/crm/contact.js';
import { readContact } from './crmReads.js';
import { flushWrites } from './flush.js';
import { linkToExistingInGoogle } from './googleMatches.js';
import { reconcile } from './pairs.js';
import type { ContactRun } from './run.js';

/**
 * CRM → Google creates (docs/behaviour.md#contact-group, docs/behaviour.md#incremental-contact-sync), the one write that is not idempotent: Google chooses
 * the resource name, so a create repeated after a lost answer (a 5xx, a timeout, a crash before the
 * link was saved) would make a second contact. Hence:
 *
 * 1. Before the call, each CRM contact gets a *pending create* marker (durable).
 * 2. batchCreateContacts (≤ 200 per call); a 5xx is not retried by the caller.
 * 3. The links replace the markers.
 *
 * A marker left over means "may or may not exist in Google". The next run settles markers first,
 * from the group's members (every contact we create goes into the group, and carries our clientData
 * key), before anything is created again. It asks the group rather than waiting for the sync token
 * listing, because "writes may take several minutes to propagate into sync results"
 * (https://developers.google.com/people/api/rest/v1/people.connections/list).
 */

/**
 * Google Contacts holds at most 25,000 contacts per account
 * (https://support.google.com/contacts/answer/7208229), so this reads every member of the group.
 */
const MAX_GROUP_MEMBERS = 25_000;

export async function settlePendingCreates(run: ContactRun): Promise<void> {
  const pending = new Set(await run.state.pendingCreates());
  if (pending.size === 0) return;
  const group = await run.people.getGroup(run.group.resourceName, MAX_GROUP_MEMBERS);
  const links = await run.state.linksOfPeople(group.memberResourceNames);
  const unlinked = group.memberResourceNames.filter((resourceName) => !links.has(resourceName));
  for (let i = 0; i < unlinked.length && pending.size > 0; i += PEOPLE_LIMITS.batchGet) {
    for (const person of await run.people.getMany(unlinked.slice(i, i + PEOPLE_LIMITS.batchGet))) {
      const crmId = crmIdOf(person);
      if (!crmId || !pending.has(crmId)) continue;
      pending.delete(crmId);
      const contact = await readContact(run, crmId);
      run.report.counts.toGoogle.created += 1;
      await reconcile(run, { crmId, contact, person, google: 'inGroup' });
    }
  }
  await flushWrites(run);
  // Not created after all: create them now (if they are still the user's).
  const again: Contact[] = [];
  for (const crmId of pending) {
    const contact = await readContact(run, crmId);
    if (contact?.tagIds.includes(run.tagId)) again.push(contact);
  }
  await run.state.deleteLinks([...pending].filter((crmId) => !again.some((contact) => contact.id === crmId)));
  await createInGoogle(run, again);
}

/**
 * Brings these CRM contacts to Google: each is linked to the Google contact that already is it, if
 * the user's Google Contacts hold one (googleMatches.ts), else created (in the group, marked with
 * its CRM id) and linked.
 */
export async function createInGoogle(run: ContactRun, contacts: Contact[]): Promise<void> {
  const toCreate = await linkToExistingInGoogle(run, contacts);
  for (let i = 0; i < toCreate.length; i += PEOPLE_LIMITS.batchCreate) {
    await createChunk(run, toCreate.slice(i, i + PEOPLE_LIMITS.batchCreate), true);
  }
}

async function createChunk(run: ContactRun, contacts: Contact[], mayRepairGroup: boolean): Promise<void> {
  if (contacts.length === 0) return;
  await run.state.markPendingCreates(contacts.map((contact) => contact.id));
  let created: Person[];
  try {
    created = await run.people.createMany(
      contacts.map((contact) => newPerson(contactValues(contact), contact.id, run.group.resourceName)),
    );
  } catch (error) {
    if (!(error instanceof GoogleApiFailure)) throw error;
    if (error.kind === 'invalid' && mayRepairGroup && (await run.group.repairIfGone())) {
      await createChunk(run, contacts, false);
      return;
    }
    if (error.kind === 'invalid' && contacts.length > 1) {
      // Google refuses the whole batch for one bad contact: create one by one to find it.
      for (const contact of contacts) await createChunk(run, [contact], false);
      return;
    }
    for (const contact of contacts) run.report.itemFailed(contact.id, error);
    // Refused before any work: nothing exists. Otherwise (5xx) the markers stay for the next run.
    if (error.kind === 'invalid') await run.state.deleteLinks(contacts.map((contact) => contact.id));
    return;
  }
  await run.hooks.afterGoogleCreate?.();
  const byId = new Map(contacts.map((contact) => [contact.id, contact]));
  const links: ContactLink[] = [];
  for (const person of created) {
    const contact = byId.get(crmIdOf(person) ?? '');
    if (!contact) continue;
    links.push({
      crmId: contact.id,
      resourceName: person.resourceName ?? '',
      base: contactValues(contact),
      crmVersion: contact.version,
      person,
    });
  }
  await run.state.saveLinks(links);
  run.report.counts.toGoogle.created += links.length;
}
