import type { LinkedAccountRecord } from '../../../domain/accounts/linkedAccount.js';
import type {
  ActivitySyncSettings,
  ContactSyncSettings,
  KindSync,
  KindSyncContext,
  KindSyncResult,
  SyncKind,
  SyncSettings,
} from '../../../domain/sync/model.js';
import { syncActivities } from '../activities/syncActivities.js';
import { syncContacts } from '../contacts/syncContacts.js';
import type { RunError } from './runOutcome.js';

/**
 * Each kind's sync, and whether it may run for this user: configured (SPEC §3.3: contacts need the
 * personal tag, activities a start date) and permitted (the account was granted its scope, §3.2.4).
 */

export interface KindSyncs {
  contacts: KindSync<ContactSyncSettings>;
  activities: KindSync<ActivitySyncSettings>;
}

export const KIND_SYNCS: KindSyncs = { contacts: syncContacts, activities: syncActivities };

const CAPABILITY = { contacts: 'contacts', activities: 'calendar' } as const;

/** Why `kind` is skipped for this user, or undefined when it runs. */
export function skipReason(
  kind: SyncKind,
  settings: SyncSettings,
  account: LinkedAccountRecord,
): RunError | undefined {
  if (kind === 'contacts' && settings.contacts.tagId === null) {
    return {
      code: 'sync_not_configured',
      message: 'Contact sync is not configured: choose your personal tag in the sync settings.',
    };
  }
  if (kind === 'activities' && settings.activities.syncSince === null) {
    return {
      code: 'sync_not_configured',
      message: 'Activity sync is not configured: choose the date to sync from in the sync settings.',
    };
  }
  if (!account.capabilities[CAPABILITY[kind]]) {
    return {
      code: 'missing_scope',
      message: `The linked Google account did not grant access to its ${kind === 'contacts' ? 'contacts' : 'calendar'}; link it again and allow it.`,
    };
  }
  return undefined;
}

/** Runs one kind's sync with the settings of that kind. */
export function runKind(
  syncs: KindSyncs,
  kind: SyncKind,
  settings: SyncSettings,
  context: Omit<KindSyncContext<unknown>, 'settings'>,
): Promise<KindSyncResult> {
  return kind === 'contacts'
    ? syncs.contacts({ ...context, settings: settings.contacts })
    : syncs.activities({ ...context, settings: settings.activities });
}
