import { Timestamp, type Transaction } from '@google-cloud/firestore';
import {
  PERIOD_MINUTES,
  type PeriodMinutes,
  type SyncKind,
  type SyncSettings,
  type SyncSettingsView,
} from '../../domain/sync/model.js';
import { firestore } from './client.js';
import { USERS } from './syncStatePaths.js';

/**
 * A user's sync preferences at `users/{uid}`: field `syncSettings` (docs/behaviour.md#sync-settings; the only writer of it)
 * and field `syncLastCompleted.<kind>`, when each kind last completed.
 * Both are preferences and history, not account state: they stay when the account is removed.
 */

export const DEFAULT_PERIOD_MINUTES: PeriodMinutes = 60;

export const DEFAULT_SYNC_SETTINGS: SyncSettings = {
  contacts: { autoSync: false, periodMinutes: DEFAULT_PERIOD_MINUTES, tagId: null },
  activities: { autoSync: false, periodMinutes: DEFAULT_PERIOD_MINUTES, syncSince: null },
};

const userRef = (uid: string) => firestore().collection(USERS).doc(uid);

function period(value: unknown): PeriodMinutes {
  return PERIOD_MINUTES.includes(value as PeriodMinutes) ? (value as PeriodMinutes) : DEFAULT_PERIOD_MINUTES;
}

const stringOrNull = (value: unknown) => (typeof value === 'string' && value ? value : null);

/**
 * The stored settings with defaults for whatever is missing (a user who never saved any, or a
 * document another writer left partial). Sync needs a tag or a start date: without one the kind
 * is off whatever `autoSync` says.
 */
function settingsFrom(stored: unknown): SyncSettings {
  const raw = (stored ?? {}) as { contacts?: Record<string, unknown>; activities?: Record<string, unknown> };
  const tagId = stringOrNull(raw.contacts?.tagId);
  const syncSince = stringOrNull(raw.activities?.syncSince);
  return {
    contacts: {
      autoSync: raw.contacts?.autoSync === true && tagId !== null,
      periodMinutes: period(raw.contacts?.periodMinutes),
      tagId,
    },
    activities: {
      autoSync: raw.activities?.autoSync === true && syncSince !== null,
      periodMinutes: period(raw.activities?.periodMinutes),
      syncSince,
    },
  };
}

function lastSyncFrom(stored: unknown): SyncSettingsView['lastSync'] {
  const raw = (stored ?? {}) as Partial<Record<SyncKind, unknown>>;
  const at = (value: unknown) => (value instanceof Timestamp ? value.toDate().toISOString() : null);
  return { contacts: at(raw.contacts), activities: at(raw.activities) };
}

export async function readSyncSettings(uid: string): Promise<SyncSettingsView> {
  const data = (await userRef(uid).get()).data();
  return { ...settingsFrom(data?.syncSettings), lastSync: lastSyncFrom(data?.syncLastCompleted) };
}

/** The settings as `tx` reads them (so a write in the same transaction is ordered after them). */
export async function readSyncSettingsIn(tx: Transaction, uid: string): Promise<SyncSettings> {
  return settingsFrom((await tx.get(userRef(uid))).get('syncSettings'));
}

/** Replaces the whole `syncSettings` field (a PUT), leaving the rest of the user's document alone. */
export async function writeSyncSettings(uid: string, settings: SyncSettings): Promise<void> {
  await userRef(uid).set({ syncSettings: settings }, { mergeFields: ['syncSettings'] });
}

/** Turns contact sync off when it still names `tagId` (the tag went away while the settings were saved). */
export async function disableContactSyncOfTag(uid: string, tagId: string): Promise<boolean> {
  const db = firestore();
  return db.runTransaction(async (tx) => {
    const snapshot = await tx.get(userRef(uid));
    if (snapshot.get('syncSettings.contacts.tagId') !== tagId) return false;
    tx.update(userRef(uid), { 'syncSettings.contacts.autoSync': false, 'syncSettings.contacts.tagId': null });
    return true;
  });
}

/** The users whose contact sync names `tagId`. */
export async function usersSyncingContactsOfTag(tagId: string): Promise<string[]> {
  const users = await firestore().collection(USERS).where('syncSettings.contacts.tagId', '==', tagId).get();
  return users.docs.map((user) => user.id);
}

/** Records that `kind` completed at `at` (what `lastSync.<kind>` shows). */
export async function recordKindCompleted(uid: string, kind: SyncKind, at: Date): Promise<void> {
  await userRef(uid).set(
    { syncLastCompleted: { [kind]: Timestamp.fromDate(at) } },
    { mergeFields: [`syncLastCompleted.${kind}`] },
  );
}
