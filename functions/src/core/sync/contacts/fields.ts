import { CONTACT_WRITABLE_FIELDS } from '../../../domain/crm/contact.js';
import type { FieldValues } from '../merge.js';

/**
 * The fields the contact sync keeps in step (docs/behaviour.md#contact-fields), in one normalised shape that both the CRM
 * contact and the Google person are reduced to, so that the three-way merge compares like with like.
 * They are the CRM's writable fields; each lives in one People field (`PERSON_FIELD_OF`), and only
 * the People fields of changed sync fields are ever written (`updatePersonFields`), so Google fields
 * the CRM does not model are never touched.
 */

export const SYNC_FIELDS = CONTACT_WRITABLE_FIELDS;
export type SyncField = (typeof SYNC_FIELDS)[number];

export interface SyncEmail {
  address: string;
  type: string;
  /** Exactly one email of a non-empty list is primary (the first when nobody chose one). */
  primary: boolean;
}

export interface SyncPhone {
  number: string;
  type: string;
}

export interface SyncOrganization {
  name?: string;
  title?: string;
  department?: string;
}

export interface SyncAddress {
  type: string;
  street?: string;
  city?: string;
  region?: string;
  postalCode?: string;
  country?: string;
}

/** The normalised values of one contact; absent means "no value". */
export interface SyncValues extends FieldValues<SyncField> {
  givenName?: string;
  middleName?: string;
  familyName?: string;
  /** Only a display name that was chosen, not one derived from the other fields. */
  displayName?: string;
  emails?: SyncEmail[];
  phones?: SyncPhone[];
  organization?: SyncOrganization;
  addresses?: SyncAddress[];
  /** YYYY-MM-DD; a Google birthday without a year is not modelled. */
  birthday?: string;
  notes?: string;
  websites?: string[];
}

/** The People field (`updatePersonFields` path) that holds each sync field. */
export const PERSON_FIELD_OF: Record<SyncField, string> = {
  givenName: 'names',
  middleName: 'names',
  familyName: 'names',
  displayName: 'names',
  emails: 'emailAddresses',
  phones: 'phoneNumbers',
  organization: 'organizations',
  addresses: 'addresses',
  birthday: 'birthdays',
  notes: 'biographies',
  websites: 'urls',
};

/** The People fields that hold these sync fields, each once, in a stable order. */
export function personFieldsOf(fields: readonly SyncField[]): string[] {
  return [...new Set(fields.map((field) => PERSON_FIELD_OF[field]))].sort();
}

/** Trimmed text, or undefined when nothing is left. */
export function cleanText(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** Drops the undefined entries of an object (Firestore and canonical comparisons want none). */
export function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, inner]) => inner !== undefined)) as T;
}

/** Marks exactly one email primary: the first one marked, else the first. */
export function withOnePrimary(
  emails: Array<Omit<SyncEmail, 'primary'> & { primary?: boolean }>,
): SyncEmail[] {
  const chosen = Math.max(
    0,
    emails.findIndex((email) => email.primary === true),
  );
  return emails.map((email, index) => ({
    address: email.address,
    type: email.type,
    primary: index === chosen,
  }));
}

/** A list, or undefined when empty (so "no items" is one value). */
export const nonEmpty = <T>(items: T[]): T[] | undefined => (items.length > 0 ? items : undefined);
