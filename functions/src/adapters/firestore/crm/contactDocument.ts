import type { Actor } from '../../../domain/crm/common.js';
import {
  type Contact,
  type ContactFields,
  contactFieldsOf,
  deriveDisplayName,
} from '../../../domain/crm/contact.js';
import { metaOf, type StoredMeta } from './records.js';

/**
 * Contacts in `crmContacts`. `tagIds` holds every tag (so one array-contains query lists a tag's
 * contacts), and `tagOwners` maps each tag to its owner ('' for shared tags) so that a reader sees
 * only shared tags and their own personal ones without reading the tags.
 */

export interface StoredContact extends StoredMeta, ContactFields {
  tagIds: string[];
  tagOwners: Record<string, string>;
  /** Lower-cased addresses: matching by email (users' own contacts, Google import). */
  emailKeys: string[];
  /** Users whose own contact this is; it cannot be deleted while set. */
  userUids?: string[];
}

export function personalTags(contact: Pick<StoredContact, 'tagIds' | 'tagOwners'> | undefined): string[] {
  return contact ? contact.tagIds.filter((tagId) => contact.tagOwners[tagId]) : [];
}

export function renderContact(id: string, data: StoredContact, viewer: Actor): Contact {
  const fields = contactFieldsOf(data as unknown as Record<string, unknown>);
  const owner = (tagId: string) => data.tagOwners[tagId] ?? '';
  return {
    id,
    ...fields,
    displayName: deriveDisplayName(fields),
    tagIds: data.tagIds.filter((tagId) => owner(tagId) === '' || owner(tagId) === viewer.uid),
    ...metaOf(data),
  };
}
