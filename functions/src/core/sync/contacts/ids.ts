import { createHash } from 'node:crypto';

/**
 * The CRM id of a contact imported from Google: the same user importing the same Google contact
 * always gets the same id (a repeated import after a crash is then a 409, not a duplicate). A hash,
 * because People resource names (`people/c123…`) contain a slash, which a record id cannot.
 */
export function importedContactId(uid: string, resourceName: string): string {
  return `g-${createHash('sha256').update(`${uid}\n${resourceName}`).digest('base64url').slice(0, 32)}`;
}
