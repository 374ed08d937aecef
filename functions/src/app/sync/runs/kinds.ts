import type { LinkedAccountRecord } from '../../../domain/accounts/linkedAccount.js';
import type {
  AccountKind,
  KindSync,
  KindSyncContext,
  KindSyncResult,
  SyncSettings,
} from '../../../domain/sync/model.js';
import { syncActivities } from '../activities/syncActivities.js';
import { syncContacts } from '../contacts/syncContacts.js';
import type { RunError } from './runOutcome.js';

/**
 * Every kind the sync knows, in one table: what it needs to run for a user (configured, docs/behaviour.md#sync-settings;
 * permitted, the account was granted its scope, docs/behaviour.md#partial-grants) and the sync that runs it. The run
 * orchestration (runUserSync.ts) knows kinds only through this table, so adding a kind is: its name
 * in `SYNC_KINDS` and its settings in `SyncSettings` (domain/sync/model.ts), and one entry here.
 * Kind `mail` is not here: it syncs through the user's mailboxes, each with its own grant and
 * settings (docs/behaviour.md#mail), not through the linked account (runUserSync's `attemptMail`).
 */

export interface KindDefinition<Settings> {
  /** The capability of the linked account the kind needs (its OAuth scope was granted). */
  capability: keyof LinkedAccountRecord['capabilities'];
  /** What the user calls what this kind syncs, in messages ("contacts", "calendar"). */
  grantedData: string;
  /** Why the kind is not configured with these settings (a message for the user), or undefined. */
  notConfigured(settings: Settings): string | undefined;
}

export type KindSyncs = { [K in AccountKind]: KindSync<SyncSettings[K]> };

const KIND_DEFINITIONS: { [K in AccountKind]: KindDefinition<SyncSettings[K]> } = {
  contacts: {
    capability: 'contacts',
    grantedData: 'contacts',
    notConfigured: (settings) =>
      settings.tagId === null
        ? 'Contact sync is not configured: choose your personal tag in the sync settings.'
        : undefined,
  },
  activities: {
    capability: 'calendar',
    grantedData: 'calendar',
    notConfigured: (settings) =>
      settings.syncSince === null
        ? 'Activity sync is not configured: choose the date to sync from in the sync settings.'
        : undefined,
  },
};

export const KIND_SYNCS: KindSyncs = { contacts: syncContacts, activities: syncActivities };

/** Why `kind` is skipped for this user, or undefined when it runs. */
export function skipReason<K extends AccountKind>(
  kind: K,
  settings: SyncSettings,
  account: LinkedAccountRecord,
): RunError | undefined {
  const definition: KindDefinition<SyncSettings[K]> = KIND_DEFINITIONS[kind];
  const notConfigured = definition.notConfigured(settings[kind]);
  if (notConfigured) return { code: 'sync_not_configured', message: notConfigured };
  if (!account.capabilities[definition.capability]) {
    return {
      code: 'missing_scope',
      message: `The linked Google account did not grant access to its ${definition.grantedData}; link it again and allow it.`,
    };
  }
  return undefined;
}

/** Runs one kind's sync with the settings of that kind. */
export function runKind<K extends AccountKind>(
  syncs: KindSyncs,
  kind: K,
  settings: SyncSettings,
  context: Omit<KindSyncContext<unknown>, 'settings'>,
): Promise<KindSyncResult> {
  const sync: KindSync<SyncSettings[K]> = syncs[kind];
  return sync({ ...context, settings: settings[kind] });
}
