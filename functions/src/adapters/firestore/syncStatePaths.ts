/**
 * Where per-account state lives in Firestore. The sync code reads and writes these names (and no
 * others), so that removing a linked account (docs/behaviour.md#removing-an-account) deletes exactly the state that belongs to
 * it: everything under the account's document, plus the per-user documents listed below.
 *
 *   users/{uid}/linkedAccounts/{accountId}                    the linked account (token sealed)
 *   users/{uid}/linkedAccounts/{accountId}/{ACCOUNT_SUBCOLLECTIONS.*}/{docId}
 *                                                             cursors, id mappings with base snapshots
 *   {USER_SYNC_STATE_COLLECTIONS.*}/{uid}                     automatic-sync state keyed by user
 *
 * Sync runs (`users/{uid}/syncRuns`) and the user's sync settings are history and preferences, not
 * account state: they stay when the account is removed; CRM data always stays.
 */

export const USERS = 'users';
export const LINKED_ACCOUNTS = 'linkedAccounts';

/** Subcollections of a linked account's document; all deleted with the account. */
export const ACCOUNT_SUBCOLLECTIONS = {
  /** Google sync tokens and CRM change cursors, one document per kind (`contacts`, `activities`). */
  cursors: 'syncCursors',
  /** CRM record ↔ Google resource links, one document per linked pair, with its base snapshot. */
  mappings: 'syncMappings',
  /** The account's Google contacts that no CRM contact is linked to, by email and CRM id (contact sync). */
  googleContactIndex: 'googleContactIndex',
} as const;

/**
 * Top-level collections whose document id is the user's uid and that hold automatic-sync state of
 * the user's (only) linked account: deleted with the account so the scheduler stops dispatching.
 */
export const USER_SYNC_STATE_COLLECTIONS = {
  /** When each kind is next due, for the `syncTick` fan-out query. */
  schedule: 'syncSchedule',
  /** The push notification channel(s) watching the account's primary calendar (docs/behaviour.md#near-real-time-calendar). */
  calendarWatch: 'calendarWatches',
  /** A run asked for after the user's current one (a calendar change arrived while it ran). */
  followUp: 'syncFollowUps',
} as const;

/**
 * Deployment-wide (not per account, so kept when an account is removed): one document per Google
 * meeting or occurrence (iCalUID + original start) naming the one CRM activity it is (docs/behaviour.md#events-from-google).
 */
export const ACTIVITY_EVENT_INDEX = 'activityEventIndex';

export const accountPath = (uid: string, accountId: string) =>
  `${USERS}/${uid}/${LINKED_ACCOUNTS}/${accountId}`;
export const accountsPath = (uid: string) => `${USERS}/${uid}/${LINKED_ACCOUNTS}`;
