import type { LinkedAccountRecord } from '../../../domain/accounts/linkedAccount.js';
import type { ActivitySyncSettings } from '../../../domain/sync/model.js';

/**
 * True when a user with these activity settings and linked accounts has their activity sync
 * configured (a start date, and an account that granted the calendar): that user's own sync exports
 * the meetings they organize (docs/behaviour.md#activity-organizer), so no one else's run does.
 */
export function syncsActivities(
  settings: ActivitySyncSettings,
  accounts: readonly Pick<LinkedAccountRecord, 'capabilities'>[],
): boolean {
  return settings.syncSince !== null && accounts.some((account) => account.capabilities.calendar);
}
