import { crmIdOf, emailKeysOf, isDeleted, type Person, personValues } from './personValues.js';

/**
 * Matching a CRM contact that is about to be created in Google with a Google contact that already
 * exists outside the sync (docs/behaviour.md#contact-matching): "first by the CRM id the product wrote into the Google
 * contact (clientData), then by email address (case-insensitive) — and link it instead of making a
 * duplicate". The People API has no lookup by email but searchContacts, which needs a warm-up
 * request and lags behind writes (https://developers.google.com/people/api/rest/v1/people/searchContacts),
 * so the sync keeps its own index of the unlinked Google contacts, fed by the listings it reads anyway.
 */

/** What a Google contact can be matched by. */
export interface GoogleMatchKeys {
  resourceName: string;
  /** Lower-cased email addresses. */
  emails: string[];
  /** The CRM contact named by our clientData key (a contact that was linked once). */
  crmId?: string;
}

/** The keys of a live Google contact; undefined when it is deleted or has nothing to match by. */
export function matchKeysOf(person: Person): GoogleMatchKeys | undefined {
  if (isDeleted(person) || !person.resourceName) return undefined;
  const emails = emailKeysOf(personValues(person));
  const crmId = crmIdOf(person);
  if (emails.length === 0 && !crmId) return undefined;
  return { resourceName: person.resourceName, emails, ...(crmId ? { crmId } : {}) };
}

export interface GoogleMatch {
  resourceName: string;
  by: 'clientData' | 'email';
}

/**
 * The Google contact a CRM contact (its id and lower-cased emails, primary first) is, among unlinked
 * candidates. One that carries the contact's id wins. Else one sharing an email address, and when
 * several do (the user keeps duplicates in Google), deterministically: one that names no other
 * CRM contact before one that does (that one may belong to another CRM contact that is tagged
 * again later), then the contact's earlier email address, then the smallest resource name.
 */
export function chooseGoogleMatch(
  contact: { id: string; emails: string[] },
  candidates: GoogleMatchKeys[],
): GoogleMatch | undefined {
  const byResourceName = (a: GoogleMatchKeys, b: GoogleMatchKeys) =>
    a.resourceName < b.resourceName ? -1 : a.resourceName > b.resourceName ? 1 : 0;
  const named = candidates.filter((candidate) => candidate.crmId === contact.id).sort(byResourceName)[0];
  if (named) return { resourceName: named.resourceName, by: 'clientData' };
  const rank = (candidate: GoogleMatchKeys) => {
    const position = contact.emails.findIndex((email) => candidate.emails.includes(email));
    return { foreign: candidate.crmId ? 1 : 0, position };
  };
  const sharing = candidates
    .map((candidate) => ({ candidate, ...rank(candidate) }))
    .filter(({ position }) => position >= 0)
    .sort(
      (a, b) => a.foreign - b.foreign || a.position - b.position || byResourceName(a.candidate, b.candidate),
    );
  const chosen = sharing[0]?.candidate;
  return chosen && { resourceName: chosen.resourceName, by: 'email' };
}
