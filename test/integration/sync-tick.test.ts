import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { firestore } from '../../functions/src/adapters/firestore/client.js';
import { claimMinutes, readSchedule } from '../../functions/src/adapters/firestore/syncSchedule.js';
import { forgetAccessToken, getAccessToken } from '../../functions/src/app/accounts/accessTokens.js';
import { tickClock } from '../../functions/src/app/sync/schedule/clock.js';
import { DEFAULT_CLAIM_POLICY, fanOutDueUsers } from '../../functions/src/app/sync/schedule/fanOut.js';
import { refreshSyncSchedule } from '../../functions/src/app/sync/schedule/refreshSchedule.js';
import { MINUTE_MS, slotOf } from '../../functions/src/core/schedule/slots.js';
import type { SyncRequest } from '../../functions/src/domain/sync/messages.js';
import type { SyncKind } from '../../functions/src/domain/sync/model.js';
import { api, callApi } from '../support/api.js';
import type { TestStack } from '../support/stack.js';
import { createUser, type TestUser } from '../support/users.js';
import {
  accountsOf,
  assertOutcome,
  CLIENT_ID,
  CLIENT_SECRET,
  CONTACTS,
  control,
  link,
  OTHER_CLIENT_ID,
  OTHER_CLIENT_SECRET,
  resetToConfiguredApp,
  saveSettings,
  suiteUsers,
} from './linking-support.js';
import { collectPublished, deleteSyncTickJob, type PublishedRequests } from './sync-tick-support.js';

/** A minute far from now, so nothing else's time interferes: 2030-01-01T00:00Z. */
const M0 = Date.UTC(2030, 0, 1) / MINUTE_MS;

interface KindSetting {
  autoSync?: boolean;
  periodMinutes?: number;
}

/** What the sync-settings API stores, then the refresh it triggers. */
async function setSyncSettings(
  user: TestUser,
  settings: {
    contacts?: KindSetting & { tagId?: string | null };
    activities?: KindSetting & { syncSince?: string | null };
  },
): Promise<void> {
  await firestore()
    .collection('users')
    .doc(user.uid)
    .set({
      syncSettings: {
        contacts: { autoSync: false, periodMinutes: 60, tagId: null, ...settings.contacts },
        activities: { autoSync: false, periodMinutes: 60, syncSince: null, ...settings.activities },
      },
    });
  await refreshSyncSchedule(user.uid);
}

const contactsEvery = (periodMinutes: number) => ({ autoSync: true, periodMinutes, tagId: 'tag-1' });
const activitiesEvery = (periodMinutes: number) => ({
  autoSync: true,
  periodMinutes,
  syncSince: '2024-01-01',
});

/** POST /syncTick as Cloud Scheduler does, at `minute` (+ seconds). */
async function tick(minute: number, seconds = 2): Promise<number> {
  tickClock.now = () => minute * MINUTE_MS + seconds * 1000;
  const reply = await callApi('POST', '/syncTick');
  assert.equal(reply.status, 200, JSON.stringify(reply.json));
  return (reply.json as { dispatched: number }).dispatched;
}

/** The due minutes of `uid`'s kind with `period` in [first, last]. */
function dueMinutes(uid: string, period: number, first: number, last: number): number[] {
  const { phase } = slotOf(uid, period);
  const minutes: number[] = [];
  for (let minute = first; minute <= last; minute += 1) if (minute % period === phase) minutes.push(minute);
  return minutes;
}

/** The messages a user should get: its kinds' due minutes merged, both kinds in one when they coincide. */
function expectedRequests(
  uid: string,
  kinds: Partial<Record<SyncKind, number>>,
  first: number,
  last: number,
): SyncRequest[] {
  const byMinute = new Map<number, SyncKind[]>();
  for (const kind of ['contacts', 'activities'] as const) {
    const period = kinds[kind];
    if (period === undefined) continue;
    for (const minute of dueMinutes(uid, period, first, last))
      byMinute.set(minute, [...(byMinute.get(minute) ?? []), kind]);
  }
  return [...byMinute].map(([dueMinute, due]) => ({ trigger: 'schedule', uid, kinds: due, dueMinute }));
}

const sorted = (requests: SyncRequest[]) =>
  [...requests].sort((a, b) =>
    a.uid === b.uid
      ? 'dueMinute' in a && 'dueMinute' in b
        ? a.dueMinute - b.dueMinute
        : 0
      : a.uid < b.uid
        ? -1
        : 1,
  );

describe('syncTick: the automatic-sync fan-out', function () {
  this.timeout(300_000);
  let stack: TestStack;
  let admin: TestUser;
  let alice: TestUser;
  let bob: TestUser;
  let published: PublishedRequests;
  const realNow = tickClock.now;

  before(async () => {
    ({ stack, admin, user: alice, other: bob } = await suiteUsers());
    // Ticks in these tests come from the test alone, never from the Scheduler emulator's real clock.
    await deleteSyncTickJob(stack);
  });

  beforeEach(async () => {
    await resetToConfiguredApp(stack, admin);
    published = await collectPublished(stack);
  });

  afterEach(async () => {
    tickClock.now = realNow;
    await published.close();
  });

  it('when ticks run every minute, then each due user gets exactly one message per period, both kinds in one when they coincide', async () => {
    assertOutcome((await link(alice)).outcome, { link: 'ok' });
    assertOutcome((await link(bob)).outcome, { link: 'ok' });
    await setSyncSettings(alice, { contacts: contactsEvery(5), activities: activitiesEvery(15) });
    await setSyncSettings(bob, { activities: activitiesEvery(10) });

    let dispatched = 0;
    for (let minute = M0; minute < M0 + 31; minute += 1) dispatched += await tick(minute);

    const expected = [
      ...expectedRequests(alice.uid, { contacts: 5, activities: 15 }, M0, M0 + 30),
      ...expectedRequests(bob.uid, { activities: 10 }, M0, M0 + 30),
    ];
    const received = await published.drain();
    assert.deepEqual(sorted(received), sorted(expected));
    assert.equal(dispatched, expected.length, 'the answers count what was published');
    assert.ok(
      received.some((request) => request.trigger === 'schedule' && request.kinds.length === 2),
      "alice's two kinds share her phase: every 15 minutes they travel together",
    );
  });

  it('when ticks overlap, are retried or are missed, then each user is still dispatched once per due minute', async () => {
    assertOutcome((await link(alice)).outcome, { link: 'ok' });
    assertOutcome((await link(bob)).outcome, { link: 'ok' });
    await setSyncSettings(alice, { contacts: contactsEvery(15) });
    await setSyncSettings(bob, { contacts: contactsEvery(30), activities: activitiesEvery(30) });

    let dispatched = 0;
    let lastTicked = M0;
    for (let minute = M0; minute <= M0 + 60; minute += (minute - M0) % 11 === 4 ? 5 : 1) {
      // Every 11 minutes, four ticks are missed (less than any period here).
      const offset = minute - M0;
      if (offset % 7 === 3) {
        // Three deliveries of the same tick at once (Scheduler retries, overlapping instances).
        const answers = await Promise.all([tick(minute, 1), tick(minute, 2), tick(minute, 3)]);
        dispatched += answers.reduce((sum, count) => sum + count, 0);
      } else {
        dispatched += await tick(minute);
        // A retry of the tick later in the same minute finds nothing left to do.
        if (offset % 5 === 0) assert.equal(await tick(minute, 50), 0);
      }
      lastTicked = minute;
    }
    const expected = [
      ...expectedRequests(alice.uid, { contacts: 15 }, M0, lastTicked),
      ...expectedRequests(bob.uid, { contacts: 30, activities: 30 }, M0, lastTicked),
    ];
    const received = await published.drain();
    assert.deepEqual(sorted(received), sorted(expected));
    assert.equal(dispatched, expected.length);
  });

  it('when ticks were missed for hours, then the next tick dispatches each user once, at their latest due minute', async () => {
    assertOutcome((await link(alice)).outcome, { link: 'ok' });
    await setSyncSettings(alice, { contacts: contactsEvery(5), activities: activitiesEvery(60) });
    assert.equal(await tick(M0), expectedRequests(alice.uid, { contacts: 5, activities: 60 }, M0, M0).length);
    await published.drain();

    const resumed = M0 + 3 * 60;
    assert.equal(await tick(resumed), 1);
    const received = await published.drain();
    const lastContacts = dueMinutes(alice.uid, 5, M0 + 1, resumed).at(-1) ?? 0;
    const lastActivities = dueMinutes(alice.uid, 60, M0 + 1, resumed).at(-1) ?? 0;
    assert.deepEqual(received, [
      {
        trigger: 'schedule',
        uid: alice.uid,
        kinds: ['contacts', 'activities'],
        dueMinute: Math.max(lastContacts, lastActivities),
      },
    ]);
  });

  it('when a tick dies after claiming its minutes, then a later tick redoes exactly that claim once the lease ran out', async () => {
    assertOutcome((await link(alice)).outcome, { link: 'ok' });
    await setSyncSettings(alice, { contacts: contactsEvery(5) });
    const [due] = dueMinutes(alice.uid, 5, M0 + 1, M0 + 5);
    assert.ok(due !== undefined);
    await tick(M0);
    await published.drain();

    // A tick claims the minutes up to `due` and dies before publishing anything.
    const claimedAt = due * MINUTE_MS + 1000;
    const decision = await claimMinutes(claimedAt, DEFAULT_CLAIM_POLICY, randomUUID());
    assert.deepEqual(decision, { action: 'claim', range: { first: M0 + 1, last: due }, redo: false });

    // While its lease lasts, the next ticks leave the claim alone.
    assert.equal(await tick(due + 1), 0);
    assert.deepEqual(await published.drain(), []);

    // After the lease, one tick redoes the claim (and then dispatches the minutes since).
    const after = due + DEFAULT_CLAIM_POLICY.leaseMs / MINUTE_MS;
    const dispatched = await tick(after, 30);
    const received = await published.drain();
    assert.deepEqual(sorted(received), sorted(expectedRequests(alice.uid, { contacts: 5 }, M0 + 1, after)));
    assert.equal(dispatched, received.length);
    assert.equal(await tick(after, 40), 0, 'then everything is done');
  });

  it('when publishing fails, then the tick fails, gives its claim up, and the next tick publishes the same requests', async () => {
    assertOutcome((await link(alice)).outcome, { link: 'ok' });
    await setSyncSettings(alice, { contacts: contactsEvery(5) });
    const [due] = dueMinutes(alice.uid, 5, M0, M0 + 4);
    assert.ok(due !== undefined);
    await tick(due - 1);

    const attempted: SyncRequest[] = [];
    await assert.rejects(
      fanOutDueUsers({
        nowMs: due * MINUTE_MS,
        publish: async (requests) => {
          attempted.push(...requests);
          throw new Error('Pub/Sub is down');
        },
      }),
      /Pub\/Sub is down/,
    );
    assert.equal(await tick(due, 20), 1, 'redone at once, without waiting for the lease');
    const received = await published.drain();
    assert.deepEqual(received, attempted, 'the same request: syncUser runs it once whichever arrives');
  });

  it('when a user has no active, capable, configured account, then nothing is dispatched for them', async () => {
    const carol = await createUser(stack);
    const dave = await createUser(stack);
    const erin = await createUser(stack);
    assertOutcome((await link(alice)).outcome, { link: 'ok' });
    assertOutcome((await link(carol)).outcome, { link: 'ok' });
    assertOutcome((await link(dave)).outcome, { link: 'ok' });
    await control(stack).queueConsent({ action: 'grant', scopes: [CONTACTS] });
    assertOutcome((await link(erin)).outcome, {
      link: 'ok',
      missing: 'https://www.googleapis.com/auth/calendar.events',
    });

    await setSyncSettings(alice, { contacts: contactsEvery(5) }); // the control: dispatched
    await setSyncSettings(bob, { contacts: contactsEvery(5) }); // no linked account
    await setSyncSettings(carol, { contacts: { ...contactsEvery(5), autoSync: false } }); // autoSync off
    await setSyncSettings(dave, {
      contacts: { autoSync: true, periodMinutes: 5, tagId: null }, // no personal tag
      activities: { autoSync: true, periodMinutes: 5, syncSince: null }, // no start date
    });
    await setSyncSettings(erin, { contacts: contactsEvery(5), activities: activitiesEvery(5) }); // no calendar

    for (const user of [bob, carol, dave]) assert.equal(await readSchedule(user.uid), undefined, user.email);
    for (let minute = M0; minute < M0 + 5; minute += 1) await tick(minute);
    const received = sorted(await published.drain());
    assert.deepEqual(
      received,
      sorted([
        ...expectedRequests(alice.uid, { contacts: 5 }, M0, M0 + 4),
        ...expectedRequests(erin.uid, { contacts: 5 }, M0, M0 + 4),
      ]),
    );
  });

  it('when Google refuses the refresh token, then the account is no longer dispatched, and again after relinking', async () => {
    assertOutcome((await link(alice)).outcome, { link: 'ok' });
    await setSyncSettings(alice, { contacts: contactsEvery(5) });
    assert.ok(await readSchedule(alice.uid));

    await control(stack).revokeGrant(alice.email);
    forgetAccessToken(alice.uid);
    await assert.rejects(getAccessToken(alice.uid));
    assert.equal((await accountsOf(alice))[0]?.status, 'reauthRequired');
    assert.equal(await readSchedule(alice.uid), undefined, 'out of the schedule');
    for (let minute = M0; minute < M0 + 5; minute += 1) await tick(minute);
    assert.deepEqual(await published.drain(), []);

    assertOutcome((await link(alice)).outcome, { link: 'ok' });
    for (let minute = M0 + 5; minute < M0 + 10; minute += 1) await tick(minute);
    assert.deepEqual(await published.drain(), expectedRequests(alice.uid, { contacts: 5 }, M0 + 5, M0 + 9));
  });

  it('when the administrator switches to another OAuth app, then accounts of the old one are not dispatched until relinked', async () => {
    assertOutcome((await link(alice)).outcome, { link: 'ok' });
    assertOutcome((await link(bob)).outcome, { link: 'ok' });
    await setSyncSettings(alice, { contacts: contactsEvery(5) });
    await setSyncSettings(bob, { contacts: contactsEvery(5) });
    await saveSettings(admin, { clientId: OTHER_CLIENT_ID, clientSecret: OTHER_CLIENT_SECRET });
    assertOutcome((await link(alice)).outcome, { link: 'ok' });

    for (let minute = M0; minute < M0 + 5; minute += 1) await tick(minute);
    assert.deepEqual(await published.drain(), expectedRequests(alice.uid, { contacts: 5 }, M0, M0 + 4));

    // Switching back makes bob's account usable again, and alice's new one not.
    await saveSettings(admin, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
    for (let minute = M0 + 5; minute < M0 + 10; minute += 1) await tick(minute);
    assert.deepEqual(await published.drain(), expectedRequests(bob.uid, { contacts: 5 }, M0 + 5, M0 + 9));
  });

  it("when the tag a user's contact sync uses is deleted, then only contact sync leaves the schedule", async () => {
    assertOutcome((await link(alice)).outcome, { link: 'ok' });
    assertOutcome((await link(bob)).outcome, { link: 'ok' });
    const aliceTag = await api(alice, 'POST', '/tags', { name: 'Mine', type: 'personal' });
    const bobTag = await api(bob, 'POST', '/tags', { name: 'Mine', type: 'personal' });
    assert.equal(aliceTag.status, 201);
    await setSyncSettings(alice, {
      contacts: { ...contactsEvery(5), tagId: aliceTag.json.id },
      activities: activitiesEvery(5),
    });
    await setSyncSettings(bob, { contacts: { ...contactsEvery(5), tagId: bobTag.json.id } });

    assert.equal((await api(alice, 'DELETE', `/tags/${aliceTag.json.id}`)).status, 204);
    assert.equal((await api(bob, 'DELETE', `/tags/${bobTag.json.id}`)).status, 204);
    assert.deepEqual((await readSchedule(alice.uid))?.slots, {
      activities: `5:${slotOf(alice.uid, 5).phase}`,
    });
    assert.equal(await readSchedule(bob.uid), undefined, 'nothing left to schedule for bob');

    for (let minute = M0; minute < M0 + 5; minute += 1) await tick(minute);
    assert.deepEqual(await published.drain(), expectedRequests(alice.uid, { activities: 5 }, M0, M0 + 4));
  });

  it('when the user removes the account, then automatic sync stops', async () => {
    assertOutcome((await link(alice)).outcome, { link: 'ok' });
    await setSyncSettings(alice, { contacts: contactsEvery(5) });
    const [account] = await accountsOf(alice);
    assert.equal((await api(alice, 'DELETE', `/me/accounts/${account?.id}`)).status, 204);
    for (let minute = M0; minute < M0 + 5; minute += 1) await tick(minute);
    assert.deepEqual(await published.drain(), []);
  });

  it('when Cloud Scheduler posts a JSON body or none, then both are accepted; other methods are refused', async () => {
    tickClock.now = () => M0 * MINUTE_MS;
    const empty = await callApi('POST', '/syncTick');
    assert.deepEqual([empty.status, empty.json], [200, { dispatched: 0 }]);
    const json = await callApi('POST', '/syncTick', { body: { scheduled: true } });
    assert.deepEqual([json.status, json.json], [200, { dispatched: 0 }]);
    assert.equal((await callApi('GET', '/syncTick')).status, 405);
  });
});
