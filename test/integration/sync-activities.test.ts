import assert from 'node:assert/strict';
import { eventIdForActivity } from '../../functions/src/core/sync/activities/ids.js';
import { api } from '../support/api.js';
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
  withCalendar,
} from './activity-sync-support.js';
import { control, resetToConfiguredApp, suiteUsers } from './linking-support.js';

describe('activity sync: CRM ↔ Google Calendar', function () {
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

  const meeting = (organizer: CalendarUser, extra: Record<string, unknown> = {}) => ({
    title: 'Quarterly review',
    start: '2030-03-04T10:00:00+01:00',
    end: '2030-03-04T11:00:00+01:00',
    timeZone: 'Europe/Paris',
    showInCalendar: true,
    organizerContactId: organizer.contactId,
    participants: [{ email: 'client@example.org' }],
    ...extra,
  });

  it('when the organizer has a calendar activity, then it is inserted with an id derived from the activity and its id in private properties', async () => {
    const activity = await createActivity(alice, meeting(alice));
    const result = await runSync(alice);
    assert.equal(result.counts.toGoogle.created, 1);
    assert.deepEqual(result.errors, []);
    const [event, ...others] = await liveEventsOf(stack, alice.googleEmail);
    assert.equal(others.length, 0);
    assert.equal(event.id, eventIdForActivity(activity.id));
    assert.equal(event.summary, 'Quarterly review');
    assert.equal(event.start.timeZone, 'Europe/Paris');
    assert.equal(Date.parse(event.start.dateTime), Date.parse('2030-03-04T09:00:00Z'));
    assert.deepEqual(event.extendedProperties.private, { crmActivityId: activity.id });
    assert.deepEqual(
      event.attendees.map((a: { email: string }) => a.email),
      ['client@example.org'],
    );
  });

  it('when a first run exports several activities, then their inserts travel in one batch request, each still its own call', async () => {
    for (const title of ['One', 'Two', 'Three']) await createActivity(alice, meeting(alice, { title }));
    await control(stack).clearRequests();
    const result = await runSync(alice);
    assert.equal(result.counts.toGoogle.created, 3);
    const calls = await calendarCalls(stack, alice.googleEmail);
    assert.equal(calls['calendar.batch'], 1);
    assert.equal(calls['calendar.events.insert'], 3);
    assert.deepEqual((await liveEventsOf(stack, alice.googleEmail)).map((e) => e.summary).sort(), [
      'One',
      'Three',
      'Two',
    ]);
  });

  it('when nothing changed since the last run, then the run costs exactly one Calendar call (events.list)', async () => {
    await createActivity(alice, meeting(alice));
    await control(stack).calendarCreateEvent(alice.googleEmail, {
      summary: 'From Google',
      start: { dateTime: '2030-02-01T09:00:00Z' },
      end: { dateTime: '2030-02-01T10:00:00Z' },
    });
    await runSync(alice);
    await runSync(alice); // the echo of our own writes
    await control(stack).clearRequests();
    const result = await runSync(alice);
    assert.deepEqual(await calendarCalls(stack, alice.googleEmail), { 'calendar.events.list': 1 });
    assert.equal(result.counts.toGoogle.created + result.counts.toCrm.created, 0);
  });

  it('when an event is created in Google, then it becomes a calendar activity with participants matched by email', async () => {
    const contact = await api(alice, 'POST', '/contacts', {
      givenName: 'Carla',
      emails: [{ address: 'carla@client.test', type: 'work' }],
    });
    assert.equal(contact.status, 201);
    await control(stack).calendarCreateEvent(alice.googleEmail, {
      summary: 'Kick-off',
      location: 'Room 4',
      start: { dateTime: '2030-02-01T09:00:00+02:00', timeZone: 'Europe/Helsinki' },
      end: { dateTime: '2030-02-01T10:00:00+02:00', timeZone: 'Europe/Helsinki' },
      attendees: [{ email: 'CARLA@client.test' }, { email: 'stranger@else.test' }],
    });
    const result = await runSync(alice);
    assert.equal(result.counts.toCrm.created, 1);
    const [activity, ...others] = (await activities(alice)).filter((a) => a.title === 'Kick-off');
    assert.equal(others.length, 0);
    assert.equal(activity.showInCalendar, true);
    assert.equal(activity.location, 'Room 4');
    assert.equal(activity.timeZone, 'Europe/Helsinki');
    assert.equal(activity.start, '2030-02-01T09:00:00+02:00');
    assert.equal(activity.organizerContactId, alice.contactId);
    const byEmail = Object.fromEntries(activity.participants.map((p: { email: string }) => [p.email, p]));
    assert.equal(byEmail['carla@client.test'].contactId, contact.json.id);
    assert.equal(byEmail['stranger@else.test'].contactId, null);
  });

  it('when an all-day event is created in Google, then the activity is all-day with the exclusive end date', async () => {
    await control(stack).calendarCreateEvent(alice.googleEmail, {
      summary: 'Trade fair',
      start: { date: '2030-05-10' },
      end: { date: '2030-05-12' },
    });
    await runSync(alice);
    const [activity] = (await activities(alice)).filter((a) => a.title === 'Trade fair');
    assert.equal(activity.allDay, true);
    assert.equal(activity.start, '2030-05-10');
    assert.equal(activity.end, '2030-05-12');
  });

  it('when an event starts before syncSince, then it is not imported', async () => {
    await control(stack).calendarCreateEvent(alice.googleEmail, {
      summary: 'Old',
      start: { dateTime: '2029-12-31T09:00:00Z' },
      end: { dateTime: '2030-01-02T10:00:00Z' },
    });
    await runSync(alice);
    assert.equal((await activities(alice)).filter((a) => a.title === 'Old').length, 0);
  });

  it('when both sides changed different fields, then both edits are kept; a same-field conflict is reported', async () => {
    const activity = await createActivity(alice, meeting(alice));
    await runSync(alice);
    const eventId = eventIdForActivity(activity.id);
    await patchActivity(alice, activity.id, { location: 'Board room', description: 'CRM notes' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    await control(stack).calendarUpdateEvent(alice.googleEmail, eventId, {
      summary: 'Quarterly review (moved)',
      description: 'Google notes',
    });
    const result = await runSync(alice);
    const merged = await getActivity(alice, activity.id);
    assert.equal(merged.title, 'Quarterly review (moved)');
    assert.equal(merged.location, 'Board room');
    assert.equal(merged.description, 'Google notes');
    const [event] = await liveEventsOf(stack, alice.googleEmail);
    assert.equal(event.location, 'Board room');
    assert.equal(event.summary, 'Quarterly review (moved)');
    assert.deepEqual(
      result.conflicts.map((c) => [c.recordId, c.field, c.winner]),
      [[activity.id, 'description', 'google']],
    );
    await control(stack).clearRequests();
    await runSync(alice);
    assert.deepEqual(await calendarCalls(stack, alice.googleEmail), { 'calendar.events.list': 1 });
  });

  it('when an event is cancelled in Google, then the activity is canceled and still exists', async () => {
    const created = await control(stack).calendarCreateEvent(alice.googleEmail, {
      summary: 'To cancel',
      start: { dateTime: '2030-02-01T09:00:00Z' },
      end: { dateTime: '2030-02-01T10:00:00Z' },
    });
    await runSync(alice);
    await control(stack).calendarCancelEvent(alice.googleEmail, String(created.id));
    const result = await runSync(alice);
    assert.equal(result.counts.toCrm.canceled, 1);
    const [activity] = (await activities(alice)).filter((a) => a.title === 'To cancel');
    assert.equal(activity.status, 'canceled');
  });

  it('when an exported activity is deleted in the CRM, then its event is deleted; an event from Google is only unlinked', async () => {
    const exported = await createActivity(alice, meeting(alice));
    await control(stack).calendarCreateEvent(alice.googleEmail, {
      summary: 'Imported',
      start: { dateTime: '2030-02-01T09:00:00Z' },
      end: { dateTime: '2030-02-01T10:00:00Z' },
    });
    await runSync(alice);
    const [imported] = (await activities(alice)).filter((a) => a.title === 'Imported');
    assert.equal((await api(alice, 'DELETE', `/activities/${exported.id}`)).status, 204);
    assert.equal((await api(alice, 'DELETE', `/activities/${imported.id}`)).status, 204);
    const result = await runSync(alice);
    assert.equal(result.counts.toGoogle.removed, 1);
    const live = await liveEventsOf(stack, alice.googleEmail);
    assert.deepEqual(
      live.map((e) => e.summary),
      ['Imported'],
    );
    // The unlinked event's next change does not bring the deleted activity back.
    await control(stack).calendarUpdateEvent(alice.googleEmail, String(live[0].id), {
      summary: 'Imported 2',
    });
    await runSync(alice);
    assert.equal((await activities(alice)).filter((a) => a.title.startsWith('Imported')).length, 0);
  });

  it('when showInCalendar is cleared, then the event this sync created is deleted', async () => {
    const activity = await createActivity(alice, meeting(alice));
    await runSync(alice);
    await patchActivity(alice, activity.id, { showInCalendar: false });
    await runSync(alice);
    assert.equal((await liveEventsOf(stack, alice.googleEmail)).length, 0);
    assert.equal((await getActivity(alice, activity.id)).showInCalendar, false);
  });

  describe('two CRM users', () => {
    let bob: CalendarUser;

    beforeEach(async () => {
      bob = await withCalendar(stack, await createUser(stack));
    });

    it("when a Google meeting invites another user's calendar, then both syncs make ONE activity", async () => {
      await control(stack).calendarCreateEvent(alice.googleEmail, {
        summary: 'Shared meeting',
        start: { dateTime: '2030-02-01T09:00:00Z' },
        end: { dateTime: '2030-02-01T10:00:00Z' },
        attendees: [{ email: bob.googleEmail }],
      });
      await Promise.all([runSync(alice), runSync(bob)]);
      await runSync(bob);
      const shared = (await activities(alice)).filter((a) => a.title === 'Shared meeting');
      assert.equal(shared.length, 1);
      assert.equal(shared[0].organizerContactId, alice.contactId);
      assert.deepEqual(
        shared[0].participants.map((p: { contactId: string }) => p.contactId),
        [bob.contactId],
      );
    });

    it("when the organizer edits in the CRM, the change reaches Google; a non-organizer's edit is not pushed", async () => {
      const activity = await createActivity(
        alice,
        meeting(alice, { participants: [{ email: bob.googleEmail }] }),
      );
      await runSync(alice);
      await runSync(bob);
      assert.equal((await activities(bob)).filter((a) => a.title === 'Quarterly review').length, 1);
      await patchActivity(alice, activity.id, { title: 'Organizer title' });
      await runSync(alice);
      const [aliceEvent] = await liveEventsOf(stack, alice.googleEmail);
      assert.equal(aliceEvent.summary, 'Organizer title');
      await runSync(bob);
      await patchActivity(bob, activity.id, { location: 'Bob edits' });
      await control(stack).clearRequests();
      await runSync(bob);
      const bobCalls = await calendarCalls(stack, bob.googleEmail);
      assert.equal(bobCalls['calendar.events.patch'], undefined);
      const [after] = await liveEventsOf(stack, alice.googleEmail);
      assert.equal(after.location, undefined);
    });

    it('when the organizer has no sync, then the participant who runs the sync becomes the organizer', async () => {
      const plain = await createUser(stack);
      const plainMe = await api(plain, 'GET', '/me');
      const activity = await createActivity(plain, {
        ...meeting(alice),
        organizerContactId: plainMe.json.contactId,
        participants: [{ contactId: bob.contactId }],
      });
      await runSync(alice);
      assert.equal((await liveEventsOf(stack, alice.googleEmail)).length, 0, 'alice takes no part');
      await runSync(bob);
      const after = await getActivity(bob, activity.id);
      assert.equal(after.organizerContactId, bob.contactId);
      const [event] = await liveEventsOf(stack, bob.googleEmail);
      assert.equal(event.id, eventIdForActivity(activity.id));
    });
  });

  it('when a recurring event is created in Google, then each occurrence in the window is its own activity attached to the series, an edited one too', async () => {
    const series = await control(stack).calendarCreateEvent(alice.googleEmail, {
      summary: 'Weekly',
      start: { dateTime: '2030-02-04T09:00:00Z', timeZone: 'UTC' },
      end: { dateTime: '2030-02-04T09:30:00Z', timeZone: 'UTC' },
      recurrence: ['RRULE:FREQ=WEEKLY;COUNT=3'],
    });
    // The rolling window reaches 180 days past the run's clock.
    const now = () => Date.parse('2030-01-20T00:00:00Z');
    await runSync(alice, now);
    const weekly = (await activities(alice)).filter((a) => a.title === 'Weekly');
    assert.equal(weekly.length, 3);
    assert.ok(weekly.every((a) => a.recurringSeriesId === series.id));
    const second = `${series.id}_20300211T090000Z`;
    await control(stack).calendarUpdateEvent(alice.googleEmail, second, { summary: 'Weekly (moved)' });
    await runSync(alice, now);
    const all = (await activities(alice)).filter((a) => a.recurringSeriesId === series.id);
    assert.equal(all.length, 3);
    assert.deepEqual(all.map((a) => a.title).sort(), ['Weekly', 'Weekly', 'Weekly (moved)']);
    await control(stack).calendarCancelEvent(alice.googleEmail, String(series.id));
    await runSync(alice, now);
    const canceled = (await activities(alice)).filter((a) => a.recurringSeriesId === series.id);
    assert.deepEqual(
      canceled.map((a) => a.status),
      ['canceled', 'canceled', 'canceled'],
    );
  });

  it('when the events are listed in full again, then nothing is duplicated', async () => {
    await createActivity(alice, meeting(alice));
    await control(stack).calendarCreateEvent(alice.googleEmail, {
      summary: 'From Google',
      start: { dateTime: '2030-02-01T09:00:00Z' },
      end: { dateTime: '2030-02-01T10:00:00Z' },
    });
    await runSync(alice);
    await control(stack).expireCalendarSyncTokens(alice.googleEmail);
    const result = await runSync(alice);
    assert.deepEqual(result.errors, []);
    assert.equal(result.counts.toCrm.created + result.counts.toGoogle.created, 0);
    assert.equal((await activities(alice)).length, 2);
    assert.equal((await eventsOf(stack, alice.googleEmail)).length, 2);
  });
});
