import type { Caller } from '../../domain/auth/caller.js';
import { listScope, pageRequest } from '../../domain/crm/paging.js';
import { parseNewTag, type StoredTag } from '../../domain/crm/tag.js';
import { turnOffContactSyncOfDeletedTag } from '../sync/settings/syncSettings.js';
import { actorOf, crmStore } from './store.js';

/** Tag use cases (docs/api.md): personal tags for anyone, corporate/public ones for administrators. */

export function createTag(caller: Caller, body: unknown): Promise<StoredTag> {
  return crmStore().createTag(parseNewTag(body, caller), { actor: actorOf(caller) });
}

export function getTag(caller: Caller, id: string): Promise<StoredTag> {
  return crmStore().getTag(id, actorOf(caller));
}

export function listTags(caller: Caller, query: URLSearchParams) {
  return crmStore().listTags(pageRequest(query, listScope.tags()), actorOf(caller));
}

/**
 * Deletes the tag in the CRM, then turns off the contact sync that used it (docs/api.md). The sync
 * settings are not the CRM's, so the store leaves them alone and this use case asks their owner.
 */
export async function deleteTag(caller: Caller, id: string, ifMatch?: number): Promise<void> {
  await crmStore().deleteTag(id, { actor: actorOf(caller), ifMatch });
  await turnOffContactSyncOfDeletedTag(id);
}
