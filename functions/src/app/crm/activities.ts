import type { Caller } from '../../domain/auth/caller.js';
import {
  type Activity,
  checkActivityPatch,
  parseNewActivity,
  parseRange,
} from '../../domain/crm/activity.js';
import { listScope, type Page, pageRequest } from '../../domain/crm/paging.js';
import type { Written } from '../../ports/crmStore.js';
import { actorOf, crmStore } from './store.js';

/** Activity use cases (docs/api.md). */

/** Creates an activity; without `organizerContactId` the caller's own contact organizes it. */
export async function createActivity(caller: Caller, body: unknown): Promise<Activity> {
  const input = parseNewActivity(body);
  const organizerContactId = input.organizerContactId ?? (await crmStore().ensureUserContact(caller)).id;
  return crmStore().createActivity({ ...input, organizerContactId }, { actor: actorOf(caller) });
}

export function getActivity(caller: Caller, id: string): Promise<Activity> {
  return crmStore().getActivity(id, actorOf(caller));
}

export function listActivities(caller: Caller, query: URLSearchParams): Promise<Page<Activity>> {
  const range = parseRange(query);
  return crmStore().listActivities(
    { ...pageRequest(query, listScope.activities(range)), range },
    actorOf(caller),
  );
}

export function updateActivity(
  caller: Caller,
  id: string,
  body: unknown,
  ifMatch?: number,
): Promise<Written<Activity>> {
  return crmStore().updateActivity(id, checkActivityPatch(body), { actor: actorOf(caller), ifMatch });
}

export function deleteActivity(caller: Caller, id: string, ifMatch?: number): Promise<void> {
  return crmStore().deleteActivity(id, { actor: actorOf(caller), ifMatch });
}
