import assert from 'node:assert/strict';
import fc from 'fast-check';
import { describe, it } from 'mocha';
import {
  activityValues,
  type CalendarEvent,
  eventValues,
} from '../../functions/src/core/sync/activities/fields.js';
import {
  type ActivityLink,
  type CrmEdits,
  decideActivity,
  decideEvent,
  decideUnlisted,
  planLinked,
} from '../../functions/src/core/sync/activities/plan.js';
import type { Activity, Participant } from '../../functions/src/domain/crm/activity.js';
import { mergePatch } from '../../functions/src/domain/crm/validation.js';
import { activityFixture, linkFixture } from '../support/activityFixture.js';

const WINDOW = { since: Date.parse('2030-01-01T00:00:00Z'), until: Date.parse('2030-07-01T00:00:00Z') };

const activity = activityFixture;

const event = (fields: CalendarEvent = {}): CalendarEvent => ({
  id: 'e1',
  etag: '"2"',
  status: 'confirmed',
  updated: '2030-01-02T00:00:00Z',
  summary: 'Review',
  start: { dateTime: '2030-03-04T09:00:00Z' },
  end: { dateTime: '2030-03-04T10:00:00Z' },
  ...fields,
});

const link = (fields: Partial<ActivityLink> = {}): ActivityLink =>
  linkFixture({ base: eventValues(event()), ...fields });

describe('activity planner: Google events', () => {
  it('when the event comes back with the etag we stored (our own write), then it is unchanged', () => {
    assert.deepEqual(decideEvent(event({ etag: '"1"' }), link(), WINDOW), { kind: 'unchanged' });
  });
  it('when a linked event changed, then the pair is merged', () => {
    assert.deepEqual(decideEvent(event(), link(), WINDOW), { kind: 'merge', link: link() });
  });
  it('when a linked event is cancelled, then the activity is canceled', () => {
    assert.deepEqual(decideEvent({ id: 'e1', status: 'cancelled' }, link(), WINDOW), {
      kind: 'cancel',
      link: link(),
    });
  });
  it('when an unknown event is cancelled, then it may be a series whose occurrences are linked', () => {
    assert.deepEqual(decideEvent({ id: 's1', status: 'cancelled' }, undefined, WINDOW), {
      kind: 'cancelSeries',
      seriesId: 's1',
    });
  });
  it('when a new event starts before syncSince, then it is skipped; at or after, imported', () => {
    const before = event({
      start: { dateTime: '2029-12-31T23:00:00Z' },
      end: { dateTime: '2030-01-01T01:00:00Z' },
    });
    assert.equal(decideEvent(before, undefined, WINDOW).kind, 'skip');
    const onTime = event({ start: { date: '2030-01-01' }, end: { date: '2030-01-02' } });
    assert.equal(decideEvent(onTime, undefined, WINDOW).kind, 'import');
  });
  it('when an occurrence starts beyond the rolling window, then it waits; a single event does not', () => {
    const late = { start: { dateTime: '2030-08-01T09:00:00Z' }, end: { dateTime: '2030-08-01T10:00:00Z' } };
    assert.deepEqual(decideEvent(event({ ...late, recurringEventId: 's1' }), undefined, WINDOW), {
      kind: 'skip',
      reason: 'beyond_window',
    });
    assert.equal(decideEvent(event(late), undefined, WINDOW).kind, 'import');
  });
  it('when the link is a tombstone, then the event is ignored', () => {
    assert.equal(decideEvent(event(), link({ unlinked: true }), WINDOW).kind, 'skip');
  });
});

describe('activity planner: CRM activities', () => {
  const since = WINDOW.since;
  it('when an exported activity is deleted, then its event is deleted; an imported one is unlinked', () => {
    assert.equal(decideActivity({ activity: undefined, link: link(), since }).kind, 'deleteEvent');
    assert.equal(
      decideActivity({ activity: undefined, link: link({ origin: 'google' }), since }).kind,
      'unlink',
    );
    const hidden = activity({ showInCalendar: false });
    assert.equal(decideActivity({ activity: hidden, link: link(), since }).kind, 'deleteEvent');
  });
  it('when the version is the one last synced, then nothing is done', () => {
    assert.equal(
      decideActivity({ activity: activity({ version: 1 }), link: link(), since }).kind,
      'unchanged',
    );
  });
  it('when a participant copy is linked, then CRM edits are not pushed', () => {
    assert.equal(
      decideActivity({ activity: activity(), link: link({ organizer: false }), since }).kind,
      'unchanged',
    );
    assert.equal(decideActivity({ activity: activity(), link: link(), since }).kind, 'merge');
  });
  it('when an unlinked activity is organized by this user, then it is exported; by a syncing user, not', () => {
    assert.equal(decideActivity({ activity: activity(), link: undefined, since, role: 'me' }).kind, 'export');
    assert.equal(
      decideActivity({ activity: activity(), link: undefined, since, role: 'syncingUser' }).kind,
      'skip',
    );
    assert.equal(
      decideActivity({ activity: activity(), link: undefined, since, role: 'otherWithMe' }).kind,
      'takeOver',
    );
    assert.equal(
      decideActivity({ activity: activity(), link: undefined, since, role: 'otherWithoutMe' }).kind,
      'skip',
    );
  });
  it('when an unlinked activity starts before syncSince, then it is not exported', () => {
    const old = activity({ start: '2029-05-01T09:00:00Z', end: '2029-05-01T10:00:00Z' });
    assert.equal(decideActivity({ activity: old, link: undefined, since, role: 'me' }).kind, 'skip');
  });
});

describe('activity planner: cancelling and restoring (docs/behaviour.md#activity-deletion)', () => {
  const since = WINDOW.since;
  const canceled = activity({ status: 'canceled' });
  it('when the organizer cancels a linked activity, then its event is cancelled in Google; on a participant copy nothing is pushed', () => {
    assert.equal(decideActivity({ activity: canceled, link: link(), since }).kind, 'cancelEvent');
    assert.equal(
      decideActivity({ activity: canceled, link: link({ origin: 'google' }), since }).kind,
      'cancelEvent',
    );
    assert.equal(
      decideActivity({ activity: canceled, link: link({ organizer: false }), since }).kind,
      'unchanged',
    );
  });
  it('when a cancelled pair is edited while canceled, then nothing is pushed; planned again, the event is restored', () => {
    const cancelledLink = link({ cancelled: true, crmVersion: 1 });
    assert.equal(decideActivity({ activity: canceled, link: cancelledLink, since }).kind, 'unchanged');
    assert.equal(decideActivity({ activity: activity(), link: cancelledLink, since }).kind, 'restoreEvent');
    const hidden = activity({ showInCalendar: false });
    assert.equal(decideActivity({ activity: hidden, link: cancelledLink, since }).kind, 'deleteEvent');
  });
  it('when a canceled activity is not linked, then it is never put into a calendar', () => {
    assert.equal(decideActivity({ activity: canceled, link: undefined, since, role: 'me' }).kind, 'skip');
    assert.equal(
      decideActivity({ activity: canceled, link: undefined, since, role: 'otherWithMe' }).kind,
      'skip',
    );
  });
  it('when showInCalendar is set again on an unlinked pair, then it is relinked; a deleted activity is not', () => {
    const tombstone = link({ origin: 'google', unlinked: true });
    assert.equal(decideActivity({ activity: activity(), link: tombstone, since }).kind, 'relink');
    const hidden = activity({ showInCalendar: false });
    assert.equal(decideActivity({ activity: hidden, link: tombstone, since }).kind, 'skip');
    assert.equal(decideActivity({ activity: undefined, link: tombstone, since }).kind, 'skip');
  });
  it("when a cancelled pair's event comes back cancelled (our echo), then it is unchanged; restored in Google, it un-cancels", () => {
    const cancelledLink = link({ cancelled: true });
    assert.deepEqual(decideEvent({ id: 'e1', status: 'cancelled' }, cancelledLink, WINDOW), {
      kind: 'unchanged',
    });
    assert.deepEqual(decideEvent(event(), cancelledLink, WINDOW), { kind: 'uncancel', link: cancelledLink });
  });
});

describe('activity planner: linked events a complete full listing did not show', () => {
  const listing = { empty: false, window: WINDOW };
  const empty = { empty: true, window: WINDOW };
  const beforeSince = event({
    start: { dateTime: '2029-06-01T09:00:00Z' },
    end: { dateTime: '2029-06-01T10:00:00Z' },
  });
  const lateOccurrence = event({
    recurringEventId: 's1',
    start: { dateTime: '2030-08-01T09:00:00Z' },
    end: { dateTime: '2030-08-01T10:00:00Z' },
  });
  const cases: [string, CalendarEvent | undefined, typeof listing, string][] = [
    ['gone (404/410)', undefined, listing, 'cancel'],
    ['cancelled', { id: 'e1', status: 'cancelled' }, listing, 'cancel'],
    ['gone, after an empty listing', undefined, empty, 'cancel'],
    ['alive, after a listing with events', event(), listing, 'keep'],
    ['alive before syncSince, after an empty listing', beforeSince, empty, 'keep'],
    ['an occurrence beyond the window, after an empty listing', lateOccurrence, empty, 'keep'],
    ['alive where the empty listing should have shown it', event(), empty, 'listingIncomplete'],
    [
      'all-day, alive in range, after an empty listing',
      event({ start: { date: '2030-01-01' }, end: { date: '2030-01-02' } }),
      empty,
      'listingIncomplete',
    ],
  ];
  for (const [name, found, seen, expected] of cases) {
    it(`when the event is ${name}, then ${expected}`, () => {
      assert.equal(decideUnlisted(found, seen), expected);
    });
  }
});

// ---- properties of the merge of a linked pair ------------------------------------------------------

const EMAILS = ['a@x.test', 'b@x.test', 'c@x.test'];
const TIMES = [
  { start: '2030-03-04T09:00:00Z', end: '2030-03-04T10:00:00Z' },
  { start: '2030-03-05T09:00:00Z', end: '2030-03-05T11:00:00Z' },
];

const side = fc.record({
  title: fc.constantFrom('Review', 'Moved', 'Renamed'),
  location: fc.constantFrom(undefined, 'Room 1', 'Room 2'),
  description: fc.constantFrom(undefined, 'notes', 'other notes'),
  time: fc.constantFrom(...TIMES),
  attendees: fc.subarray(EMAILS),
  changedAt: fc.integer({ min: 0, max: 3 }),
});
type Side = typeof side extends fc.Arbitrary<infer T> ? T : never;

function activityOf(s: Side): Activity {
  return activity({
    title: s.title,
    location: s.location,
    description: s.description,
    ...s.time,
    participants: s.attendees.map(
      (email): Participant => ({ contactId: null, email, response: 'needsAction' }),
    ),
    modifiedAt: new Date(Date.UTC(2030, 0, 2 + s.changedAt)).toISOString(),
  });
}

function eventOf(s: Side, etag = '"2"'): CalendarEvent {
  return event({
    etag,
    summary: s.title,
    location: s.location,
    description: s.description,
    start: { dateTime: s.time.start },
    end: { dateTime: s.time.end },
    attendees: s.attendees.map((email) => ({ email, responseStatus: 'needsAction' })),
    updated: new Date(Date.UTC(2030, 0, 2 + s.changedAt)).toISOString(),
  });
}

/** What the executor does with a plan, without I/O. */
function apply(plan: ReturnType<typeof planLinked>, a: Activity, e: CalendarEvent) {
  const nextActivity = plan.crmPatch ? (mergePatch(a, plan.crmPatch) as Activity) : a;
  const nextEvent = plan.googlePatch ? (mergePatch(e, plan.googlePatch) as CalendarEvent) : e;
  return { activity: nextActivity, event: nextEvent };
}

const pair = fc.record({
  base: side,
  crm: side,
  google: side,
  organizer: fc.boolean(),
  withBase: fc.boolean(),
  crmEdits: fc.constantFrom<CrmEdits>('push', 'absorb', 'hold'),
});

describe('activity planner: properties of planLinked', () => {
  it('when the same facts are planned twice, then the plans are equal (deterministic)', () => {
    fc.assert(
      fc.property(pair, ({ base, crm, google, organizer, withBase, crmEdits }) => {
        const input = {
          link: link({ organizer, base: withBase ? activityValues(activityOf(base)) : undefined }),
          activity: activityOf(crm),
          event: eventOf(google),
          contactIds: new Map<string, string>(),
          crmEdits,
        };
        assert.deepEqual(planLinked(input), planLinked(input));
      }),
    );
  });

  it('when a plan has been applied, then planning again yields nothing (no ping-pong)', () => {
    fc.assert(
      fc.property(pair, ({ base, crm, google, organizer, withBase, crmEdits }) => {
        const start = link({ organizer, base: withBase ? activityValues(activityOf(base)) : undefined });
        const a = activityOf(crm);
        const e = eventOf(google);
        const plan = planLinked({ link: start, activity: a, event: e, contactIds: new Map(), crmEdits });
        const after = apply(plan, a, e);
        const again = planLinked({
          link: { ...start, base: plan.nextBase },
          activity: after.activity,
          event: after.event,
          contactIds: new Map(),
          crmEdits,
        });
        assert.equal(again.crmPatch, undefined, JSON.stringify(again.crmPatch));
        assert.equal(again.googlePatch, undefined, JSON.stringify(again.googlePatch));
        assert.deepEqual(again.conflicts, []);
      }),
    );
  });

  it('when only one side changed a field since the base, then that edit survives the merge on both sides', () => {
    fc.assert(
      fc.property(side, side, (base, crm) => {
        const start = link({ base: eventValues(eventOf(base)) });
        const a = activityOf(crm);
        const plan = planLinked({
          link: start,
          activity: a,
          event: eventOf(base),
          contactIds: new Map(),
          crmEdits: 'push',
        });
        assert.equal(plan.crmPatch?.title, undefined);
        assert.deepEqual(plan.nextBase.title, crm.title);
        assert.deepEqual(plan.conflicts, []);
      }),
    );
  });

  it("when someone else's CRM edit was absorbed on the organizer's pair, then no later plan pushes it (docs/behaviour.md#collective-activities)", () => {
    fc.assert(
      fc.property(pair, ({ base, crm, google, withBase }) => {
        const start = link({
          organizer: true,
          base: withBase ? activityValues(activityOf(base)) : undefined,
        });
        const a = activityOf(crm);
        const e = eventOf(google);
        const plan = planLinked({
          link: start,
          activity: a,
          event: e,
          contactIds: new Map(),
          crmEdits: 'absorb',
        });
        assert.equal(plan.googlePatch, undefined, 'not pushed by this plan');
        const after = apply(plan, a, e);
        // The organizer's next run, with an edit of their own that changed nothing else.
        const later = planLinked({
          link: { ...start, base: plan.nextBase },
          activity: after.activity,
          event: after.event,
          contactIds: new Map(),
          crmEdits: 'push',
        });
        assert.equal(later.googlePatch, undefined, JSON.stringify(later.googlePatch));
      }),
    );
  });

  it('when anything is in the calendar on either side, then it is never deleted', () => {
    fc.assert(
      fc.property(side, fc.boolean(), fc.constantFrom('crm', 'google'), (s, organizer, origin) => {
        const l = link({ organizer, origin: origin as 'crm' | 'google' });
        const d = decideActivity({ activity: activityOf(s), link: l, since: WINDOW.since });
        assert.ok(!['deleteEvent', 'unlink'].includes(d.kind));
        const live = decideEvent(eventOf(s), l, WINDOW);
        assert.notEqual(live.kind, 'cancel');
      }),
    );
  });
});
