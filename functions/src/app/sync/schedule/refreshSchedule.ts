import { linkedAccountOf } from '../../../adapters/firestore/accounts.js';
import { listMailboxes, type MailboxRecord } from '../../../adapters/firestore/mailboxes.js';
import { deriveScheduleFromSettings, type UserSchedule } from '../../../adapters/firestore/syncSchedule.js';
import { encodeSlot, slotOf } from '../../../core/schedule/slots.js';
import type { LinkedAccountRecord } from '../../../domain/accounts/linkedAccount.js';
import {
  ACCOUNT_KINDS,
  type AccountKind,
  type PeriodMinutes,
  type SyncSettings,
} from '../../../domain/sync/model.js';

/**
 * Keeps `syncSchedule/{uid}` in step with what should run automatically for the user (docs/behaviour.md#running-syncs):
 * a kind is scheduled when its autoSync is on, it is configured (contacts: a tag; activities: a
 * start date), and the linked account is active and granted the kind's capability. A
 * reauthorization-required account is never dispatched (docs/behaviour.md#reauthorization). Called after every change of
 * the settings or the account; the fan-out reads only the schedule.
 */

const CAPABILITY: Record<AccountKind, keyof LinkedAccountRecord['capabilities']> = {
  contacts: 'contacts',
  activities: 'calendar',
};

/** The schedule the user's settings and account call for; undefined when nothing runs automatically. */
export function scheduleFor(
  uid: string,
  settings: SyncSettings,
  account: LinkedAccountRecord | undefined,
  mailboxes: readonly MailboxRecord[] = [],
): UserSchedule | undefined {
  const slots: UserSchedule['slots'] = {};
  for (const kind of ACCOUNT_KINDS) {
    // The stored settings (syncSettings.ts) already turn autoSync off for a kind that is not configured.
    const { autoSync, periodMinutes } = settings[kind];
    if (account?.status === 'active' && autoSync && account.capabilities[CAPABILITY[kind]])
      slots[kind] = encodeSlot(slotOf(uid, periodMinutes));
  }
  // Mail runs as often as the most frequent of the user's automatic mailboxes asks (docs/behaviour.md#mail-import);
  // a mailbox that needs reauthorization is not dispatched, like an account (docs/behaviour.md#mail-faults).
  const mailPeriods = mailboxes
    .filter((m) => m.autoSync && m.status === 'active')
    .map((m) => m.periodMinutes);
  if (mailPeriods.length) slots.mail = encodeSlot(slotOf(uid, Math.min(...mailPeriods) as PeriodMinutes));
  // The client id lets the fan-out skip accounts of an OAuth app that is no longer in force (docs/behaviour.md#oauth-apps).
  return Object.keys(slots).length ? { slots, clientId: account?.clientId ?? '' } : undefined;
}

/** Retries when the account changed while the schedule was being written; a bound against livelock. */
const MAX_ATTEMPTS = 5;

const accountVersion = (account: LinkedAccountRecord | undefined) =>
  account ? `${account.id}@${account.updatedAt.getTime()}` : 'none';

export async function refreshSyncSchedule(uid: string): Promise<void> {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
    const [account, mailboxes] = await Promise.all([linkedAccountOf(uid), listMailboxes(uid)]);
    await deriveScheduleFromSettings(uid, (settings) => scheduleFor(uid, settings, account, mailboxes));
    // The settings are read inside the write's transaction; the account is not (it is found by a
    // query in another module). A write based on an account that changed meanwhile is redone, so
    // of two racing refreshes the one that writes last always wrote the latest account's state.
    if (accountVersion(await linkedAccountOf(uid)) === accountVersion(account)) return;
  }
}
