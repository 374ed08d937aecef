import type { ActivitySyncState, EventIndex } from '../../../adapters/firestore/activitySyncState.js';
import type { CalendarApi } from '../../../adapters/google/calendar.js';
import type { SyncWindow } from '../../../core/sync/activities/plan.js';
import type { LinkedAccountRecord } from '../../../domain/accounts/linkedAccount.js';
import type { Actor } from '../../../domain/crm/common.js';
import type { CrmStore } from '../../../ports/crmStore.js';
import type { KindReport } from '../runs/kindReport.js';

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
  /** Counts, conflicts and item errors; once an item failed, no cursor moves past it in this run. */
  report: KindReport;
}
