import assert from 'node:assert/strict';
import { ReauthRequiredError } from '../../functions/src/app/accounts/accessTokens.js';
import { eventIdForActivity } from '../../functions/src/core/sync/activities/ids.js';
import type { TestStack } from '../support/stack.js';
import { createUser, type TestUser } from '../support/users.js';
import {
  activities,
  type CalendarUser,
  calendarCalls,
  createActivity,
  eventsOf,
  liveEventsOf,
  runSync,
  withCalendar,
} from './activity-sync-support.js';
import { control, resetToConfiguredApp, suiteUsers } from './linking-support.js';

describe('activity sync: faults', function () {
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

  const meeting = (title: string) => ({
    title,
    start: '2030-03-04T10:00:00Z',
    end: '2030-03-04T11:00:00Z',
    showInCalendar: true,
    organizerContactId: alice.contactId,
  });

  it('when events.list answers 429 with Retry-After and then 503, then the run retries and completes', async () => {
    await createActivity(alice, meeting('A'));
    await control(stack).addFault({
      match: { apiMethod: 'calendar.events.list' },
      status: 429,
      retryAfter: 1,
      times: 1,
    });
    await control(stack).addFault({ match: { apiMethod: 'calendar.events.list' }, status: 503, times: 1 });
    const result = await runSync(alice);
    assert.deepEqual(result.errors, []);
    assert.equal(result.counts.toGoogle.created, 1);
    assert.equal((await calendarCalls(stack, alice.googleEmail))['calendar.events.list'], 3);
  });

  it('when an insert was carried out but answered 503, then the retry meets 409 and no duplicate is made', async () => {
    const activity = await createActivity(alice, meeting('Once'));
    await control(stack).addFault({
      match: { apiMethod: 'calendar.events.insert' },
      status: 503,
      times: 1,
      afterWork: true,
    });
    const result = await runSync(alice);
    assert.deepEqual(result.errors, []);
    assert.equal(result.counts.toGoogle.created, 1);
    const events = await eventsOf(stack, alice.googleEmail);
    assert.deepEqual(
      events.map((e) => e.id),
      [eventIdForActivity(activity.id)],
    );
    assert.equal((await calendarCalls(stack, alice.googleEmail))['calendar.events.insert'], 2);
  });

  it('when a run dies after an insert it could not record, then the next run completes without duplicates and leaves nothing out', async () => {
    for (const title of ['One', 'Two', 'Three']) await createActivity(alice, meeting(title));
    // Google did the insert, then the run stopped (a rate limit it will not wait for) before linking it.
    await control(stack).addFault({
      match: { apiMethod: 'calendar.events.insert' },
      status: 429,
      retryAfter: 3600,
      times: 1,
      afterWork: true,
    });
    await assert.rejects(runSync(alice), (error: Error) => /429/.test(error.message));
    // The three inserts went in one batch request (only the answer to one of them was lost).
    assert.equal((await liveEventsOf(stack, alice.googleEmail)).length, 3);
    const result = await runSync(alice);
    assert.deepEqual(result.errors, []);
    const events = await liveEventsOf(stack, alice.googleEmail);
    assert.deepEqual(events.map((e) => e.summary).sort(), ['One', 'Three', 'Two']);
    // And the Google side did not import our own events back as new activities.
    assert.equal((await activities(alice)).length, 3);
    await control(stack).clearRequests();
    await runSync(alice);
    assert.deepEqual(await calendarCalls(stack, alice.googleEmail), { 'calendar.events.list': 1 });
  });

  it('when a listing fails, then the next run lists again from the stored sync token and imports each event once', async () => {
    for (let i = 0; i < 3; i += 1) {
      await control(stack).calendarCreateEvent(alice.googleEmail, {
        summary: `G${i}`,
        start: { dateTime: `2030-02-0${i + 1}T09:00:00Z` },
        end: { dateTime: `2030-02-0${i + 1}T10:00:00Z` },
      });
    }
    await runSync(alice);
    await control(stack).calendarCreateEvent(alice.googleEmail, {
      summary: 'Later',
      start: { dateTime: '2030-02-09T09:00:00Z' },
      end: { dateTime: '2030-02-09T10:00:00Z' },
    });
    await control(stack).addFault({
      match: { apiMethod: 'calendar.events.list' },
      status: 429,
      retryAfter: 3600,
    });
    await assert.rejects(runSync(alice));
    await control(stack).clearFaults();
    await runSync(alice);
    const titles = (await activities(alice)).map((a) => a.title).sort();
    assert.deepEqual(titles, ['G0', 'G1', 'G2', 'Later']);
  });

  it('when Google revoked the grant, then the run fails with reauth required and changes nothing', async () => {
    await createActivity(alice, meeting('Blocked'));
    await control(stack).revokeGrant(alice.googleEmail);
    await control(stack).expireAccessTokens(alice.googleEmail);
    await assert.rejects(runSync(alice), ReauthRequiredError);
    assert.equal((await eventsOf(stack, alice.googleEmail)).length, 0);
  });

  it('when the rolling window moves on, then occurrences that entered it are imported (and only then)', async () => {
    await control(stack).calendarCreateEvent(alice.googleEmail, {
      summary: 'Endless',
      start: { dateTime: '2030-01-07T09:00:00Z', timeZone: 'UTC' },
      end: { dateTime: '2030-01-07T09:30:00Z', timeZone: 'UTC' },
      recurrence: ['RRULE:FREQ=MONTHLY'],
    });
    const day = 86_400_000;
    const start = Date.parse('2030-01-01T00:00:00Z');
    await runSync(alice, () => start);
    const first = (await activities(alice)).filter((a) => a.title === 'Endless').length;
    assert.equal(first, 6, 'January to June 2030: the occurrences starting within 180 days');
    await control(stack).clearRequests();
    await runSync(alice, () => start + 12 * 60 * 60 * 1000);
    assert.deepEqual(await calendarCalls(stack, alice.googleEmail), { 'calendar.events.list': 1 });
    await runSync(alice, () => start + 40 * day);
    const later = (await activities(alice)).filter((a) => a.title === 'Endless').length;
    assert.equal(later, 8, 'July and August 2030 entered the window (up to 2030-08-09)');
    assert.equal((await calendarCalls(stack, alice.googleEmail))['calendar.events.instances'], 1);
  });
});
