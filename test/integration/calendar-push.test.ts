import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'mocha';
import {
  readCalendarWatch,
  saveBackfillState,
} from '../../functions/src/adapters/firestore/calendarWatches.js';
import { firestore } from '../../functions/src/adapters/firestore/client.js';
import { renewCalendarWatches } from '../../functions/src/app/calendarPush/renewWatches.js';
import { RENEW_BEFORE_MS } from '../../functions/src/app/calendarPush/watchCalendar.js';
import type { KindSyncs } from '../../functions/src/app/sync/runs/kinds.js';
import { runUserSync } from '../../functions/src/app/sync/runs/runUserSync.js';
import { emptyCounts, type KindSync } from '../../functions/src/domain/sync/model.js';
import { wirePubSubPush } from '../../scripts/local/wiring.js';
import { api, callApi, type Json } from '../support/api.js';
import type { TestStack } from '../support/stack.js';
import type { TestUser } from '../support/users.js';
import { activities } from './activity-sync-support.js';
import { control, link, resetToConfiguredApp, suiteUsers } from './linking-support.js';
import {
  ensureSyncTopic,
  linkGoogleAccount,
  pausePushDelivery,
  putSyncSettings,
  SyncRequestTap,
} from './sync-support.js';

/**
 * Near-real-time calendar (docs/behaviour.md#near-real-time-calendar): the channel opened at linking, Google's notifications at
 * `calendarWebhook`, coalesced runs, renewal by `syncTick`, and stopping on removal and relinking —
 * against the Google emulator's own push delivery (https://developers.google.com/calendar/api/guides/push).
 */

const ACTIVITIES_ON = {
  contacts: { autoSync: false, periodMinutes: 60, tagId: null },
  activities: { autoSync: true, periodMinutes: 60, syncSince: '2030-01-01' },
};

const event = (summary: string, day = 10) => ({
  summary,
  start: { dateTime: `2030-05-${day}T10:00:00Z` },
  end: { dateTime: `2030-05-${day}T11:00:00Z` },
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

function notify(headers: Record<string, string>) {
  return callApi('POST', '/calendarWebhook', { headers });
}

/** Google's headers announcing a change on `channel` (message number `n`). */
const changed = (channel: { id: string; token?: string }, n = 2) => ({
  'x-goog-channel-id': channel.id,
  'x-goog-channel-token': channel.token ?? '',
  'x-goog-resource-state': 'exists',
  'x-goog-message-number': String(n),
});

describe('Near-real-time calendar: watch channels and calendarWebhook', function () {
  this.timeout(120_000);
  let stack: TestStack;
  let admin: TestUser;
  let user: TestUser;

  before(async () => {
    ({ stack, admin, user } = await suiteUsers());
  });

  beforeEach(async () => {
    await resetToConfiguredApp(stack, admin);
    await ensureSyncTopic(stack);
  });

  /** The channels the emulator holds for `email`, live ones only. */
  async function liveChannels(email: string) {
    return (await control(stack).pushChannels()).filter((c) => c.ownerEmail === email && !c.stopped);
  }

  async function linkWithCalendar(): Promise<void> {
    await linkGoogleAccount(stack, user);
    await putSyncSettings(user, ACTIVITIES_ON);
  }

  describe('channels', () => {
    it('when a user links, then their primary calendar is watched at PUBLIC_BASE_URL/calendarWebhook with a random id and a secret token kept only as a hash, and the first `sync` message is acknowledged', async () => {
      await linkWithCalendar();
      const [channel, ...more] = await liveChannels(user.email);
      assert.ok(channel, 'a channel is open');
      assert.equal(more.length, 0);
      assert.equal(channel.address, `${stack.baseUrl}/calendarWebhook`);
      assert.match(channel.id, /^[0-9a-f-]{36}$/);
      assert.ok((channel.token ?? '').length >= 40, 'a long random token');
      const watch = await readCalendarWatch(user.uid);
      assert.deepEqual(
        watch?.channels.map((c) => c.id),
        [channel.id],
      );
      assert.equal(watch?.channels[0]?.resourceId, channel.resourceId);
      const stored = JSON.stringify(
        (await firestore().collection('calendarWatches').doc(user.uid).get()).data(),
      );
      assert.ok(!stored.includes(channel.token ?? '-'), 'the token itself is not stored');
      const [sync] = await until('the sync message', async () => {
        const deliveries = await control(stack).pushDeliveries(channel.id);
        return deliveries.length > 0 ? deliveries : undefined;
      });
      assert.deepEqual([sync?.state, sync?.status], ['sync', 200]);
      const runs = await api(user, 'GET', '/me/sync/runs');
      assert.deepEqual(runs.json.items, [], 'the sync message runs nothing');
    });

    it('when watching fails at linking, then the link still succeeds and syncTick retries the watch later', async () => {
      await control(stack).addFault({ match: { apiMethod: 'calendar.events.watch' }, status: 503, times: 1 });
      await linkWithCalendar();
      assert.deepEqual(await liveChannels(user.email), []);
      const watch = await readCalendarWatch(user.uid);
      assert.ok(watch, 'the failed watch is remembered for a retry');
      assert.deepEqual(watch.channels, []);
      assert.equal(watch.failures, 1);
      assert.ok(watch.renewAt > Date.now());

      await renewCalendarWatches(watch.renewAt);
      assert.equal((await liveChannels(user.email)).length, 1);
      assert.equal((await readCalendarWatch(user.uid))?.failures, 0);
    });

    it('when a channel nears its expiry, then syncTick opens a new one and stops the old one', async () => {
      await linkWithCalendar();
      const [old] = await liveChannels(user.email);
      const before = await readCalendarWatch(user.uid);
      assert.ok(old && before);
      // Not due yet: nothing changes.
      await renewCalendarWatches(before.renewAt - 60_000);
      assert.deepEqual(
        (await liveChannels(user.email)).map((c) => c.id),
        [old.id],
      );

      const expiresAt = before.channels[0]?.expiresAt ?? 0;
      assert.equal(before.renewAt, expiresAt - RENEW_BEFORE_MS);
      await renewCalendarWatches(before.renewAt + 1);
      const [renewed, ...more] = await liveChannels(user.email);
      assert.ok(renewed);
      assert.notEqual(renewed.id, old.id);
      assert.equal(more.length, 0, 'the old channel is stopped');
      assert.deepEqual(
        (await readCalendarWatch(user.uid))?.channels.map((c) => c.id),
        [renewed.id],
      );
      const stale = await notify(changed(old));
      assert.equal(stale.status, 404);
    });

    it('when an account linked before push existed is found by syncTick, then it is watched once', async () => {
      await linkWithCalendar();
      await firestore().collection('calendarWatches').doc(user.uid).delete();
      const [forgotten] = await liveChannels(user.email);
      await saveBackfillState({ done: false });
      await renewCalendarWatches(Date.now());
      const watch = await readCalendarWatch(user.uid);
      assert.equal(watch?.channels.length, 1);
      assert.notEqual(watch?.channels[0]?.id, forgotten?.id);
      await renewCalendarWatches(Date.now());
      assert.equal(
        (await readCalendarWatch(user.uid))?.channels[0]?.id,
        watch?.channels[0]?.id,
        'visited once',
      );
    });

    it('when the account is removed, then its channel is stopped and its notifications answer 404', async () => {
      await linkWithCalendar();
      const [channel] = await liveChannels(user.email);
      assert.ok(channel);
      const [account] = (await api(user, 'GET', '/me/accounts')).json.items;
      const removed = await api(user, 'DELETE', `/me/accounts/${account.id}`);
      assert.equal(removed.status, 204);
      assert.deepEqual(await liveChannels(user.email), []);
      assert.equal(await readCalendarWatch(user.uid), undefined);
      const late = await notify(changed(channel));
      assert.equal(late.status, 404);
    });

    it('when the user links again, then the old channel is stopped and a new one watches', async () => {
      await linkWithCalendar();
      const [first] = await liveChannels(user.email);
      assert.equal((await link(user)).outcome.searchParams.get('link'), 'ok');
      const [second, ...more] = await liveChannels(user.email);
      assert.ok(first && second);
      assert.notEqual(second.id, first.id);
      assert.equal(more.length, 0);
      assert.deepEqual(
        (await readCalendarWatch(user.uid))?.channels.map((c) => c.id),
        [second.id],
      );
    });
  });

  describe('notifications', () => {
    let tap: SyncRequestTap;
    let restorePush: () => Promise<void>;

    beforeEach(async () => {
      restorePush = await pausePushDelivery(stack);
      tap = await SyncRequestTap.open(stack);
    });

    afterEach(async () => {
      await tap.close();
      await restorePush();
    });

    async function channelOf(email: string) {
      const [channel] = await liveChannels(email);
      assert.ok(channel);
      return channel;
    }

    it('when a notification names an unknown channel, carries a wrong token or none, then 404 not_found and nothing is queued', async () => {
      await linkWithCalendar();
      const channel = await channelOf(user.email);
      for (const headers of [
        { ...changed(channel), 'x-goog-channel-id': '00000000-0000-4000-8000-000000000000' },
        { ...changed(channel), 'x-goog-channel-token': `${channel.token}x` },
        { ...changed(channel), 'x-goog-channel-token': '' },
        { 'x-goog-resource-state': 'exists' },
      ]) {
        const reply = await notify(headers);
        assert.equal(reply.status, 404, JSON.stringify(headers));
        assert.equal(reply.json.error.code, 'not_found');
      }
      assert.deepEqual(await tap.pull(0, 1_000), []);
      assert.deepEqual((await api(user, 'GET', '/me/sync/runs')).json.items, []);
    });

    it('when a burst of change notifications arrives, then one activities run is queued and the rest coalesce into it', async () => {
      await linkWithCalendar();
      const channel = await channelOf(user.email);
      const replies = await Promise.all(
        Array.from({ length: 20 }, (_, i) => notify(changed(channel, i + 2))),
      );
      assert.deepEqual(new Set(replies.map((r) => r.status)), new Set([200]));
      const outcomes = replies.map((r) => r.json.outcome as string);
      assert.equal(outcomes.filter((o) => o === 'queued').length, 1, outcomes.join());
      assert.equal(outcomes.filter((o) => o === 'coalesced').length, 19);
      const published = await tap.pull(1, 3_000);
      assert.equal(published.length, 1);
      const [run] = (await api(user, 'GET', '/me/sync/runs')).json.items as Json[];
      assert.deepEqual([run.kinds, run.trigger, run.status], [['activities'], 'schedule', 'queued']);
    });

    it('when changes are announced while the run works, then exactly one follow-up run is queued after it', async () => {
      await linkWithCalendar();
      const channel = await channelOf(user.email);
      assert.equal((await notify(changed(channel))).json.outcome, 'queued');
      const [request] = (await tap.pull(1, 3_000)) as [{ trigger: 'manual'; uid: string; runId: string }];

      let release!: () => void;
      let started!: () => void;
      const running = new Promise<void>((resolve) => {
        started = resolve;
      });
      const blocking: KindSync<never> = async () => {
        started();
        await new Promise<void>((resolve) => {
          release = resolve;
        });
        return { counts: emptyCounts('activities'), conflicts: [], errors: [] };
      };
      const kindSyncs = { contacts: blocking, activities: blocking } as unknown as KindSyncs;
      const run = runUserSync(request, { kindSyncs });
      await running;
      const during = await Promise.all(Array.from({ length: 10 }, (_, i) => notify(changed(channel, i + 3))));
      assert.deepEqual(
        during.map((r) => r.json.outcome),
        Array(10).fill('follow_up'),
      );
      assert.deepEqual(await tap.pull(0, 500), [], 'nothing is queued while the run holds the user');
      release();
      assert.equal((await run).outcome, 'ran');
      const followUps = await tap.pull(1, 3_000);
      assert.equal(followUps.length, 1, 'one follow-up');
      assert.notEqual((followUps[0] as { runId: string }).runId, request.runId);
      // The follow-up is queued: later announcements coalesce into it.
      assert.equal((await notify(changed(channel, 20))).json.outcome, 'coalesced');
      assert.deepEqual(await tap.pull(0, 500), []);
    });

    it('when the queued run will not sync activities (syncNow for contacts), then the change gets its own run after it', async () => {
      await linkWithCalendar();
      const channel = await channelOf(user.email);
      const contactsOnly = await callApi('POST', '/syncNow', {
        token: user.idToken,
        body: { kinds: ['contacts'] },
      });
      assert.equal(contactsOnly.status, 202, JSON.stringify(contactsOnly.json));
      const [request] = (await tap.pull(1, 3_000)) as [{ trigger: 'manual'; uid: string; runId: string }];
      assert.equal((await notify(changed(channel))).json.outcome, 'follow_up');
      assert.deepEqual(await tap.pull(0, 500), []);
      assert.equal((await runUserSync(request)).outcome, 'ran');
      const [followUp] = (await tap.pull(1, 3_000)) as [{ runId: string }];
      assert.ok(followUp, 'the follow-up was queued when the contacts run finished');
      const run = (await api(user, 'GET', `/me/sync/runs/${followUp.runId}`)).json;
      assert.deepEqual(run.kinds, ['activities']);
    });

    it('when the user has automatic activity sync off, then a change notification is acknowledged and runs nothing', async () => {
      await linkGoogleAccount(stack, user);
      const channel = await channelOf(user.email);
      const reply = await notify(changed(channel));
      assert.equal(reply.status, 200);
      assert.equal(reply.json.outcome, 'not_configured');
      assert.deepEqual(await tap.pull(0, 500), []);
    });
  });

  describe('end to end', () => {
    let unwire: () => Promise<void>;
    before(async () => {
      await wirePubSubPush(stack.projectId, stack.baseUrl);
      unwire = async () => void (await pausePushDelivery(stack));
    });
    after(() => unwire());

    it('when an event is created in Google Calendar, then it appears in the CRM within seconds without anyone asking', async () => {
      await linkWithCalendar();
      const started = Date.now();
      await control(stack).calendarCreateEvent(user.email, event('Pushed meeting'));
      const found = await until('the activity in the CRM', async () =>
        (await activities(user)).find((a) => a.title === 'Pushed meeting'),
      );
      assert.equal(found.showInCalendar, true);
      const elapsed = Date.now() - started;
      assert.ok(elapsed < 10_000, `took ${elapsed} ms`);
      // The run's own write-back is announced too; let that follow-up finish before the suite ends.
      await until('every run finished', async () => {
        const runs = (await api(user, 'GET', '/me/sync/runs')).json.items as Json[];
        return runs.every((r) => ['succeeded', 'partial', 'failed'].includes(r.status)) ? runs : undefined;
      });
    });
  });
});
