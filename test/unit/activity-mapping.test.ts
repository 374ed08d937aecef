import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import {
  activityPatch,
  activityValues,
  eventPatch,
  eventValues,
  NO_TITLE,
  participantsFor,
} from '../../functions/src/core/sync/activities/fields.js';
import {
  activityIdForEventKey,
  activityIdOfEventId,
  eventIdForActivity,
  eventKey,
} from '../../functions/src/core/sync/activities/ids.js';
import { decideEvent } from '../../functions/src/core/sync/activities/plan.js';
import { UnreadableRecordError } from '../../functions/src/core/sync/unreadable.js';
import type { Activity } from '../../functions/src/domain/crm/activity.js';
import { activityFixture } from '../support/activityFixture.js';

const activity = (fields: Partial<Activity> = {}) =>
  activityFixture({ organizerContactId: 'c1', modifiedAt: '2030-01-01T00:00:00Z', version: 1, ...fields });

describe('activity mapping: event ↔ activity fields', () => {
  it('when a timed event is written in another offset, then it reads as the same instants as the activity', () => {
    const google = eventValues({
      summary: 'Review',
      start: { dateTime: '2030-03-04T10:00:00+01:00', timeZone: 'Europe/Paris' },
      end: { dateTime: '2030-03-04T11:00:00+01:00', timeZone: 'Europe/Paris' },
    });
    const crm = activityValues(
      activity({
        timeZone: 'Europe/Paris',
        start: '2030-03-04T10:00:00+01:00',
        end: '2030-03-04T11:00:00+01:00',
      }),
    );
    assert.deepEqual(google.time, crm.time);
    assert.deepEqual(google.time, {
      allDay: false,
      start: '2030-03-04T09:00:00Z',
      end: '2030-03-04T10:00:00Z',
      timeZone: 'Europe/Paris',
    });
  });

  it('when an event is all-day, then its dates (end exclusive) are the activity dates and no zone is compared', () => {
    const google = eventValues({ start: { date: '2030-05-10' }, end: { date: '2030-05-12' } });
    const crm = activityValues(
      activity({ allDay: true, start: '2030-05-10', end: '2030-05-12', timeZone: 'Asia/Tokyo' }),
    );
    assert.deepEqual(google.time, crm.time);
    assert.deepEqual(eventPatch(crm, ['time']), {
      start: { date: '2030-05-10' },
      end: { date: '2030-05-12' },
    });
  });

  it('when an all-day time goes to the CRM, then the activity keeps its own zone; a timed one takes Google’s', () => {
    assert.deepEqual(
      activityPatch({ time: { allDay: true, start: '2030-05-10', end: '2030-05-11' } }, ['time']),
      {
        allDay: true,
        start: '2030-05-10',
        end: '2030-05-11',
      },
    );
    assert.deepEqual(
      activityPatch({ time: { allDay: false, start: '2030-05-10T08:00:00Z', end: '2030-05-10T09:00:00Z' } }, [
        'time',
      ]),
      { allDay: false, start: '2030-05-10T08:00:00Z', end: '2030-05-10T09:00:00Z', timeZone: null },
    );
  });

  it('when attendees differ in case and order, then they compare equal; rooms are not people', () => {
    const google = eventValues({
      attendees: [
        { email: 'B@x.test' },
        { email: 'a@x.test' },
        { email: 'room@resource.test', resource: true },
      ],
    });
    const crm = activityValues(
      activity({
        participants: [
          { contactId: null, email: 'a@x.test', response: 'needsAction' },
          { contactId: 'c2', email: 'b@X.test', response: 'accepted' },
        ],
      }),
    );
    assert.deepEqual(google.attendees, ['a@x.test', 'b@x.test']);
    assert.deepEqual(google.attendees, crm.attendees);
  });

  it('when an event has no title, then both sides read the same placeholder', () => {
    assert.equal(eventValues({ summary: '  ' }).title, NO_TITLE);
  });

  it('when participants are built, then Google’s response wins and known contact ids are kept', () => {
    const participants = participantsFor(['a@x.test', 'new@x.test'], {
      crm: [{ contactId: 'c1', email: 'A@x.test', response: 'needsAction' }],
      google: [
        { email: 'a@x.test', responseStatus: 'accepted' },
        { email: 'new@x.test', responseStatus: 'bogus' },
      ],
      contactIds: new Map([['new@x.test', 'c9']]),
    });
    assert.deepEqual(participants, [
      { contactId: 'c1', email: 'A@x.test', response: 'accepted' },
      { contactId: 'c9', email: 'new@x.test', response: 'needsAction' },
    ]);
  });

  it('when attendees are patched, then known attendees keep their response and new ones are invited by email', () => {
    const patch = eventPatch({ attendees: ['a@x.test', 'c@x.test'] }, ['attendees'], {
      attendees: [{ email: 'A@x.test', responseStatus: 'declined' }, { email: 'b@x.test' }],
    });
    assert.deepEqual(patch, {
      attendees: [{ email: 'A@x.test', responseStatus: 'declined' }, { email: 'c@x.test' }],
    });
  });
});

describe('activity mapping: events the sync must read or report', () => {
  it('when a dateTime has no offset, then it is read in its timeZone (summer and winter offsets)', () => {
    const winter = eventValues({
      start: { dateTime: '2030-01-15T10:00:00', timeZone: 'Europe/Paris' },
      end: { dateTime: '2030-01-15T11:30:00', timeZone: 'Europe/Paris' },
    });
    assert.deepEqual(winter.time, {
      allDay: false,
      start: '2030-01-15T09:00:00Z',
      end: '2030-01-15T10:30:00Z',
      timeZone: 'Europe/Paris',
    });
    const summer = eventValues({
      start: { dateTime: '2030-07-15T10:00:00', timeZone: 'America/New_York' },
      end: { dateTime: '2030-07-15T11:00:00' },
    });
    assert.equal((summer.time as { start: string }).start, '2030-07-15T14:00:00Z');
    assert.equal(
      (summer.time as { end: string }).end,
      '2030-07-15T15:00:00Z',
      'the end takes the start zone',
    );
  });

  it('when an event has times the sync cannot read, then reading it throws with the reason instead of skipping it', () => {
    const unreadable = [
      { start: { dateTime: '2030-01-15T10:00:00' }, end: { dateTime: '2030-01-15T11:00:00' } },
      { start: { dateTime: 'tomorrow' }, end: { dateTime: '2030-01-15T11:00:00Z' } },
      { start: { date: '2030-02-30' }, end: { date: '2030-03-01' } },
      { start: { dateTime: '2030-01-15T10:00:00', timeZone: 'Mars/Olympus' }, end: {} },
    ];
    for (const event of unreadable) {
      assert.throws(
        () => eventValues(event),
        (error: unknown) => error instanceof UnreadableRecordError && /start or end|dates/.test(error.reason),
        JSON.stringify(event),
      );
    }
  });

  it('when a live event has no times at all, then deciding on it reports it; a cancelled stub is still read', () => {
    const window = { since: 0, until: Number.POSITIVE_INFINITY };
    assert.throws(
      () => decideEvent({ id: 'e1', status: 'confirmed' }, undefined, window),
      UnreadableRecordError,
    );
    assert.equal(decideEvent({ id: 'e2', status: 'cancelled' }, undefined, window).kind, 'cancelSeries');
  });
});

describe('activity mapping: identities', () => {
  it('when an activity id is turned into an event id, then it is valid base32hex and reads back', () => {
    for (const id of ['a', 'AbC-_09', 'x'.repeat(128)]) {
      const eventId = eventIdForActivity(id);
      assert.match(eventId, /^[a-v0-9]{5,1024}$/);
      assert.equal(activityIdOfEventId(eventId), id);
    }
    assert.equal(activityIdOfEventId('abcdefgh123'), undefined, 'a Google-generated id');
    assert.equal(activityIdOfEventId(`${eventIdForActivity('a1')}_20300101T090000Z`), undefined);
  });

  it('when the same occurrence is seen from two calendars in different zones, then it has one key', () => {
    const here = eventKey({
      iCalUID: 'u@google.com',
      originalStartTime: { dateTime: '2030-01-01T10:00:00+01:00' },
    });
    const there = eventKey({
      iCalUID: 'u@google.com',
      originalStartTime: { dateTime: '2030-01-01T09:00:00Z' },
    });
    assert.equal(here, there);
    assert.notEqual(here, eventKey({ iCalUID: 'u@google.com' }));
    assert.match(activityIdForEventKey(here as string), /^[A-Za-z0-9_-]{1,128}$/);
  });
});
