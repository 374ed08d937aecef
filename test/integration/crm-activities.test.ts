import assert from 'node:assert/strict';
import { firestore } from '../../functions/src/adapters/firestore/client.js';
import { api } from '../support/api.js';
import { resetFirestore, type TestStack, testStack } from '../support/stack.js';
import { createUser, type TestUser } from '../support/users.js';

/** Activities through the gateway: times and zones, participants, concurrency, the overlap query. */

let stack: TestStack;

async function activitiesState(): Promise<string> {
  const [activities, changes] = await Promise.all(
    ['crmActivities', 'crmChanges'].map(async (name) =>
      (await firestore().collection(name).get()).docs.map((d) => d.id).sort(),
    ),
  );
  const versions = (await firestore().collection('crmActivities').get()).docs
    .map((d) => `${d.id}:${d.get('version')}`)
    .sort();
  return JSON.stringify({ activities, changes, versions });
}

describe('CRM activities API', function () {
  this.timeout(180_000);
  let alice: TestUser;
  let aliceContactId: string;
  let guestId: string;

  before(async () => {
    stack = await testStack();
    await resetFirestore(stack);
    alice = await createUser(stack);
    aliceContactId = (await api(alice, 'GET', '/me')).json.contactId;
    guestId = (
      await api(alice, 'POST', '/contacts', {
        givenName: 'Guest',
        emails: [{ address: 'guest@example.com', primary: true }],
      })
    ).json.id;
  });

  it("when a timed activity has a time zone, then it answers in that zone's offset (UTC without one)", async () => {
    const created = await api(alice, 'POST', '/activities', {
      title: 'Kick-off',
      start: '2025-01-15T09:00:00Z',
      end: '2025-01-15T10:30:00Z',
      timeZone: 'Europe/Paris',
      showInCalendar: true,
      location: 'Paris',
      participants: [{ contactId: guestId }, { email: 'outsider@example.org', response: 'accepted' }],
    });
    assert.equal(created.status, 201, JSON.stringify(created.json));
    assert.equal(created.etag, '"1"');
    const activity = created.json;
    assert.equal(activity.start, '2025-01-15T10:00:00+01:00');
    assert.equal(activity.end, '2025-01-15T11:30:00+01:00');
    assert.equal(activity.allDay, false);
    assert.equal(activity.status, 'planned');
    assert.equal(activity.organizerContactId, aliceContactId, 'the caller organizes by default');
    assert.deepEqual(activity.participants, [
      { contactId: guestId, email: 'guest@example.com', response: 'needsAction' },
      { contactId: null, email: 'outsider@example.org', response: 'accepted' },
    ]);
    const summer = await api(alice, 'PATCH', `/activities/${activity.id}`, {
      start: '2025-07-01T08:00:00Z',
      end: '2025-07-01T09:00:00Z',
    });
    assert.equal(summer.json.start, '2025-07-01T10:00:00+02:00', 'daylight saving time applies');
    const utc = await api(alice, 'PATCH', `/activities/${activity.id}`, { timeZone: null });
    assert.equal(utc.json.start, '2025-07-01T08:00:00Z');
    assert.equal(utc.json.version, 3);
    const ny = await api(alice, 'PATCH', `/activities/${activity.id}`, { timeZone: 'America/New_York' });
    assert.equal(ny.json.start, '2025-07-01T04:00:00-04:00', 'changing only the zone keeps the instant');
  });

  it('when an all-day activity is created, then start and end are dates with end exclusive', async () => {
    const created = await api(alice, 'POST', '/activities', {
      title: 'Offsite',
      allDay: true,
      start: '2025-03-10',
      end: '2025-03-12',
    });
    assert.equal(created.status, 201);
    assert.equal(created.json.start, '2025-03-10');
    assert.equal(created.json.end, '2025-03-12');
    const sameDay = await api(alice, 'POST', '/activities', {
      title: 'x',
      allDay: true,
      start: '2025-03-10',
      end: '2025-03-10',
    });
    assert.equal(sameDay.status, 400);
    assert.ok(sameDay.json.error.details.fields.end);
    const toTimed = await api(alice, 'PATCH', `/activities/${created.json.id}`, { allDay: false });
    assert.equal(toTimed.status, 400, 'dates are not date-times');
    const ok = await api(alice, 'PATCH', `/activities/${created.json.id}`, {
      allDay: false,
      start: '2025-03-10T09:00:00+01:00',
      end: '2025-03-10T09:00:00+01:00',
    });
    assert.equal(ok.status, 200, JSON.stringify(ok.json));
    assert.equal(ok.json.start, '2025-03-10T08:00:00Z');
  });

  const invalid: Array<[string, Record<string, unknown>, string]> = [
    ['no title', { title: undefined }, 'title'],
    ['an end before start', { start: '2025-01-01T10:00:00Z', end: '2025-01-01T09:59:59Z' }, 'end'],
    ['a start without offset', { start: '2025-01-01T10:00:00' }, 'start'],
    ['an impossible date-time', { start: '2025-02-30T10:00:00Z' }, 'start'],
    ['a date for a timed activity', { end: '2025-01-02' }, 'end'],
    ['an unknown time zone', { timeZone: 'Mars/Olympus_Mons' }, 'timeZone'],
    ['an offset instead of a zone', { timeZone: '+01:00' }, 'timeZone'],
    ['an unknown status', { status: 'postponed' }, 'status'],
    [
      'an unknown response',
      { participants: [{ email: 'a@b.com', response: 'maybe' }] },
      'participants.0.response',
    ],
    ['a malformed participant email', { participants: [{ email: 'nope' }] }, 'participants.0.email'],
    [
      'a participant listed twice',
      { participants: [{ email: 'a@b.com' }, { email: 'A@b.com' }] },
      'participants',
    ],
    [
      'a participant without contact or email',
      { participants: [{ response: 'accepted' }] },
      'participants.0.email',
    ],
    ['an unknown field', { color: 'red' }, 'color'],
    ['a read-only field', { version: 1 }, 'version'],
    ['a too long title', { title: 'x'.repeat(1001) }, 'title'],
    [
      'too many participants',
      { participants: Array.from({ length: 301 }, (_, i) => ({ email: `p${i}@x.com` })) },
      'participants',
    ],
    ['a non-boolean showInCalendar', { showInCalendar: 'yes' }, 'showInCalendar'],
  ];
  for (const [name, change, field] of invalid) {
    it(`when POST /activities has ${name}, then 400 naming ${field} and nothing is written`, async () => {
      const body = { title: 'Call', start: '2025-01-01T10:00:00Z', end: '2025-01-01T11:00:00Z', ...change };
      const before = await activitiesState();
      const reply = await api(alice, 'POST', '/activities', body);
      assert.equal(reply.status, 400, JSON.stringify(reply.json));
      assert.equal(reply.json.error.code, 'invalid_argument');
      assert.ok(reply.json.error.details.fields[field], JSON.stringify(reply.json));
      assert.equal(await activitiesState(), before);
    });
  }

  it('when a referenced contact does not exist, then 404 naming the field and nothing is written', async () => {
    const before = await activitiesState();
    const organizer = await api(alice, 'POST', '/activities', {
      title: 'x',
      start: '2025-01-01T10:00:00Z',
      end: '2025-01-01T10:00:00Z',
      organizerContactId: 'missing1',
    });
    assert.equal(organizer.status, 404);
    assert.ok(organizer.json.error.details.fields.organizerContactId);
    const participant = await api(alice, 'POST', '/activities', {
      title: 'x',
      start: '2025-01-01T10:00:00Z',
      end: '2025-01-01T10:00:00Z',
      participants: [{ contactId: 'missing2' }],
    });
    assert.equal(participant.status, 404);
    assert.ok(participant.json.error.details.fields['participants.0.contactId']);
    assert.equal(await activitiesState(), before);
  });

  it("when a user names another user's own contact as organizer (create or PATCH), then 403 with a clear message and nothing is written; that user and an administrator may", async () => {
    const bob = await createUser(stack);
    const admin = await createUser(stack, { admin: true });
    const bobContactId = (await api(bob, 'GET', '/me')).json.contactId;
    const invitation = {
      title: 'Invitations from Bob',
      start: '2030-01-01T10:00:00Z',
      end: '2030-01-01T11:00:00Z',
      showInCalendar: true,
      organizerContactId: bobContactId,
      participants: [{ email: 'outsider@example.org' }],
    };
    const before = await activitiesState();
    const refused = await api(alice, 'POST', '/activities', invitation);
    assert.equal(refused.status, 403, JSON.stringify(refused.json));
    assert.equal(refused.json.error.code, 'permission_denied');
    assert.match(refused.json.error.message, /own contact the organizer/);
    assert.ok(refused.json.error.details.fields.organizerContactId);
    assert.equal(await activitiesState(), before, 'nothing written');

    const own = await api(alice, 'POST', '/activities', { ...invitation, organizerContactId: undefined });
    assert.equal(own.status, 201);
    const afterOwn = await activitiesState();
    for (const patch of [
      { organizerContactId: bobContactId },
      { organizerContactId: bobContactId, title: 'x' },
    ]) {
      const patched = await api(alice, 'PATCH', `/activities/${own.json.id}`, patch);
      assert.equal(patched.status, 403, JSON.stringify(patched.json));
    }
    assert.equal(await activitiesState(), afterOwn, 'nothing written');
    // Bob as a participant first does not open the door: naming him organizer still needs the right.
    const withBob = await api(alice, 'PATCH', `/activities/${own.json.id}`, {
      participants: [{ contactId: bobContactId }],
    });
    assert.equal(withBob.status, 200, JSON.stringify(withBob.json));
    const promoted = await api(alice, 'PATCH', `/activities/${own.json.id}`, {
      organizerContactId: bobContactId,
    });
    assert.equal(promoted.status, 403, JSON.stringify(promoted.json));
    assert.equal(
      (await api(alice, 'GET', `/activities/${own.json.id}`)).json.organizerContactId,
      aliceContactId,
    );

    const byBob = await api(bob, 'POST', '/activities', invitation);
    assert.equal(byBob.status, 201, JSON.stringify(byBob.json));
    const byAdmin = await api(admin, 'POST', '/activities', invitation);
    assert.equal(byAdmin.status, 201, JSON.stringify(byAdmin.json));
    const byAnyone = await api(alice, 'POST', '/activities', { ...invitation, organizerContactId: guestId });
    assert.equal(byAnyone.status, 201, 'a contact that is no user is anyone to name');
  });

  it('when PATCH or DELETE carry a stale If-Match, then 412 and nothing changes; fresh ones succeed', async () => {
    const created = (
      await api(alice, 'POST', '/activities', {
        title: 'Review',
        start: '2025-02-01T10:00:00Z',
        end: '2025-02-01T11:00:00Z',
      })
    ).json;
    await api(alice, 'PATCH', `/activities/${created.id}`, { status: 'inProgress' });
    const before = await activitiesState();
    assert.equal(
      (await api(alice, 'PATCH', `/activities/${created.id}`, { title: 'Stale' }, { 'if-match': '"1"' }))
        .status,
      412,
    );
    assert.equal(
      (await api(alice, 'DELETE', `/activities/${created.id}`, undefined, { 'if-match': '"1"' })).status,
      412,
    );
    assert.equal(await activitiesState(), before);
    const patched = await api(
      alice,
      'PATCH',
      `/activities/${created.id}`,
      { title: 'Fresh', description: 'notes' },
      { 'if-match': '"2"' },
    );
    assert.equal(patched.status, 200);
    assert.equal(patched.etag, '"3"');
    const removed = await api(alice, 'PATCH', `/activities/${created.id}`, { description: null });
    assert.equal(removed.json.description, undefined);
    for (const [field, value] of [
      ['id', 'x'],
      ['createdAt', 'x'],
      ['modifiedAt', 'x'],
      ['nope', 1],
    ] as const) {
      const reply = await api(alice, 'PATCH', `/activities/${created.id}`, { [field]: value });
      assert.equal(reply.status, 400);
      assert.ok(reply.json.error.details.fields[field]);
    }
    assert.equal((await api(alice, 'PATCH', `/activities/${created.id}`, { title: null })).status, 400);
    assert.equal(
      (await api(alice, 'DELETE', `/activities/${created.id}`, undefined, { 'if-match': '"4"' })).status,
      204,
    );
    assert.equal((await api(alice, 'GET', `/activities/${created.id}`)).status, 404);
    assert.equal((await api(alice, 'PATCH', `/activities/${created.id}`, { title: 'gone' })).status, 404);
  });

  it('when activities are queried with from/to, then exactly those overlapping [from, to) come back, paged', async () => {
    await resetFirestore(stack);
    aliceContactId = (await api(alice, 'GET', '/me')).json.contactId;
    const make = async (title: string, extra: Record<string, unknown>) =>
      (await api(alice, 'POST', '/activities', { title, ...extra })).json;
    await make('before', { start: '2025-05-01T08:00:00Z', end: '2025-05-01T09:00:00Z' });
    await make('ends at from', { start: '2025-05-01T09:00:00Z', end: '2025-05-01T10:00:00Z' });
    await make('crosses from', { start: '2025-05-01T09:30:00Z', end: '2025-05-01T10:30:00Z' });
    await make('inside', { start: '2025-05-01T11:00:00Z', end: '2025-05-01T11:30:00Z' });
    await make('zero at from', { start: '2025-05-01T10:00:00Z', end: '2025-05-01T10:00:00Z' });
    await make('starts at to', { start: '2025-05-01T12:00:00Z', end: '2025-05-01T13:00:00Z' });
    await make('spans all', { start: '2025-04-01T00:00:00Z', end: '2025-06-01T00:00:00Z' });
    await make('all-day in Tokyo', {
      allDay: true,
      start: '2025-05-01',
      end: '2025-05-02',
      timeZone: 'Asia/Tokyo',
    });
    await make('all-day in UTC', { allDay: true, start: '2025-05-01', end: '2025-05-02' });
    await make('all-day next day', { allDay: true, start: '2025-05-02', end: '2025-05-03' });
    const from = encodeURIComponent('2025-05-01T12:00:00+02:00');
    const to = encodeURIComponent('2025-05-01T12:00:00Z');
    const titles: string[] = [];
    let token: string | undefined;
    do {
      const reply = await api(
        alice,
        'GET',
        `/activities?from=${from}&to=${to}&pageSize=2${token ? `&pageToken=${token}` : ''}`,
      );
      assert.equal(reply.status, 200, JSON.stringify(reply.json));
      titles.push(...reply.json.items.map((a: { title: string }) => a.title));
      token = reply.json.nextPageToken;
    } while (token);
    // Tokyo's May 1st is 2025-04-30T15:00Z to 2025-05-01T15:00Z, so it overlaps too.
    assert.deepEqual(titles, [
      'crosses from',
      'inside',
      'zero at from',
      'spans all',
      'all-day in Tokyo',
      'all-day in UTC',
    ]);
    const all = await api(alice, 'GET', '/activities?pageSize=1000');
    assert.equal(all.json.items.length, 10);
    const bad = await api(alice, 'GET', `/activities?from=${to}&to=${from}`);
    assert.equal(bad.status, 400);
    assert.ok(bad.json.error.details.fields.to);
    assert.equal((await api(alice, 'GET', '/activities?from=yesterday&to=2025-01-01')).status, 400);
    assert.equal((await api(alice, 'GET', '/activities?from=2025-01-01')).status, 400);
    const dates = await api(alice, 'GET', '/activities?from=2025-05-02&to=2025-05-03');
    assert.deepEqual(
      dates.json.items.map((a: { title: string }) => a.title),
      ['spans all', 'all-day next day'],
    );
  });

  it('when local midnight is skipped by DST, then all-day activities start at the first instant of their day', async () => {
    await resetFirestore(stack);
    const make = async (title: string, start: string, end: string, timeZone: string) => {
      const reply = await api(alice, 'POST', '/activities', {
        title,
        start,
        end,
        allDay: true,
        timeZone,
        showInCalendar: false,
      });
      assert.equal(reply.status, 201, JSON.stringify(reply.json));
    };
    // Santiago skips 2025-09-07 00:00–00:59 (-04 → -03): the 7th starts at 01:00 local = 04:00Z.
    await make('Santiago 09-06', '2025-09-06', '2025-09-07', 'America/Santiago');
    await make('Santiago 09-07', '2025-09-07', '2025-09-08', 'America/Santiago');
    // Havana skips 2025-03-09 00:00–00:59 (-05 → -04): the 9th starts at 01:00 local = 05:00Z.
    await make('Havana 03-08', '2025-03-08', '2025-03-09', 'America/Havana');
    await make('Havana 03-09', '2025-03-09', '2025-03-10', 'America/Havana');
    const titles = async (from: string, to: string) => {
      const reply = await api(alice, 'GET', `/activities?from=${from}&to=${to}`);
      assert.equal(reply.status, 200, JSON.stringify(reply.json));
      return reply.json.items.map((a: { title: string }) => a.title).sort();
    };
    // 23:00–23:59 local on 09-06.
    assert.deepEqual(await titles('2025-09-07T03:00:00Z', '2025-09-07T03:59:00Z'), ['Santiago 09-06']);
    assert.deepEqual(await titles('2025-09-07T03:30:00Z', '2025-09-07T03:59:00Z'), ['Santiago 09-06']);
    assert.deepEqual(await titles('2025-09-07T04:00:00Z', '2025-09-07T04:01:00Z'), ['Santiago 09-07']);
    assert.deepEqual(await titles('2025-03-09T04:00:00Z', '2025-03-09T04:59:00Z'), ['Havana 03-08']);
    assert.deepEqual(await titles('2025-03-09T05:00:00Z', '2025-03-09T05:01:00Z'), ['Havana 03-09']);
  });
});
