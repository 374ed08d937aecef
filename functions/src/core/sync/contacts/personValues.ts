import type { people_v1 } from '@googleapis/people';
import { emailAddress } from '../../../domain/crm/common.js';
import { sameValue } from '../merge.js';
import {
  cleanText,
  compact,
  nonEmpty,
  type SyncAddress,
  type SyncEmail,
  type SyncValues,
  withOnePrimary,
} from './fields.js';

/**
 * The Google side of the mapping: a People API person ↔ the normalised sync values, and the person
 * fields to send when some values changed. Field shapes: https://developers.google.com/people/api/rest/v1/people
 *
 * Google fields the CRM does not model survive a write (SPEC §3.4.6): only the People fields of
 * changed values are sent, and within them the unmodelled parts of the existing items are carried
 * over (honorifics and phonetic names, an email's display name, a second organization, an address's
 * PO box when the address itself did not change), as are items the CRM cannot hold (an email that is
 * not an address, a website that is not an http(s) URL).
 */

export type Person = people_v1.Schema$Person;
type Item = Record<string, unknown>;

/** Our key in `clientData`: the CRM contact a Google contact belongs to (survives unlinking). */
export const CRM_ID_KEY = 'crmContactId';

const text = (item: Item | undefined, key: string) => cleanText(item?.[key]);
const items = (person: Person, field: keyof Person): Item[] =>
  Array.isArray(person[field])
    ? (person[field] as Item[]).filter((item) => item && typeof item === 'object')
    : [];
const isPrimary = (item: Item) => (item.metadata as { primary?: boolean } | undefined)?.primary === true;
const primaryIndex = (list: Item[]) => Math.max(0, list.findIndex(isPrimary));

const isEmail = (value: string) => emailAddress.safeParse(value).success;
function isWebUrl(value: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

function nameParts(name: Item | undefined) {
  return {
    givenName: text(name, 'givenName'),
    middleName: text(name, 'middleName'),
    familyName: text(name, 'familyName'),
  };
}

/** Google's unstructured name, when it is more than the structured parts (with or without honorifics). */
function chosenDisplayName(name: Item | undefined): string | undefined {
  const unstructured = text(name, 'unstructuredName');
  if (!unstructured) return undefined;
  const parts = (keys: string[]) =>
    keys
      .map((key) => text(name, key))
      .filter(Boolean)
      .join(' ');
  const plain = parts(['givenName', 'middleName', 'familyName']);
  const full = parts(['honorificPrefix', 'givenName', 'middleName', 'familyName', 'honorificSuffix']);
  return unstructured === plain || unstructured === full ? undefined : unstructured;
}

function addressOf(item: Item): SyncAddress | undefined {
  const parts = compact({
    street: text(item, 'streetAddress'),
    city: text(item, 'city'),
    region: text(item, 'region'),
    postalCode: text(item, 'postalCode'),
    country: text(item, 'country'),
  });
  if (Object.keys(parts).length === 0) {
    // An address typed as one line has only its formatted value.
    const line = text(item, 'formattedValue');
    if (!line) return undefined;
    return { type: text(item, 'type') ?? 'other', street: line };
  }
  return { type: text(item, 'type') ?? 'other', ...parts };
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
      address: text(item, 'value') ?? '',
      type: text(item, 'type') ?? 'other',
      primary: isPrimary(item),
    }))
    .filter((email) => isEmail(email.address));
  const organizations = items(person, 'organizations');
  const org = organizations[primaryIndex(organizations)];
  const organization = org
    ? compact({ name: text(org, 'name'), title: text(org, 'title'), department: text(org, 'department') })
    : {};
  return compact({
    ...nameParts(name),
    displayName: chosenDisplayName(name),
    emails: nonEmpty(withOnePrimary(emails)),
    phones: nonEmpty(
      items(person, 'phoneNumbers')
        .map((item) => ({ number: text(item, 'value') ?? '', type: text(item, 'type') ?? 'other' }))
        .filter((phone) => phone.number !== ''),
    ),
    organization: Object.keys(organization).length > 0 ? organization : undefined,
    addresses: nonEmpty(
      items(person, 'addresses')
        .map(addressOf)
        .filter((address): address is SyncAddress => address !== undefined),
    ),
    birthday: birthdayOf(person),
    notes: text(items(person, 'biographies')[0], 'value'),
    websites: nonEmpty(
      items(person, 'urls')
        .map((item) => text(item, 'value') ?? '')
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

/** Output-only parts of an item, recomputed by Google (and `metadata`, which we set ourselves). */
function writable(item: Item | undefined, personField: string): Item {
  if (!item) return {};
  const { metadata: _m, formattedType: _t, canonicalForm: _c, ...rest } = item;
  if (personField === 'names') {
    const { displayName: _d, displayNameLastFirst: _l, unstructuredName: _u, ...name } = rest;
    return name;
  }
  return rest;
}

const primaryMark = (primary: boolean) =>
  primary ? { metadata: { primary: true, sourcePrimary: true } } : {};

function emailItems(existing: Item[], emails: SyncEmail[]): Item[] {
  const kept = existing.filter((item) => !isEmail(text(item, 'value') ?? ''));
  const written = emails.map((email) => {
    const same = existing.find((item) => text(item, 'value')?.toLowerCase() === email.address.toLowerCase());
    return {
      ...writable(same, 'emailAddresses'),
      value: email.address,
      type: email.type,
      ...primaryMark(email.primary),
    };
  });
  return [...written, ...kept.map((item) => writable(item, 'emailAddresses'))];
}

function addressItems(existing: Item[], addresses: SyncAddress[]): Item[] {
  return addresses.map((address) => {
    const same = existing.find((item) => sameValue(addressOf(item), address));
    if (same) return writable(same, 'addresses');
    return compact({
      type: address.type,
      streetAddress: address.street,
      city: address.city,
      region: address.region,
      postalCode: address.postalCode,
      country: address.country,
    });
  });
}

function organizationItems(existing: Item[], values: SyncValues): Item[] {
  const index = primaryIndex(existing);
  const others = existing.filter((_, i) => i !== index).map((item) => writable(item, 'organizations'));
  if (!values.organization) return others;
  const { name: _n, title: _t, department: _d, ...unmodelled } = writable(existing[index], 'organizations');
  return [{ ...unmodelled, ...values.organization, ...primaryMark(true) }, ...others];
}

function namesItems(existing: Item[], values: SyncValues): Item[] {
  const kept = writable(existing[0], 'names');
  const name = compact({
    ...kept,
    givenName: values.givenName,
    middleName: values.middleName,
    familyName: values.familyName,
    unstructuredName: values.displayName,
  });
  return Object.keys(name).length > 0 ? [name] : [];
}

/** The new value of one People field, from the sync values and the person as Google has it. */
function personFieldValue(personField: string, person: Person, values: SyncValues): Item[] {
  const existing = items(person, personField as keyof Person);
  switch (personField) {
    case 'names':
      return namesItems(existing, values);
    case 'emailAddresses':
      return emailItems(existing, values.emails ?? []);
    case 'phoneNumbers':
      return (values.phones ?? []).map((phone) => {
        const same = existing.find((item) => text(item, 'value') === phone.number);
        return { ...writable(same, personField), value: phone.number, type: phone.type };
      });
    case 'organizations':
      return organizationItems(existing, values);
    case 'addresses':
      return addressItems(existing, values.addresses ?? []);
    case 'birthdays': {
      if (!values.birthday) return [];
      const [year, month, day] = values.birthday.split('-').map(Number);
      return [{ date: { year, month, day } }];
    }
    case 'biographies':
      return values.notes
        ? [{ ...writable(existing[0], personField), value: values.notes, contentType: 'TEXT_PLAIN' }]
        : [];
    case 'urls': {
      const kept = existing.filter((item) => !isWebUrl(text(item, 'value') ?? ''));
      return [
        ...(values.websites ?? []).map((url) => {
          const same = existing.find((item) => text(item, 'value') === url);
          return { ...writable(same, personField), value: url };
        }),
        ...kept.map((item) => writable(item, personField)),
      ];
    }
    default:
      throw new Error(`not a mapped People field: ${personField}`);
  }
}

function clientDataWith(person: Person, crmId: string): people_v1.Schema$ClientData[] {
  const others = (person.clientData ?? [])
    .filter((entry) => entry.key !== CRM_ID_KEY)
    .map(({ key, value }) => ({ key, value }));
  return [...others, { key: CRM_ID_KEY, value: crmId }];
}

export interface PersonUpdate {
  /** The body of updateContact / an entry of batchUpdateContacts: the listed fields and the etag. */
  person: Person;
  updatePersonFields: string[];
}

/**
 * The update that gives `person` these values of `personFields` and marks it as `crmId`'s (our
 * clientData key is added when missing, so a lost link can always be found again). Empty
 * `updatePersonFields` means there is nothing to write.
 */
export function personUpdate(
  person: Person,
  values: SyncValues,
  personFields: readonly string[],
  crmId: string,
): PersonUpdate {
  const update: Person = { etag: person.etag };
  const fields = new Set(personFields);
  for (const field of fields) (update as Item)[field] = personFieldValue(field, person, values);
  if (crmIdOf(person) !== crmId) {
    fields.add('clientData');
    update.clientData = clientDataWith(person, crmId);
  }
  return { person: update, updatePersonFields: [...fields].sort() };
}

/** A new Google contact with these values, marked as `crmId`'s and put into the sync's group. */
export function newPerson(values: SyncValues, crmId: string, groupResourceName: string): Person {
  const empty: Person = {};
  const person: Item = {};
  for (const field of [
    'names',
    'emailAddresses',
    'phoneNumbers',
    'organizations',
    'addresses',
    'birthdays',
    'biographies',
    'urls',
  ]) {
    const value = personFieldValue(field, empty, values);
    if (value.length > 0) person[field] = value;
  }
  return {
    ...person,
    clientData: [{ key: CRM_ID_KEY, value: crmId }],
    memberships: [{ contactGroupMembership: { contactGroupResourceName: groupResourceName } }],
  };
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
