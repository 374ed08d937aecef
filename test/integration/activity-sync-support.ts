import assert from 'node:assert/strict';
import { linkedAccountOf } from '../../functions/src/adapters/firestore/accounts.js';
import { firestore } from '../../functions/src/adapters/firestore/client.js';
import { forgetAccessToken, getAccessToken } from '../../functions/src/app/accounts/accessTokens.js';
import { syncActivities } from '../../functions/src/app/sync/activities/syncActivities.js';
import type {
  ActivitySyncSettings,
  KindSyncContext,
  KindSyncResult,
} from '../../functions/src/domain/sync/model.js';
import { api, type Json } from '../support/api.js';
import type { TestStack } from '../support/stack.js';
import type { TestUser } from '../support/users.js';
import { control, link, nextConsentBy } from './linking-support.js';

/** Helpers of the activity sync suites: users with linked calendars, runs, both sides' views. */

export const SYNC_SINCE = '2030-01-01';

export interface CalendarUser extends TestUser {
  googleEmail: string;
  contactId: string;
}

let counter = 0;

/** Links a fresh emulated Google account to `user` and records in the settings that activity sync is on. */
export async function withCalendar(stack: TestStack, user: TestUser): Promise<CalendarUser> {
  counter += 1;
  const googleEmail = `cal${counter}-${Date.now()}@acme.test`;
  const me = await api(user, 'GET', '/me');
  assert.equal(me.status, 200);
  await nextConsentBy(stack, googleEmail);
  const { outcome } = await link(user);
  assert.equal(outcome.searchParams.get('link'), 'ok', outcome.toString());
  await firestore()
    .collection('users')
    .doc(user.uid)
    .set(
      { syncSettings: { activities: { autoSync: false, periodMinutes: 60, syncSince: SYNC_SINCE } } },
      { merge: true },
    );
  return { ...user, googleEmail, contactId: me.json.contactId };
}

/** What the run orchestration gives one activity sync run of `user`. */
export async function syncContext(
  user: TestUser,
  now: () => number = Date.now,
): Promise<KindSyncContext<ActivitySyncSettings>> {
  const account = await linkedAccountOf(user.uid);
  assert.ok(account, 'the user has a linked account');
  return {
    uid: user.uid,
    runId: `run-${Date.now()}`,
    account,
    settings: { autoSync: false, periodMinutes: 60, syncSince: SYNC_SINCE },
    accessToken: async (forceRefresh) => {
      if (forceRefresh) forgetAccessToken(user.uid);
      return (await getAccessToken(user.uid)).accessToken;
    },
    now,
  };
}

/** One activity sync run of `user`, called as the run orchestration calls it. */
export async function runSync(user: TestUser, now: () => number = Date.now): Promise<KindSyncResult> {
  return syncActivities(await syncContext(user, now));
}

/** The Calendar data calls the emulator answered for `email` since the log was last cleared, by method. */
export async function calendarCalls(stack: TestStack, email: string): Promise<Record<string, number>> {
  const { counts } = await control(stack).requests({ account: email });
  return Object.fromEntries(Object.entries(counts).filter(([method]) => method.startsWith('calendar.')));
}

/** The events on `email`'s primary calendar as the emulator holds them (cancelled ones included). */
export async function eventsOf(stack: TestStack, email: string): Promise<Json[]> {
  const dump = (await control(stack).dump()) as { calendar?: Record<string, { events: Json[] }> };
  return (dump.calendar?.[email]?.events ?? []).map((entry: Json) => entry.event);
}

export async function liveEventsOf(stack: TestStack, email: string): Promise<Json[]> {
  return (await eventsOf(stack, email)).filter((event) => event.status !== 'cancelled');
}

/** Every CRM activity (any time), as `user` sees them. */
export async function activities(user: TestUser): Promise<Json[]> {
  const reply = await api(user, 'GET', '/activities?pageSize=1000');
  assert.equal(reply.status, 200);
  return reply.json.items;
}

export async function createActivity(user: TestUser, body: Record<string, unknown>): Promise<Json> {
  const reply = await api(user, 'POST', '/activities', body);
  assert.equal(reply.status, 201, JSON.stringify(reply.json));
  return reply.json;
}

export async function patchActivity(user: TestUser, id: string, patch: Record<string, unknown>) {
  const reply = await api(user, 'PATCH', `/activities/${id}`, patch);
  assert.equal(reply.status, 200, JSON.stringify(reply.json));
  return reply.json;
}

export async function getActivity(user: TestUser, id: string): Promise<Json> {
  const reply = await api(user, 'GET', `/activities/${id}`);
  assert.equal(reply.status, 200, JSON.stringify(reply.json));
  return reply.json;
}
