import { firestore } from '../../adapters/firestore/client.js';
import { FirestoreCrmStore } from '../../adapters/firestore/crm/store.js';
import type { Caller } from '../../domain/auth/caller.js';
import type { Actor } from '../../domain/crm/common.js';
import type { CrmStore } from '../../ports/crmStore.js';

/** The deployment's CRM: Firestore by default (docs/architecture.md#overview); another CrmStore can be plugged in here. */
let store: CrmStore | undefined;

export function crmStore(): CrmStore {
  store ??= new FirestoreCrmStore(firestore());
  return store;
}

/** A signed-in caller of the API as the actor of CRM reads and writes. */
export function actorOf(caller: Caller): Actor {
  return { uid: caller.uid, admin: caller.admin, by: 'user' };
}
