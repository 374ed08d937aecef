import { PEOPLE_LIMITS } from '../../../adapters/google/people.js';
import {
  chooseGoogleMatch,
  type GoogleMatchKeys,
  matchKeysOf,
} from '../../../core/sync/contacts/googleMatch.js';
import { isInGroup, type Person } from '../../../core/sync/contacts/personValues.js';
import { type Contact, emailKeys } from '../../../domain/crm/contact.js';
import { faultScope } from '../runs/faults.js';
import { flushWrites } from './flush.js';
import { failedInCrm, reconcile } from './pairs.js';
import type { ContactRun } from './run.js';

/**
 * CRM contacts about to be created in Google that the user's Google Contacts already hold outside
 * the sync (docs/behaviour.md#contact-matching): a contact tagged after the first run whose email is in Google already, or
 * one tagged again after it left the sync (its Google contact still carries our clientData key).
 * Each is linked instead: the Google contact joins the group and gets our key, and the two are
 * merged without a base, as when a full listing links them. Returns the contacts still to create.
 *
 * Candidates come from the index of unlinked Google contacts, which follows Google's listings and
 * may lag behind Google; so they are read again from Google (one batchGet per 200, only when the
 * index names some) and checked against the links before one is taken.
 */
export async function linkToExistingInGoogle(run: ContactRun, contacts: Contact[]): Promise<Contact[]> {
  const rest: Contact[] = [];
  for (let i = 0; i < contacts.length; i += PEOPLE_LIMITS.batchGet) {
    rest.push(...(await linkChunk(run, contacts.slice(i, i + PEOPLE_LIMITS.batchGet))));
  }
  return rest;
}

async function linkChunk(run: ContactRun, contacts: Contact[]): Promise<Contact[]> {
  const indexed = await run.index.find({
    crmIds: contacts.map((contact) => contact.id),
    emails: contacts.flatMap(emailKeys),
  });
  if (indexed.length === 0) return contacts;
  const { people, candidates } = await freeCandidates(run, indexed);
  const rest: Contact[] = [];
  for (const contact of contacts) {
    const match = chooseGoogleMatch({ id: contact.id, emails: emailKeys(contact) }, [...candidates.values()]);
    const person = match && people.get(match.resourceName);
    if (!person) {
      rest.push(contact);
      continue;
    }
    candidates.delete(person.resourceName ?? '');
    try {
      await reconcile(run, { crmId: contact.id, contact, person, google: 'inGroup' });
      if (!isInGroup(person, run.group.resourceName)) run.writes.addToGroup(person.resourceName ?? '');
      run.report.counts.toCrm.linked += 1;
    } catch (error) {
      if (faultScope(error) !== 'item') throw error;
      failedInCrm(run, contact.id, error);
    }
  }
  await flushWrites(run);
  return rest;
}

/**
 * The indexed Google contacts as Google has them now, without those that are gone or linked
 * meanwhile (their entries are dropped), keyed by resource name. One the user has just put into
 * the group stays a candidate: the listing that would link it may not show it yet.
 */
async function freeCandidates(
  run: ContactRun,
  indexed: GoogleMatchKeys[],
): Promise<{ people: Map<string, Person>; candidates: Map<string, GoogleMatchKeys> }> {
  const names = indexed.map((entry) => entry.resourceName);
  const links = await run.state.linksOfPeople(names);
  const unlinked = names.filter((name) => !links.has(name));
  const people = new Map<string, Person>();
  for (let i = 0; i < unlinked.length; i += PEOPLE_LIMITS.batchGet) {
    for (const person of await run.people.getMany(unlinked.slice(i, i + PEOPLE_LIMITS.batchGet))) {
      people.set(person.resourceName ?? '', person);
    }
  }
  const candidates = new Map<string, GoogleMatchKeys>();
  for (const name of names) {
    const person = people.get(name);
    const keys = person && matchKeysOf(person);
    if (keys) candidates.set(name, keys);
    if (keys && person && !isInGroup(person, run.group.resourceName)) run.writes.indexUnlinked(person);
    else run.writes.unindex(name);
  }
  return { people, candidates };
}
