import { type Contact, deriveDisplayName } from '../../../domain/crm/contact.js';
import { cleanText, compact, nonEmpty, type SyncField, type SyncValues, withOnePrimary } from './fields.js';

/** The CRM side of the mapping: a CRM contact ↔ the normalised sync values. */

/**
 * A CRM contact's sync values. The API always shows a display name; it counts as chosen only when
 * it differs from the one the CRM would derive, so a derived name never freezes into Google.
 */
export function contactValues(contact: Contact): SyncValues {
  const derived = deriveDisplayName({ ...contact, displayName: undefined });
  const org = contact.organization && compact({ ...contact.organization });
  return compact({
    givenName: cleanText(contact.givenName),
    middleName: cleanText(contact.middleName),
    familyName: cleanText(contact.familyName),
    displayName: contact.displayName !== derived ? cleanText(contact.displayName) : undefined,
    emails: nonEmpty(withOnePrimary(contact.emails)),
    phones: nonEmpty(contact.phones.map((phone) => ({ number: phone.number, type: phone.type }))),
    organization: org && Object.keys(org).length > 0 ? org : undefined,
    addresses: nonEmpty(contact.addresses.map((address) => compact({ ...address }))),
    birthday: contact.birthday,
    notes: cleanText(contact.notes),
    websites: nonEmpty([...contact.websites]),
  });
}

const LIST_FIELDS = new Set<SyncField>(['emails', 'phones', 'addresses', 'websites']);

/** The CRM field value for a sync value (emails mark only the primary one). */
function crmValue(field: SyncField, values: SyncValues): unknown {
  if (field === 'emails') {
    return (values.emails ?? []).map((email) =>
      email.primary
        ? { address: email.address, type: email.type, primary: true }
        : { address: email.address, type: email.type },
    );
  }
  const value = values[field];
  if (value === undefined) return LIST_FIELDS.has(field) ? [] : null;
  return value;
}

/** A JSON merge patch that gives the CRM contact these values of `fields` (null removes a value). */
export function contactPatch(values: SyncValues, fields: readonly SyncField[]): Record<string, unknown> {
  return Object.fromEntries(fields.map((field) => [field, crmValue(field, values)]));
}

/** The body of a new CRM contact with these values, carrying the user's personal tag. */
export function newContactBody(values: SyncValues, tagId: string): Record<string, unknown> {
  const body: Record<string, unknown> = { tagIds: [tagId] };
  for (const [field, value] of Object.entries(contactPatch(values, Object.keys(values) as SyncField[]))) {
    if (value !== null) body[field] = value;
  }
  return body;
}
