import type { ActivitySyncState, EventIndex } from '../../../adapters/firestore/activitySyncState.js';
import { GoogleApiFailure } from '../../../adapters/google/apiErrors.js';
import type { CalendarApi } from '../../../adapters/google/calendar.js';
import type { SyncField } from '../../../core/sync/activities/fields.js';
import type { SyncWindow } from '../../../core/sync/activities/plan.js';
import type { FieldConflict } from '../../../core/sync/merge.js';
import type { LinkedAccountRecord } from '../../../domain/accounts/linkedAccount.js';
import type { Actor } from '../../../domain/crm/common.js';
import { emptyCounts, type KindSyncResult } from '../../../domain/sync/model.js';
import { AppError } from '../../../errors.js';
import { log } from '../../../logging.js';
import type { CrmStore } from '../../../ports/crmStore.js';
import { ReauthRequiredError } from '../../accounts/accessTokens.js';

/** Everything one activity sync run works with, and what it has done so far. */
export interface ActivityRun {
  uid: string;
  account: LinkedAccountRecord;
  crm: CrmStore;
  /** The sync's own writes: skipped in this user's change feed (no ping-pong). */
  actor: Actor;
  state: ActivitySyncState;
  index: EventIndex;
  calendar: CalendarApi;
  window: SyncWindow;
  /** This user's own CRM contact and the addresses that identify them as organizer or attendee. */
  me: { contactId: string; emails: Set<string> };
  result: KindSyncResult;
  /** Set once an item failed: cursors must not move past it any more in this run. */
  failed: boolean;
}

export function emptyResult(): KindSyncResult {
  return { counts: emptyCounts('activities'), conflicts: [], errors: [] };
}

export function recordConflicts(run: ActivityRun, activityId: string, conflicts: FieldConflict<SyncField>[]) {
  for (const conflict of conflicts)
    run.result.conflicts.push({ kind: 'activities', recordId: activityId, ...conflict });
}

/**
 * Faults that stop the whole kind rather than one item: the account lost its grant, Google refuses
 * every call for now, or the calendar scope is gone. Going on would only fail every other item too.
 */
function isRunFault(error: unknown): boolean {
  if (error instanceof ReauthRequiredError) return true;
  if (error instanceof GoogleApiFailure)
    return ['rate_limited', 'unavailable', 'unauthorized', 'forbidden', 'sync_token_expired'].includes(
      error.kind,
    );
  return false;
}

/**
 * Runs the work of one record; a failure of that record alone becomes an ItemError, marks the run
 * so that no cursor passes it, and the run goes on (SPEC §3.6; GUIDE §1: collect errors per item).
 */
export async function perItem(run: ActivityRun, recordId: string, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    if (isRunFault(error)) throw error;
    run.failed = true;
    const code =
      error instanceof AppError ? error.code : error instanceof GoogleApiFailure ? error.kind : 'internal';
    const message = error instanceof Error ? error.message : String(error);
    log.warn('an activity could not be synced; it is retried next run', { uid: run.uid, recordId, code });
    run.result.errors.push({ kind: 'activities', recordId, code, message });
  }
}
