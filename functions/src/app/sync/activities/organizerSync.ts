import { listAccounts } from '../../../adapters/firestore/accounts.js';
import { readSyncSettings } from '../../../adapters/firestore/syncSettings.js';
import { syncsActivities } from '../../../core/sync/activities/organizer.js';
import type { CrmStore } from '../../../ports/crmStore.js';

/**
 * True when `contactId` is the own contact of a CRM user whose activity sync is configured: that
 * user's sync exports their meetings (docs/behaviour.md#activity-organizer). A few reads, made only for activities not
 * linked yet.
 */
export async function organizerSyncsActivities(crm: CrmStore, contactId: string): Promise<boolean> {
  const uid = await crm.userOwningContact(contactId);
  if (!uid) return false;
  const [settings, accounts] = await Promise.all([readSyncSettings(uid), listAccounts(uid)]);
  return syncsActivities(settings.activities, accounts);
}
