import assert from 'node:assert/strict';
import { ActivitySyncState } from '../../functions/src/adapters/firestore/activitySyncState.js';
import { firestore } from '../../functions/src/adapters/firestore/client.js';
import type { ListPosition } from '../../functions/src/adapters/google/calendar.js';
import { runActivitySync, startRun } from '../../functions/src/app/sync/activities/syncActivities.js';
import { eventIdForActivity } from '../../functions/src/core/sync/activities/ids.js';
import type { TestStack } from '../support/stack.js';
import { createUser, type TestUser } from '../support/users.js';
import {
  activities,
  type CalendarUser,
  calendarCalls,
  createActivity,
  eventsOf,
  getActivity,
  liveEventsOf,
  patchActivity,
  runSync,
  syncContext,
  withCalendar,
} from './activity-sync-support.js';
import { control, resetToConfiguredApp, suiteUsers } from './linking-support.js';

/** docs/behaviour.md#activity-deletion over a meeting's whole life: cancelled, deleted while no sync token was valid, restored. */
describe('activity sync: cancellations, full relistings and re-linking', function () {
  this.timeout(120_000);
  let stack: TestStack;
  let admin: TestUser;
  let alice: CalendarUser;

  before(async () => {
    ({ stack, admin } = await suiteUsers());
  });

  beforeEach(async () => {
    await resetToConfiguredApp(stack, admin);
    alice = await withCalendar(stack, await createUser(stack));
  });

  const googleEvent = (summary: string, day = '01') =>
    control(stack).calendarCreateEvent(alice.googleEmail, {
      summary,
      start: { dateTime: `2030-02-${day}T09:00:00Z` },
      end: { dateTime: `2030-02-${day}T10:00:00Z` },
      attendees: [{ email: 'client@example.org' }],
    });

  const meeting = (organizer: CalendarUser, extra: Record<string, unknown> = {}) => ({
    title: 'Quarterly review',
    start: '2030-03-04T10:00:00Z',
    end: '2030-03-04T11:00:00Z',
    showInCalendar: true,
    organizerContactId: organizer.contactId,
    participants: [{ email: 'client@example.org' }],
    ...extra,
  });

  const byTitle = async (user: TestUser, title: string) => {
    const found = (await activities(user)).filter((a) => a.title === title);
    assert.equal(found.length, 1, `one activity "${title}"`);
    return found[0];
  };

  const oneQuietRun = async (user: CalendarUser) => {
    await control(stack).clearRequests();
    const result = await runSync(user);
    assert.deepEqual(await calendarCalls(stack, user.googleEmail), { 'calendar.events.list': 1 });
    assert.deepEqual(result.errors, []);
  };

  describe('a full listing after the sync token expired (410)', () => {
    it('when events were cancelled or moved away while the token was invalid, then only the cancelled one cancels its activity, each checked once with events.get', async () => {
      const gone = await googleEvent('Gone', '01');
      const moved = await googleEvent('Moved', '02');
      await googleEvent('Stays', '03');
      await runSync(alice);
      await control(stack).expireCalendarSyncTokens(alice.googleEmail);
      await control(stack).calendarCancelEvent(alice.googleEmail, String(gone.id));
      await control(stack).calendarUpdateEvent(alice.googleEmail, String(moved.id), {
        start: { dateTime: '2029-06-01T09:00:00Z' },
        end: { dateTime: '2029-06-01T10:00:00Z' },
      });
      await control(stack).clearRequests();
      const result = await runSync(alice);
      assert.deepEqual(result.errors, []);
      assert.equal(result.counts.toCrm.canceled, 1);
      assert.equal((await byTitle(alice, 'Gone')).status, 'canceled');
      assert.equal((await byTitle(alice, 'Moved')).status, 'planned', 'outside the listing, still there');
      assert.equal((await byTitle(alice, 'Stays')).status, 'planned');
      const calls = await calendarCalls(stack, alice.googleEmail);
      assert.equal(calls['calendar.events.get'], 2, 'only the two links the listing did not show');
      await oneQuietRun(alice);
    });

    it('when the run dies while checking the unlisted links, then the next run (with the new token) finishes the check', async () => {
      const gone = await googleEvent('Gone');
      await runSync(alice);
      await control(stack).expireCalendarSyncTokens(alice.googleEmail);
      await control(stack).calendarCancelEvent(alice.googleEmail, String(gone.id));
      await control(stack).addFault({
        match: { apiMethod: 'calendar.events.get' },
        status: 429,
        retryAfter: 3600,
        times: 1,
      });
      await assert.rejects(runSync(alice), (error: Error) => /429/.test(error.message));
      assert.equal((await byTitle(alice, 'Gone')).status, 'planned');
      await control(stack).clearRequests();
      const result = await runSync(alice);
      assert.equal(result.counts.toCrm.canceled, 1);
      assert.equal((await byTitle(alice, 'Gone')).status, 'canceled');
      const calls = await calendarCalls(stack, alice.googleEmail);
      assert.equal(calls['calendar.events.list'], 1, 'the new sync token was kept: no second full listing');
      await oneQuietRun(alice);
    });

    it('when every linked event was really deleted, then the empty listing cancels each activity only after events.get confirmed it', async () => {
      const one = await googleEvent('One', '01');
      const two = await googleEvent('Two', '02');
      await runSync(alice);
      await control(stack).expireCalendarSyncTokens(alice.googleEmail);
      for (const event of [one, two])
        await control(stack).calendarCancelEvent(alice.googleEmail, String(event.id));
      await control(stack).clearRequests();
      const result = await runSync(alice);
      assert.deepEqual(result.errors, []);
      assert.equal(result.counts.toCrm.canceled, 2);
      assert.equal((await calendarCalls(stack, alice.googleEmail))['calendar.events.get'], 2);
      assert.deepEqual(
        (await activities(alice)).map((a) => a.status),
        ['canceled', 'canceled'],
      );
    });

    it('when Google lists nothing although a linked event still exists, then nothing is canceled, the run reports it and the next run lists in full again', async () => {
      await googleEvent('One', '01');
      await googleEvent('Two', '02');
      await runSync(alice);
      await control(stack).expireCalendarSyncTokens(alice.googleEmail);
      // Google answering a complete, empty listing (the emulator can only fail calls, not lie).
      const run = await startRun(await syncContext(alice));
      const real = run.calendar;
      run.calendar = Object.assign(Object.create(real), {
        listPage: async (position: ListPosition) =>
          position.mode === 'full' ? { items: [], nextSyncToken: 'untrustworthy' } : real.listPage(position),
      });
      await control(stack).clearRequests();
      const result = await runActivitySync(run, Date.now());
      assert.deepEqual(
        result.errors.map((e) => e.code),
        ['calendar_listing_incomplete'],
      );
      assert.equal(result.counts.toCrm.canceled ?? 0, 0);
      assert.equal(
        (await calendarCalls(stack, alice.googleEmail))['calendar.events.get'],
        1,
        'stops at the first',
      );
      assert.deepEqual(
        (await activities(alice)).map((a) => a.status),
        ['planned', 'planned'],
      );
      const state = new ActivitySyncState(firestore(), alice.uid, run.account.id);
      assert.equal((await state.cursor()).syncToken, undefined, 'the empty listing’s token is not kept');
      await control(stack).clearRequests();
      const next = await runSync(alice);
      assert.deepEqual(next.errors, []);
      assert.deepEqual(await calendarCalls(stack, alice.googleEmail), { 'calendar.events.list': 1 });
      await oneQuietRun(alice);
    });
  });

  describe('cancelling in the CRM', () => {
    it('when the organizer cancels an activity the sync exported, then its event is deleted in Google; planned again, the SAME event comes back', async () => {
      const activity = await createActivity(alice, meeting(alice));
      await runSync(alice);
      await patchActivity(alice, activity.id, { status: 'canceled' });
      await control(stack).clearRequests();
      const result = await runSync(alice);
      assert.equal(result.counts.toGoogle.removed, 1);
      assert.equal((await calendarCalls(stack, alice.googleEmail))['calendar.events.delete'], 1);
      assert.equal((await liveEventsOf(stack, alice.googleEmail)).length, 0);
      await oneQuietRun(alice); // the echo of the delete is no change
      assert.equal((await getActivity(alice, activity.id)).status, 'canceled');

      await patchActivity(alice, activity.id, { status: 'planned', location: 'Room 9' });
      const restored = await runSync(alice);
      assert.deepEqual(restored.errors, []);
      assert.equal(restored.counts.toGoogle.created, 0);
      const events = await eventsOf(stack, alice.googleEmail);
      assert.deepEqual(
        events.map((e) => [e.id, e.status, e.location]),
        [[eventIdForActivity(activity.id), 'confirmed', 'Room 9']],
      );
      await runSync(alice);
      await oneQuietRun(alice);
    });

    it('when the organizer cancels an activity that came from Google, then the event is set cancelled, not deleted; planned again, it is confirmed again', async () => {
      const created = await googleEvent('From Google');
      await runSync(alice);
      const activity = await byTitle(alice, 'From Google');
      await patchActivity(alice, activity.id, { status: 'canceled' });
      await control(stack).clearRequests();
      await runSync(alice);
      const calls = await calendarCalls(stack, alice.googleEmail);
      assert.equal(calls['calendar.events.delete'], undefined);
      assert.equal(calls['calendar.events.patch'], 1);
      const [cancelled] = await eventsOf(stack, alice.googleEmail);
      assert.equal(cancelled.status, 'cancelled');
      assert.equal(cancelled.summary, 'From Google', 'the organizer’s copy keeps its details');
      await oneQuietRun(alice);

      await patchActivity(alice, activity.id, { status: 'planned' });
      await runSync(alice);
      const events = await eventsOf(stack, alice.googleEmail);
      assert.deepEqual(
        events.map((e) => [e.id, e.status]),
        [[created.id, 'confirmed']],
      );
      assert.equal((await getActivity(alice, activity.id)).status, 'planned');
    });

    it('when a meeting cancelled in Google is planned again in the CRM, then that event is restored rather than a second one made', async () => {
      const created = await googleEvent('Called off');
      await runSync(alice);
      await control(stack).calendarCancelEvent(alice.googleEmail, String(created.id));
      await runSync(alice);
      const activity = await byTitle(alice, 'Called off');
      assert.equal(activity.status, 'canceled');
      await patchActivity(alice, activity.id, { description: 'edited while canceled' });
      await control(stack).clearRequests();
      await runSync(alice);
      const quiet = await calendarCalls(stack, alice.googleEmail);
      assert.deepEqual(quiet, { 'calendar.events.list': 1 }, 'an edit does not bring it back');
      await patchActivity(alice, activity.id, { status: 'planned' });
      await runSync(alice);
      const events = await eventsOf(stack, alice.googleEmail);
      assert.deepEqual(
        events.map((e) => [e.id, e.status, e.description]),
        [[created.id, 'confirmed', 'edited while canceled']],
      );
    });

    it('when the organizer restores in Google a meeting cancelled there, then the activity is planned again', async () => {
      const created = await googleEvent('Back on');
      await runSync(alice);
      await control(stack).calendarCancelEvent(alice.googleEmail, String(created.id));
      await runSync(alice);
      assert.equal((await byTitle(alice, 'Back on')).status, 'canceled');
      await control(stack).calendarUpdateEvent(alice.googleEmail, String(created.id), {
        status: 'confirmed',
        summary: 'Back on (again)',
      });
      const result = await runSync(alice);
      assert.deepEqual(result.errors, []);
      const activity = await byTitle(alice, 'Back on (again)');
      assert.equal(activity.status, 'planned');
      await oneQuietRun(alice);
    });

    it('when a participant cancels the activity in the CRM, then their sync writes nothing to Google', async () => {
      const bob = await withCalendar(stack, await createUser(stack));
      const activity = await createActivity(
        alice,
        meeting(alice, { participants: [{ email: bob.googleEmail }] }),
      );
      await runSync(alice);
      await runSync(bob);
      await patchActivity(bob, activity.id, { status: 'canceled' });
      await control(stack).clearRequests();
      const result = await runSync(bob);
      assert.deepEqual(result.errors, []);
      assert.deepEqual(await calendarCalls(stack, bob.googleEmail), { 'calendar.events.list': 1 });
      assert.equal((await liveEventsOf(stack, alice.googleEmail)).length, 1);
    });
  });

  describe('turning showInCalendar back on', () => {
    it('when the activity came from Google and was only unlinked, then the same event is linked again (no insert) and syncs again', async () => {
      const created = await googleEvent('Imported');
      await runSync(alice);
      const activity = await byTitle(alice, 'Imported');
      await patchActivity(alice, activity.id, { showInCalendar: false });
      await runSync(alice);
      assert.equal((await liveEventsOf(stack, alice.googleEmail)).length, 1, 'only unlinked');
      await patchActivity(alice, activity.id, { showInCalendar: true, location: 'Back room' });
      await control(stack).clearRequests();
      const result = await runSync(alice);
      assert.deepEqual(result.errors, []);
      assert.equal(result.counts.toCrm.linked, 1);
      assert.equal((await calendarCalls(stack, alice.googleEmail))['calendar.events.insert'], undefined);
      const events = await liveEventsOf(stack, alice.googleEmail);
      assert.deepEqual(
        events.map((e) => [e.id, e.location]),
        [[created.id, 'Back room']],
      );
      await control(stack).calendarUpdateEvent(alice.googleEmail, String(created.id), { summary: 'Renamed' });
      await runSync(alice);
      assert.equal((await getActivity(alice, activity.id)).title, 'Renamed');
      assert.equal((await activities(alice)).length, 1);
    });

    it('when the activity was exported and its event deleted, then the same event id comes back, once', async () => {
      const activity = await createActivity(alice, meeting(alice));
      await runSync(alice);
      await patchActivity(alice, activity.id, { showInCalendar: false });
      await runSync(alice);
      await patchActivity(alice, activity.id, { showInCalendar: true });
      await runSync(alice);
      const events = await eventsOf(stack, alice.googleEmail);
      assert.deepEqual(
        events.map((e) => [e.id, e.status]),
        [[eventIdForActivity(activity.id), 'confirmed']],
      );
      await runSync(alice);
      await oneQuietRun(alice);
    });

    it('when the unlinked event was cancelled in Google meanwhile, then turning it back on cancels the activity instead of making a new event', async () => {
      const created = await googleEvent('Dropped');
      await runSync(alice);
      const activity = await byTitle(alice, 'Dropped');
      await patchActivity(alice, activity.id, { showInCalendar: false });
      await runSync(alice);
      await control(stack).calendarCancelEvent(alice.googleEmail, String(created.id));
      await runSync(alice);
      await patchActivity(alice, activity.id, { showInCalendar: true });
      const result = await runSync(alice);
      assert.equal(result.counts.toGoogle.created, 0);
      assert.equal((await getActivity(alice, activity.id)).status, 'canceled');
      assert.equal((await eventsOf(stack, alice.googleEmail)).length, 1);
    });
  });
});
