import type { people_v1 } from '@googleapis/people';
import { sameValue } from '../merge.js';
import { compact, type SyncAddress, type SyncEmail, type SyncValues } from './fields.js';
import {
  addressOf,
  CRM_ID_KEY,
  crmIdOf,
  type Item,
  isEmail,
  isWebUrl,
  items,
  itemText,
  type Person,
  primaryIndex,
} from './personValues.js';

/**
 * The Google side of the mapping, writing: the People fields to send when some sync values changed,
 * and a new person. Field shapes: https://developers.google.com/people/api/rest/v1/people
 *
 * Google fields the CRM does not model survive a write (docs/behaviour.md#contact-fields): only the People fields of
 * changed values are sent, and within them the unmodelled parts of the existing items are carried
 * over (honorifics and phonetic names, an email's display name, a second organization, an address's
 * PO box when the address itself did not change), as are items the CRM cannot hold (an email that is
 * not an address, a website that is not an http(s) URL).
 */

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
  const kept = existing.filter((item) => !isEmail(itemText(item, 'value') ?? ''));
  const written = emails.map((email) => {
    const same = existing.find(
      (item) => itemText(item, 'value')?.toLowerCase() === email.address.toLowerCase(),
    );
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
        const same = existing.find((item) => itemText(item, 'value') === phone.number);
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
      const kept = existing.filter((item) => !isWebUrl(itemText(item, 'value') ?? ''));
      return [
        ...(values.websites ?? []).map((url) => {
          const same = existing.find((item) => itemText(item, 'value') === url);
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
