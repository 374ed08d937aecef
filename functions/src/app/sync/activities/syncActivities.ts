import { ActivitySyncState, EventIndex } from '../../../adapters/firestore/activitySyncState.js';
import { firestore } from '../../../adapters/firestore/client.js';
import { GoogleApiCaller } from '../../../adapters/google/apiCaller.js';
import { CalendarApi } from '../../../adapters/google/calendar.js';
import type { ActivitySyncSettings, KindSync, KindSyncContext } from '../../../domain/sync/model.js';
import { crmStore } from '../../crm/store.js';
import { KindReport } from '../runs/kindReport.js';
import { pullFromGoogle } from './pullFromGoogle.js';
import { pushToGoogle } from './pushToGoogle.js';
import { rollWindow, windowUntil } from './rollingWindow.js';
import type { ActivityRun } from './run.js';
import { sweepUnlisted } from './sweepUnlisted.js';

/**
 * The two-way sync of CRM activities with the user's primary Google Calendar (docs/behaviour.md#activities): Google's
 * changes first (so that a record changed on both sides is merged once, with both sides' latest
 * values), then the CRM's. A run with no changes costs one Calendar call: events.list with the sync
 * token (the CRM feed is a Firestore read).
 */
export const syncActivities: KindSync<ActivitySyncSettings> = async (context) =>
  runActivitySync(await startRun(context), context.now());

/** The run's steps, over what startRun gathered (tests run them over a Google that misbehaves). */
export async function runActivitySync(run: ActivityRun, now: number) {
  const stored = (await run.state.cursor()).windowUntil;
  const window = windowUntil(stored, now);
  run.window.until = window.until;
  await pullFromGoogle(run);
  await sweepUnlisted(run);
  if (window.roll && stored !== undefined) await rollWindow(run, stored);
  if (!run.report.holdsCursor && window.until !== stored)
    await run.state.saveCursor({ windowUntil: window.until });
  await pushToGoogle(run);
  return run.report.result();
}

export async function startRun(context: KindSyncContext<ActivitySyncSettings>): Promise<ActivityRun> {
  const { uid, account, settings } = context;
  if (!settings.syncSince) throw new Error('activity sync started without syncSince');
  const db = firestore();
  const crm = crmStore();
  const caller = new GoogleApiCaller((forceRefresh) => context.accessToken(forceRefresh), {
    now: context.now,
  });
  const own = await crm.ensureUserContact({ uid, email: account.email });
  return {
    uid,
    account,
    crm,
    actor: { uid, admin: false, by: 'sync' },
    state: new ActivitySyncState(db, uid, account.id),
    index: new EventIndex(db),
    calendar: new CalendarApi(caller),
    window: { since: Date.parse(`${settings.syncSince}T00:00:00Z`), until: Number.POSITIVE_INFINITY },
    me: {
      contactId: own.id,
      emails: new Set([account.email, ...own.emails.map((e) => e.address)].map((e) => e.toLowerCase())),
    },
    report: new KindReport('activities', uid, context.counts),
  };
}
