import type { LinkedAccountRecord } from '../accounts/linkedAccount.js';
import type { MailCounts } from '../mail/email.js';

/**
 * The shared vocabulary of a sync run (docs/behaviour.md#running-syncs, docs/api.md `SyncRun`, `SyncSettings`): what a run is,
 * what each kind's sync reports back, and what it is given to work with. The run orchestration
 * (app/sync/runs) and each kind's sync (app/sync/contacts, app/sync/activities) meet here.
 */

export const SYNC_KINDS = ['contacts', 'activities', 'mail'] as const;
export type SyncKind = (typeof SYNC_KINDS)[number];
/** The kinds that sync through the linked Google account; `mail` goes through mailboxes (docs/behaviour.md#mail). */
export const ACCOUNT_KINDS = ['contacts', 'activities'] as const;
export type AccountKind = (typeof ACCOUNT_KINDS)[number];
export const isAccountKind = (kind: SyncKind): kind is AccountKind => kind !== 'mail';

export const PERIOD_MINUTES = [5, 10, 15, 30, 60, 120, 240, 480, 720, 1440] as const;
export type PeriodMinutes = (typeof PERIOD_MINUTES)[number];

export interface ContactSyncSettings {
  autoSync: boolean;
  periodMinutes: PeriodMinutes;
  /** The user's personal tag; null when contact sync is not configured. */
  tagId: string | null;
}

export interface ActivitySyncSettings {
  autoSync: boolean;
  periodMinutes: PeriodMinutes;
  /** YYYY-MM-DD, read as 00:00 UTC; null when activity sync is not configured. */
  syncSince: string | null;
}

/** Stored at `users/{uid}` field `syncSettings` (deleting its tag turns contact sync off, app/crm/tags.ts). */
export interface SyncSettings {
  contacts: ContactSyncSettings;
  activities: ActivitySyncSettings;
}

export interface SyncSettingsView extends SyncSettings {
  /** RFC 3339 end of the last completed sync of each kind, or null. */
  lastSync: { contacts: string | null; activities: string | null };
}

/** Per-kind counters of a run (docs/api.md `SyncRun.counts`). */
export interface KindCounts {
  toGoogle: { created: number; updated: number; removed: number };
  /** `untagged` for contacts (docs/behaviour.md#contact-deletion), `canceled` for activities (docs/behaviour.md#activity-deletion). */
  toCrm: { created: number; updated: number; linked: number; untagged?: number; canceled?: number };
  unchanged: number;
}

export interface SyncConflict {
  kind: SyncKind;
  recordId: string;
  field: string;
  crmValue: unknown;
  googleValue: unknown;
  winner: 'crm' | 'google';
}

/** One record that could not be synced; the rest of the run goes on (and it is retried next run). */
export interface ItemError {
  kind: SyncKind;
  recordId?: string;
  code: string;
  message: string;
}

export type RunStatus = 'queued' | 'running' | 'succeeded' | 'partial' | 'failed';
export type RunTrigger = 'manual' | 'schedule';

export interface SyncRun {
  id: string;
  trigger: RunTrigger;
  kinds: SyncKind[];
  status: RunStatus;
  queuedAt: string;
  startedAt?: string;
  finishedAt?: string;
  counts: Partial<Record<AccountKind, KindCounts>> & { mail?: MailCounts };
  conflicts: SyncConflict[];
  errors: ItemError[];
  error?: { code: string; message: string };
}

/**
 * What one kind's sync is given. The orchestration resolved the linked account and checked that the
 * kind is configured and its capability granted; the kind's sync does everything else.
 */
export interface KindSyncContext<Settings> {
  uid: string;
  runId: string;
  account: LinkedAccountRecord;
  settings: Settings;
  /**
   * A valid access token (refreshed on demand). Throws ReauthRequiredError when Google refused the
   * refresh token: the kind's sync lets it propagate, the run fails with `reauth_required`.
   * `forceRefresh`: Google answered 401 to the previous token, get a new one.
   */
  accessToken(forceRefresh?: boolean): Promise<string>;
  /** Milliseconds since the epoch; tests move it. */
  now(): number;
  /**
   * The run's counts of this kind, live: a kind that counts into them as it works (KindReport does)
   * keeps what it did recorded even when it fails half-way (400 contacts created, then a fault).
   */
  counts?: KindCounts;
}

/** What one kind's sync reports. Throwing instead means the whole kind failed (cursors unchanged). */
export interface KindSyncResult {
  counts: KindCounts;
  conflicts: SyncConflict[];
  errors: ItemError[];
}

export type KindSync<Settings> = (context: KindSyncContext<Settings>) => Promise<KindSyncResult>;

/** Each kind's own CRM counter besides created/updated/linked (docs/behaviour.md#contact-deletion untagged, docs/behaviour.md#activity-deletion canceled). */
const OWN_CRM_COUNTER = { contacts: 'untagged', activities: 'canceled' } as const satisfies Record<
  AccountKind,
  keyof KindCounts['toCrm']
>;

export function emptyCounts(kind: AccountKind): KindCounts {
  return {
    toGoogle: { created: 0, updated: 0, removed: 0 },
    toCrm: { created: 0, updated: 0, linked: 0, [OWN_CRM_COUNTER[kind]]: 0 },
    unchanged: 0,
  };
}
