import { z } from 'zod';
import { emailAddress, label, READ_ONLY_FIELDS, type RecordMeta, recordId, text } from './common.js';
import { isIsoDate } from './time.js';
import { checkPatchKeys, invalid, mergePatch, parseOrThrow } from './validation.js';

/** The CRM contact (docs/api.md `Contact`): its writable fields, validation and JSON merge patch. */

const PHONE = /^\+?[0-9 ().\-/]{3,40}(?:\s*(?:x|ext\.?)\s*\d{1,10})?$/i;

const EmailSchema = z.strictObject({
  address: emailAddress,
  type: label,
  primary: z.boolean({ error: 'must be true or false' }).optional(),
});

const PhoneSchema = z.strictObject({
  number: z
    .string({ error: 'must be a string' })
    .trim()
    .regex(PHONE, 'must be a phone number such as +1 650 555 0100')
    .refine((value) => (value.match(/\d/g) ?? []).length >= 3, 'must contain at least 3 digits'),
  type: label,
});

const OrganizationSchema = z
  .strictObject({ name: text(200).optional(), title: text(200).optional(), department: text(200).optional() })
  .refine((org) => org.name || org.title || org.department, 'needs a name, a title or a department');

const AddressSchema = z
  .strictObject({
    type: label,
    street: text(500).optional(),
    city: text(200).optional(),
    region: text(200).optional(),
    postalCode: text(40).optional(),
    country: text(100).optional(),
  })
  .refine((a) => a.street || a.city || a.region || a.postalCode || a.country, 'needs at least one part');

const website = z
  .string({ error: 'must be a string' })
  .max(2000, 'must be at most 2000 characters')
  .refine((value) => {
    try {
      return ['http:', 'https:'].includes(new URL(value).protocol);
    } catch {
      return false;
    }
  }, 'must be an http(s) URL');

const list = <Item extends z.ZodType>(item: Item, max: number) =>
  z.array(item, { error: 'must be a list' }).max(max, `must have at most ${max} entries`).default([]);

export const CONTACT_WRITABLE_FIELDS = [
  'givenName',
  'middleName',
  'familyName',
  'displayName',
  'emails',
  'phones',
  'organization',
  'addresses',
  'birthday',
  'notes',
  'websites',
] as const;

const contactFieldShape = {
  givenName: text(100).optional(),
  middleName: text(100).optional(),
  familyName: text(100).optional(),
  displayName: text(300).optional(),
  emails: list(EmailSchema, 20),
  phones: list(PhoneSchema, 20),
  organization: OrganizationSchema.optional(),
  addresses: list(AddressSchema, 10),
  birthday: z.string({ error: 'must be a string' }).refine(isIsoDate, 'must be a date YYYY-MM-DD').optional(),
  notes: z.string({ error: 'must be a string' }).max(20_000, 'must be at most 20000 characters').optional(),
  websites: list(website, 20),
};

type Fields = z.output<z.ZodObject<typeof contactFieldShape>>;

function checkContact(contact: Fields, ctx: z.RefinementCtx) {
  const named = contact.givenName || contact.middleName || contact.familyName || contact.displayName;
  if (!named && !contact.emails.length && !contact.phones.length && !contact.organization) {
    ctx.addIssue({
      code: 'custom',
      path: ['displayName'],
      message: 'a contact needs at least a name, an email, a phone or an organization',
    });
  }
  if (contact.emails.filter((email) => email.primary).length > 1) {
    ctx.addIssue({ code: 'custom', path: ['emails'], message: 'at most one email can be primary' });
  }
}

const ContactFieldsSchema = z.strictObject(contactFieldShape).superRefine(checkContact);

/**
 * A `PATCH /api/contacts/{id}` body as the OpenAPI document shows it: any writable field (`null`
 * removes it, RFC 7396). The request is checked by `checkContactPatch`, then the merged record by
 * the same field schemas.
 */
export const ContactPatchSchema = z.strictObject(contactFieldShape).partial();

/** Body of `POST /api/contacts`: the writable fields plus the tags to start with. */
export const NewContactSchema = z
  .strictObject({
    ...contactFieldShape,
    tagIds: z
      .array(recordId, { error: 'must be a list' })
      .max(100, 'must have at most 100 entries')
      .refine((ids) => new Set(ids).size === ids.length, 'must not repeat a tag')
      .default([]),
  })
  .superRefine(checkContact);

/** The writable fields as stored: `displayName` only when the user gave one (else it is derived). */
export type ContactFields = Fields;
export type NewContact = z.output<typeof NewContactSchema>;

/** A contact as the API shows it to one caller. */
export interface Contact extends ContactFields, RecordMeta {
  displayName: string;
  tagIds: string[];
}

export function parseNewContact(body: unknown): NewContact {
  if (body === undefined) throw invalid({ body: 'send the contact as a JSON object' });
  return parseOrThrow(NewContactSchema, body);
}

/** Validates the shape of a PATCH body before any read (refused requests change nothing). */
export function checkContactPatch(patch: unknown): Record<string, unknown> {
  return checkPatchKeys(patch, CONTACT_WRITABLE_FIELDS, [...READ_ONLY_FIELDS, 'tagIds']);
}

/** Applies a checked merge patch to the current writable fields and validates the result. */
export function applyContactPatch(current: ContactFields, patch: Record<string, unknown>): ContactFields {
  return parseOrThrow(ContactFieldsSchema, mergePatch(current, patch));
}

/** Display name when none was given: the full name, else the organization, email or phone. */
export function deriveDisplayName(contact: ContactFields): string {
  const fullName = [contact.givenName, contact.middleName, contact.familyName].filter(Boolean).join(' ');
  return (
    contact.displayName ||
    fullName ||
    contact.organization?.name ||
    contact.emails[0]?.address ||
    contact.phones[0]?.number ||
    ''
  );
}

/** Lower-cased addresses, the key by which users and Google contacts are matched (case-insensitive). */
export function emailKeys(contact: Pick<ContactFields, 'emails'>): string[] {
  return [...new Set(contact.emails.map((email) => email.address.toLowerCase()))];
}

/** Picks the writable fields out of a stored record (drops metadata and bookkeeping). */
export function contactFieldsOf(stored: Record<string, unknown>): ContactFields {
  const fields: Record<string, unknown> = {};
  for (const key of CONTACT_WRITABLE_FIELDS) if (stored[key] !== undefined) fields[key] = stored[key];
  return { emails: [], phones: [], addresses: [], websites: [], ...fields } as ContactFields;
}
