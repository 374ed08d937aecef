import type { Caller } from '../../domain/auth/caller.js';
import { isRecordId } from '../../domain/crm/common.js';
import { type Contact, checkContactPatch, parseNewContact } from '../../domain/crm/contact.js';
import type { Page } from '../../domain/crm/paging.js';
import { listScope, pageRequest } from '../../domain/crm/paging.js';
import { TagRefSchema } from '../../domain/crm/tag.js';
import { invalid, parseOrThrow } from '../../domain/crm/validation.js';
import type { Written } from '../../ports/crmStore.js';
import { actorOf, crmStore } from './store.js';

/** Contact use cases of the API (docs/api.md): validate the request, then one store call. */

export function createContact(caller: Caller, body: unknown): Promise<Contact> {
  return crmStore().createContact(parseNewContact(body), { actor: actorOf(caller) });
}

export function getContact(caller: Caller, id: string): Promise<Contact> {
  return crmStore().getContact(id, actorOf(caller));
}

export function listContacts(caller: Caller, query: URLSearchParams): Promise<Page<Contact>> {
  const tagId = query.get('tagId') || undefined;
  if (tagId !== undefined && !isRecordId(tagId)) throw invalid({ tagId: 'must be a tag id' });
  return crmStore().listContacts(
    { ...pageRequest(query, listScope.contacts(tagId)), tagId },
    actorOf(caller),
  );
}

export function updateContact(
  caller: Caller,
  id: string,
  body: unknown,
  ifMatch?: number,
): Promise<Written<Contact>> {
  return crmStore().updateContact(id, checkContactPatch(body), { actor: actorOf(caller), ifMatch });
}

export function deleteContact(caller: Caller, id: string, ifMatch?: number): Promise<void> {
  return crmStore().deleteContact(id, { actor: actorOf(caller), ifMatch });
}

export function tagContact(caller: Caller, contactId: string, body: unknown, ifMatch?: number) {
  const { tagId } = parseOrThrow(TagRefSchema, body ?? {});
  return crmStore().tagContact(contactId, tagId, { actor: actorOf(caller), ifMatch });
}

export function untagContact(caller: Caller, contactId: string, tagId: string, ifMatch?: number) {
  return crmStore().untagContact(contactId, tagId, { actor: actorOf(caller), ifMatch });
}
