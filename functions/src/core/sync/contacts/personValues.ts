import type { people_v1 } from '@googleapis/people';
import { emailAddress } from '../../../domain/crm/common.js';
import { cleanText, compact, nonEmpty, type SyncAddress, type SyncValues, withOnePrimary } from './fields.js';

/**
 * The Google side of the mapping, reading: a People API person → the normalised sync values (the
 * writing side, values → the person fields to send, is personWrites.ts). Field shapes: https://developers.google.com/people/api/rest/v1/people
 *
 * Google fields the CRM does not model survive a write (docs/behaviour.md#contact-fields): only the People fields of
 * changed values are sent, and within them the unmodelled parts of the existing items are carried
 * over (honorifics and phonetic names, an email's display name, a second organization, an address's
 * PO box when the address itself did not change), as are items the CRM cannot hold (an email that is
 * not an address, a website that is not an http(s) URL).
 */

export type Person = people_v1.Schema$Person;
/** One entry of a People list field (an email, a name, an address…), as JSON. */
export type Item = Record<string, unknown>;

/** Our key in `clientData`: the CRM contact a Google contact belongs to (survives unlinking). */
export const CRM_ID_KEY = 'crmContactId';

export const itemText = (item: Item | undefined, key: string) => cleanText(item?.[key]);
export const items = (person: Person, field: keyof Person): Item[] =>
  Array.isArray(person[field])
    ? (person[field] as Item[]).filter((item) => item && typeof item === 'object')
    : [];
const isPrimary = (item: Item) => (item.metadata as { primary?: boolean } | undefined)?.primary === true;
export const primaryIndex = (list: Item[]) => Math.max(0, list.findIndex(isPrimary));

export const isEmail = (value: string) => emailAddress.safeParse(value).success;
export function isWebUrl(value: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

function nameParts(name: Item | undefined) {
  return {
    givenName: itemText(name, 'givenName'),
    middleName: itemText(name, 'middleName'),
    familyName: itemText(name, 'familyName'),
  };
}

/** Google's unstructured name, when it is more than the structured parts (with or without honorifics). */
function chosenDisplayName(name: Item | undefined): string | undefined {
  const unstructured = itemText(name, 'unstructuredName');
  if (!unstructured) return undefined;
  const parts = (keys: string[]) =>
    keys
      .map((key) => itemText(name, key))
      .filter(Boolean)
      .join(' ');
  const plain = parts(['givenName', 'middleName', 'familyName']);
  const full = parts(['honorificPrefix', 'givenName', 'middleName', 'familyName', 'honorificSuffix']);
  return unstructured === plain || unstructured === full ? undefined : unstructured;
}

export function addressOf(item: Item): SyncAddress | undefined {
  const parts = compact({
    street: itemText(item, 'streetAddress'),
    city: itemText(item, 'city'),
    region: itemText(item, 'region'),
    postalCode: itemText(item, 'postalCode'),
    country: itemText(item, 'country'),
  });
  if (Object.keys(parts).length === 0) {
    // An address typed as one line has only its formatted value.
    const line = itemText(item, 'formattedValue');
    if (!line) return undefined;
    return { type: itemText(item, 'type') ?? 'other', street: line };
  }
  return { type: itemText(item, 'type') ?? 'other', ...parts };
}

function birthdayOf(person: Person): string | undefined {
  const date = items(person, 'birthdays')[0]?.date as
    | { year?: number; month?: number; day?: number }
    | undefined;
  if (!date?.year || !date.month || !date.day) return undefined;
  const pad = (n: number, width: number) => String(n).padStart(width, '0');
  return `${pad(date.year, 4)}-${pad(date.month, 2)}-${pad(date.day, 2)}`;
}

/** A Google person's sync values. */
export function personValues(person: Person): SyncValues {
  const name = items(person, 'names')[0];
  const emails = items(person, 'emailAddresses')
    .map((item) => ({
      address: itemText(item, 'value') ?? '',
      type: itemText(item, 'type') ?? 'other',
      primary: isPrimary(item),
    }))
    .filter((email) => isEmail(email.address));
  const organizations = items(person, 'organizations');
  const org = organizations[primaryIndex(organizations)];
  const organization = org
    ? compact({
        name: itemText(org, 'name'),
        title: itemText(org, 'title'),
        department: itemText(org, 'department'),
      })
    : {};
  return compact({
    ...nameParts(name),
    displayName: chosenDisplayName(name),
    emails: nonEmpty(withOnePrimary(emails)),
    phones: nonEmpty(
      items(person, 'phoneNumbers')
        .map((item) => ({ number: itemText(item, 'value') ?? '', type: itemText(item, 'type') ?? 'other' }))
        .filter((phone) => phone.number !== ''),
    ),
    organization: Object.keys(organization).length > 0 ? organization : undefined,
    addresses: nonEmpty(
      items(person, 'addresses')
        .map(addressOf)
        .filter((address): address is SyncAddress => address !== undefined),
    ),
    birthday: birthdayOf(person),
    notes: itemText(items(person, 'biographies')[0], 'value'),
    websites: nonEmpty(
      items(person, 'urls')
        .map((item) => itemText(item, 'value') ?? '')
        .filter(isWebUrl),
    ),
  });
}

/** The CRM contact id we wrote into the person, if any. */
export function crmIdOf(person: Person): string | undefined {
  return cleanText(person.clientData?.find((entry) => entry.key === CRM_ID_KEY)?.value);
}

export function isDeleted(person: Person): boolean {
  return person.metadata?.deleted === true;
}

export function isInGroup(person: Person, groupResourceName: string): boolean {
  return (person.memberships ?? []).some(
    (membership) => membership.contactGroupMembership?.contactGroupResourceName === groupResourceName,
  );
}

/** When the contact last changed in Google (its CONTACT source's updateTime), in epoch ms; 0 if unknown. */
export function updateTimeOf(person: Person): number {
  const source = person.metadata?.sources?.find((s) => s.type === 'CONTACT') ?? person.metadata?.sources?.[0];
  const time = source?.updateTime ? Date.parse(source.updateTime) : Number.NaN;
  return Number.isNaN(time) ? 0 : time;
}

/** The People fields holding the mapped data and our bookkeeping: what every listing asks for. */
export const PERSON_READ_FIELDS = [
  'addresses',
  'biographies',
  'birthdays',
  'clientData',
  'emailAddresses',
  'memberships',
  'metadata',
  'names',
  'organizations',
  'phoneNumbers',
  'urls',
] as const;

/** Lower-cased email addresses of a person (for matching with CRM contacts, case-insensitive). */
export function emailKeysOf(values: SyncValues): string[] {
  return [...new Set((values.emails ?? []).map((email) => email.address.toLowerCase()))];
}
