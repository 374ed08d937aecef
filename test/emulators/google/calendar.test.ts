import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'mocha';
import { CalendarEmulator, type CalendarResponse } from '../../../emulators/google/calendar/index.js';

// biome-ignore lint/suspicious/noExplicitAny: API bodies are loosely typed JSON in these tests
type Obj = Record<string, any>;
type Query = Record<string, string | number | boolean | string[] | undefined>;

const ALICE = 'alice@example.com';
const BOB = 'bob@example.com';
const CAROL = 'carol@example.com';

let clock = Date.parse('2026-03-02T09:00:00Z');
let emu: CalendarEmulator;

/** Serialises like the official client (googleapis-common: qs with arrayFormat 'repeat'). */
function toQuery(q: Query = {}): URLSearchParams {
  const out = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) {
    if (v === undefined) continue;
    for (const item of Array.isArray(v) ? v : [v]) out.append(k, String(item));
  }
  return out;
}

function call(
  account: string,
  method: string,
  path: string,
  opts: { query?: Query; body?: unknown; headers?: Record<string, string> } = {},
): CalendarResponse & { body: Obj } {
  clock += 1000;
  const res = emu.handle({
    accountEmail: account,
    method,
    path,
    query: toQuery(opts.query),
    headers: opts.headers ?? {},
    body: opts.body,
  });
  return res as CalendarResponse & { body: Obj };
}

const EV = '/calendars/primary/events';
const list = (account: string, query: Query = {}) => call(account, 'GET', EV, { query });
const insert = (account: string, body: Obj) => call(account, 'POST', EV, { body });
const patch = (account: string, id: string, body: Obj, headers?: Record<string, string>) =>
  call(account, 'PATCH', `${EV}/${id}`, { body, headers });
const del = (account: string, id: string, headers?: Record<string, string>) =>
  call(account, 'DELETE', `${EV}/${id}`, { headers });
const get = (account: string, id: string) => call(account, 'GET', `${EV}/${id}`);

function ok(res: CalendarResponse & { body: Obj }): Obj {
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body;
}

const timed = (start: string, end: string, extra: Obj = {}) => ({
  summary: 'Meeting',
  start: { dateTime: start },
  end: { dateTime: end },
  ...extra,
});

/** Follows nextPageToken to the end; returns all items and the final nextSyncToken. */
function listAll(account: string, query: Query = {}): { items: Obj[]; syncToken: string; pages: number } {
  const items: Obj[] = [];
  let pageToken: string | undefined;
  let pages = 0;
  for (;;) {
    const body = ok(list(account, { ...query, pageToken }));
    pages++;
    items.push(...body.items);
    if (body.nextPageToken) {
      assert.equal(body.nextSyncToken, undefined, 'nextPageToken and nextSyncToken are exclusive');
      pageToken = body.nextPageToken;
    } else {
      assert.equal(typeof body.nextSyncToken, 'string');
      return { items, syncToken: body.nextSyncToken, pages };
    }
  }
}

const FULL_SYNC_BODY = {
  error: {
    errors: [
      {
        domain: 'calendar',
        reason: 'fullSyncRequired',
        message: 'Sync token is no longer valid, a full sync is required.',
        locationType: 'parameter',
        location: 'syncToken',
      },
    ],
    code: 410,
    message: 'Sync token is no longer valid, a full sync is required.',
  },
};

beforeEach(() => {
  clock = Date.parse('2026-03-02T09:00:00Z');
  emu = new CalendarEmulator({ now: () => new Date(clock) });
  emu.ensureAccount(ALICE);
  emu.ensureAccount(BOB);
});

describe('calendar emulator: list and sync', () => {
  it('when a full sync pages through events, then only the last page carries nextSyncToken', () => {
    for (let i = 0; i < 5; i++)
      insert(ALICE, timed(`2026-03-0${i + 3}T10:00:00Z`, `2026-03-0${i + 3}T11:00:00Z`));
    const first = ok(list(ALICE, { maxResults: 2 }));
    assert.equal(first.kind, 'calendar#events');
    assert.equal(first.items.length, 2);
    assert.equal(typeof first.nextPageToken, 'string');
    assert.equal(first.nextSyncToken, undefined);
    for (const k of ['etag', 'summary', 'updated', 'timeZone', 'accessRole', 'defaultReminders'])
      assert.ok(k in first, k);
    const all = listAll(ALICE, { maxResults: 2 });
    assert.equal(all.pages, 3);
    assert.equal(new Set(all.items.map((e) => e.id)).size, 5);
    assert.equal(all.items[0]?.kind, 'calendar#event');
  });

  it('when events are inserted, patched and deleted, then incremental sync returns exactly those, deleted as cancelled', () => {
    const a = ok(insert(ALICE, timed('2026-03-03T10:00:00Z', '2026-03-03T11:00:00Z')));
    const b = ok(insert(ALICE, timed('2026-03-04T10:00:00Z', '2026-03-04T11:00:00Z')));
    ok(insert(ALICE, timed('2026-03-05T10:00:00Z', '2026-03-05T11:00:00Z')));
    const { syncToken } = listAll(ALICE);
    const c = ok(insert(ALICE, timed('2026-03-06T10:00:00Z', '2026-03-06T11:00:00Z', { summary: 'New' })));
    ok(patch(ALICE, a.id, { summary: 'Renamed' }));
    assert.equal(del(ALICE, b.id).status, 204);
    const inc = listAll(ALICE, { syncToken });
    const byId = new Map(inc.items.map((e) => [e.id, e]));
    assert.deepEqual([...byId.keys()].sort(), [a.id, b.id, c.id].sort());
    assert.equal(byId.get(a.id)?.summary, 'Renamed');
    assert.equal(byId.get(b.id)?.status, 'cancelled');
    assert.equal(byId.get(c.id)?.summary, 'New');
    const again = ok(list(ALICE, { syncToken: inc.syncToken }));
    assert.deepEqual(again.items, []);
    assert.equal(typeof again.nextSyncToken, 'string');
  });

  it('when listing without showDeleted, then cancelled events are hidden; with showDeleted they appear', () => {
    const a = ok(insert(ALICE, timed('2026-03-03T10:00:00Z', '2026-03-03T11:00:00Z')));
    del(ALICE, a.id);
    assert.equal(ok(list(ALICE)).items.length, 0);
    assert.equal(ok(list(ALICE, { showDeleted: true })).items[0]?.status, 'cancelled');
    assert.equal(ok(get(ALICE, a.id)).summary, 'Meeting', 'get still returns the cancelled event');
  });

  it('when the sync token is expired or garbage, then 410 with the exact fullSyncRequired body', () => {
    const { syncToken } = listAll(ALICE);
    emu.expireSyncTokens(ALICE);
    const res = list(ALICE, { syncToken });
    assert.equal(res.status, 410);
    assert.deepEqual(res.body, FULL_SYNC_BODY);
    assert.deepEqual(list(ALICE, { syncToken: 'not-a-token' }).body, FULL_SYNC_BODY);
    const bobToken = listAll(BOB).syncToken;
    assert.equal(list(ALICE, { syncToken: bobToken }).status, 410, 'tokens are per calendar');
  });

  it('when a forbidden parameter accompanies syncToken, then 400', () => {
    const { syncToken } = listAll(ALICE);
    const bad: Query[] = [
      { timeMin: '2026-01-01T00:00:00Z' },
      { timeMax: '2026-01-01T00:00:00Z' },
      { orderBy: 'updated' },
      { iCalUID: 'x@google.com' },
      { q: 'x' },
      { updatedMin: '2026-01-01T00:00:00Z' },
      { privateExtendedProperty: 'a=b' },
      { sharedExtendedProperty: 'a=b' },
      { showDeleted: false },
    ];
    for (const extra of bad) {
      const res = list(ALICE, { syncToken, ...extra });
      assert.equal(res.status, 400, JSON.stringify(extra));
      assert.equal(res.body.error.code, 400);
    }
    assert.equal(list(ALICE, { syncToken, showDeleted: true, singleEvents: true }).status, 200);
  });

  it('when timeMin/timeMax bound the list, then end is compared to timeMin and start to timeMax, both exclusive', () => {
    const endsAtMin = ok(insert(ALICE, timed('2026-03-03T09:00:00Z', '2026-03-03T10:00:00Z')));
    const startsAtMax = ok(insert(ALICE, timed('2026-03-03T12:00:00Z', '2026-03-03T13:00:00Z')));
    const straddles = ok(insert(ALICE, timed('2026-03-03T09:30:00Z', '2026-03-03T10:30:00Z')));
    const inside = ok(insert(ALICE, timed('2026-03-03T11:00:00Z', '2026-03-03T11:30:00Z')));
    const ids = ok(
      list(ALICE, { timeMin: '2026-03-03T10:00:00Z', timeMax: '2026-03-03T12:00:00Z' }),
    ).items.map((e: Obj) => e.id);
    assert.deepEqual(ids.sort(), [straddles.id, inside.id].sort());
    assert.ok(!ids.includes(endsAtMin.id) && !ids.includes(startsAtMax.id));
    const empty = list(ALICE, { timeMin: '2026-03-03T12:00:00Z', timeMax: '2026-03-03T12:00:00Z' });
    assert.equal(empty.status, 400);
    assert.equal(empty.body.error.errors[0].reason, 'timeRangeEmpty');
    assert.equal(list(ALICE, { timeMin: '2026-03-03T12:00:00' }).status, 400, 'offset is mandatory');
  });

  it('when orderBy=startTime is used without singleEvents, then 400; with singleEvents, items are sorted by start', () => {
    insert(ALICE, timed('2026-03-05T10:00:00Z', '2026-03-05T11:00:00Z', { summary: 'late' }));
    insert(ALICE, timed('2026-03-03T10:00:00Z', '2026-03-03T11:00:00Z', { summary: 'early' }));
    assert.equal(list(ALICE, { orderBy: 'startTime' }).status, 400);
    const items = ok(list(ALICE, { orderBy: 'startTime', singleEvents: true })).items;
    assert.deepEqual(
      items.map((e: Obj) => e.summary),
      ['early', 'late'],
    );
  });

  it('when filtering by extended properties, then private and shared filters apply and are ANDed', () => {
    const a = ok(
      insert(
        ALICE,
        timed('2026-03-03T10:00:00Z', '2026-03-03T11:00:00Z', {
          extendedProperties: { private: { crmId: '42', src: 'crm' }, shared: { team: 'x' } },
        }),
      ),
    );
    insert(
      ALICE,
      timed('2026-03-04T10:00:00Z', '2026-03-04T11:00:00Z', {
        extendedProperties: { private: { crmId: '43' } },
      }),
    );
    const ids = (q: Query) => ok(list(ALICE, q)).items.map((e: Obj) => e.id);
    assert.deepEqual(ids({ privateExtendedProperty: 'crmId=42' }), [a.id]);
    assert.deepEqual(ids({ privateExtendedProperty: ['crmId=42', 'src=crm'] }), [a.id]);
    assert.deepEqual(ids({ privateExtendedProperty: ['crmId=42', 'src=other'] }), []);
    assert.deepEqual(ids({ sharedExtendedProperty: 'team=x' }), [a.id]);
    assert.deepEqual(ids({ sharedExtendedProperty: 'crmId=42' }), [], 'private is not shared');
  });

  it('when the account calendar is in Europe/Berlin, then dateTimes are rendered with its offset', () => {
    emu.ensureAccount(CAROL, { timeZone: 'Europe/Berlin' });
    const e = ok(insert(CAROL, timed('2026-03-03T10:00:00Z', '2026-03-03T11:00:00Z')));
    assert.equal(e.start.dateTime, '2026-03-03T11:00:00+01:00');
    const listed = ok(list(CAROL, { timeZone: 'UTC' })).items[0];
    assert.equal(listed.start.dateTime, '2026-03-03T10:00:00Z');
  });
});

describe('calendar emulator: writes', () => {
  it('when a client supplies ids, then valid ones are kept, invalid ones 400, reused ones 409 even after delete', () => {
    const id = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
    assert.equal(ok(insert(ALICE, { id, ...timed('2026-03-03T10:00:00Z', '2026-03-03T11:00:00Z') })).id, id);
    for (const bad of ['abcd', 'abcdw', 'ABCDEF', 'abc-def', 'x'.repeat(5), 'a'.repeat(1025)]) {
      const res = insert(ALICE, { id: bad, ...timed('2026-03-03T10:00:00Z', '2026-03-03T11:00:00Z') });
      assert.equal(res.status, 400, bad);
    }
    assert.equal(
      insert(ALICE, { id: 'a'.repeat(1024), ...timed('2026-03-03T10:00:00Z', '2026-03-03T11:00:00Z') })
        .status,
      200,
    );
    const dup = insert(ALICE, { id, ...timed('2026-03-03T10:00:00Z', '2026-03-03T11:00:00Z') });
    assert.equal(dup.status, 409);
    assert.deepEqual(dup.body.error.errors[0], {
      domain: 'global',
      reason: 'duplicate',
      message: 'The requested identifier already exists.',
    });
    del(ALICE, id);
    assert.equal(insert(ALICE, { id, ...timed('2026-03-03T10:00:00Z', '2026-03-03T11:00:00Z') }).status, 409);
  });

  it('when an event is created, then server fields are set; each change bumps etag, updated and sequence', () => {
    const e = ok(
      insert(ALICE, timed('2026-03-03T10:00:00Z', '2026-03-03T11:00:00Z', { colorId: '5', foo: 'bar' })),
    );
    assert.match(e.id, /^[a-v0-9]{26}$/);
    assert.equal(e.iCalUID, `${e.id}@google.com`);
    assert.equal(e.status, 'confirmed');
    assert.equal(e.kind, 'calendar#event');
    assert.equal(e.sequence, 0);
    assert.deepEqual(e.organizer, { email: ALICE, self: true });
    assert.deepEqual(e.creator, { email: ALICE, self: true });
    assert.equal(e.foo, 'bar', 'unknown fields round-trip');
    assert.match(e.etag, /^"\d+"$/);
    const p = ok(patch(ALICE, e.id, { start: { dateTime: '2026-03-03T10:30:00Z' } }));
    assert.notEqual(p.etag, e.etag);
    assert.ok(p.updated > e.updated);
    assert.equal(p.sequence, 1);
    assert.equal(p.summary, 'Meeting', 'patch keeps other fields');
    assert.equal(p.end.dateTime, '2026-03-03T11:00:00Z');
  });

  it('when If-Match carries a stale etag, then patch, update and delete fail with 412', () => {
    const e = ok(insert(ALICE, timed('2026-03-03T10:00:00Z', '2026-03-03T11:00:00Z')));
    const p = ok(patch(ALICE, e.id, { summary: 'v2' }, { 'If-Match': e.etag }));
    const stale = patch(ALICE, e.id, { summary: 'v3' }, { 'If-Match': e.etag });
    assert.equal(stale.status, 412);
    assert.deepEqual(stale.body.error.errors[0], {
      domain: 'global',
      reason: 'conditionNotMet',
      message: 'Precondition Failed',
      locationType: 'header',
      location: 'If-Match',
    });
    const put = call(ALICE, 'PUT', `${EV}/${e.id}`, {
      body: { ...p, summary: 'v3' },
      headers: { 'if-match': e.etag },
    });
    assert.equal(put.status, 412);
    assert.equal(del(ALICE, e.id, { 'If-Match': e.etag }).status, 412);
    assert.equal(del(ALICE, e.id, { 'If-Match': p.etag }).status, 204);
  });

  it('when an event is deleted twice, then the second delete is 410 deleted', () => {
    const e = ok(insert(ALICE, timed('2026-03-03T10:00:00Z', '2026-03-03T11:00:00Z')));
    assert.equal(del(ALICE, e.id).status, 204);
    const again = del(ALICE, e.id);
    assert.equal(again.status, 410);
    assert.deepEqual(again.body.error.errors[0], {
      domain: 'global',
      reason: 'deleted',
      message: 'Resource has been deleted',
    });
    assert.equal(del(ALICE, 'nosuchevent1').status, 404);
  });

  it('when start/end are missing or reversed, then 400 required / timeRangeEmpty in the legacy envelope', () => {
    const noEnd = insert(ALICE, { summary: 'x', start: { dateTime: '2026-03-03T10:00:00Z' } });
    assert.equal(noEnd.status, 400);
    assert.deepEqual(noEnd.body, {
      error: {
        errors: [{ domain: 'global', reason: 'required', message: 'Missing end time.' }],
        code: 400,
        message: 'Missing end time.',
      },
    });
    const reversed = insert(ALICE, timed('2026-03-03T11:00:00Z', '2026-03-03T10:00:00Z'));
    assert.equal(reversed.status, 400);
    assert.equal(reversed.body.error.errors[0].reason, 'timeRangeEmpty');
    const noZone = insert(ALICE, timed('2026-03-03T10:00:00', '2026-03-03T11:00:00'));
    assert.equal(noZone.status, 400);
    const recurringNoZone = insert(
      ALICE,
      timed('2026-03-03T10:00:00Z', '2026-03-03T11:00:00Z', { recurrence: ['RRULE:FREQ=DAILY;COUNT=2'] }),
    );
    assert.equal(recurringNoZone.status, 400, 'recurring events need timeZone');
  });

  it('when an event is updated, then omitted fields are cleared and start/end stay required', () => {
    const e = ok(insert(ALICE, timed('2026-03-03T10:00:00Z', '2026-03-03T11:00:00Z', { description: 'd' })));
    const u = ok(
      call(ALICE, 'PUT', `${EV}/${e.id}`, { body: timed('2026-03-03T10:00:00Z', '2026-03-03T12:00:00Z') }),
    );
    assert.equal(u.description, undefined);
    assert.equal(u.id, e.id);
    assert.equal(call(ALICE, 'PUT', `${EV}/${e.id}`, { body: { summary: 'x' } }).status, 400);
  });

  it('when the same iCalUID is imported twice, then the event is updated, not duplicated', () => {
    const body = { iCalUID: 'ext-123@crm.example', ...timed('2026-03-03T10:00:00Z', '2026-03-03T11:00:00Z') };
    const first = ok(call(ALICE, 'POST', `${EV}/import`, { body }));
    const second = ok(call(ALICE, 'POST', `${EV}/import`, { body: { ...body, summary: 'Changed' } }));
    assert.equal(second.id, first.id);
    assert.equal(ok(list(ALICE)).items.length, 1);
    assert.equal(ok(list(ALICE, { iCalUID: 'ext-123@crm.example' })).items[0].summary, 'Changed');
    assert.equal(
      call(ALICE, 'POST', `${EV}/import`, { body: timed('2026-03-03T10:00:00Z', '2026-03-03T11:00:00Z') })
        .status,
      400,
    );
  });

  it('when an all-day event is created, then it keeps dates and an end on or before start is rejected', () => {
    const e = ok(
      insert(ALICE, { summary: 'Holiday', start: { date: '2026-03-10' }, end: { date: '2026-03-11' } }),
    );
    assert.deepEqual(e.start, { date: '2026-03-10' });
    assert.equal(insert(ALICE, { start: { date: '2026-03-10' }, end: { date: '2026-03-10' } }).status, 400);
    const ids = ok(list(ALICE, { timeMin: '2026-03-10T12:00:00Z', timeMax: '2026-03-10T13:00:00Z' })).items;
    assert.equal(ids.length, 1);
  });
});

describe('calendar emulator: recurring events', () => {
  const weekly = (rule: string[], extra: Obj = {}) => ({
    summary: 'Standup',
    start: { dateTime: '2026-03-02T10:00:00+01:00', timeZone: 'Europe/Berlin' },
    end: { dateTime: '2026-03-02T10:15:00+01:00', timeZone: 'Europe/Berlin' },
    recurrence: rule,
    ...extra,
  });
  const instances = (query: Query = {}) =>
    ok(list(ALICE, { singleEvents: true, orderBy: 'startTime', ...query, timeZone: 'UTC' })).items as Obj[];

  it('when a weekly BYDAY rule with COUNT is expanded, then instances get ids, recurringEventId and originalStartTime', () => {
    const s = ok(insert(ALICE, weekly(['RRULE:FREQ=WEEKLY;BYDAY=MO,WE,FR;COUNT=5'])));
    const items = instances();
    assert.deepEqual(
      items.map((i) => i.start.dateTime),
      [
        '2026-03-02T09:00:00Z',
        '2026-03-04T09:00:00Z',
        '2026-03-06T09:00:00Z',
        '2026-03-09T09:00:00Z',
        '2026-03-11T09:00:00Z',
      ],
    );
    assert.equal(items[1]?.id, `${s.id}_20260304T090000Z`);
    assert.equal(items[1]?.recurringEventId, s.id);
    assert.deepEqual(items[1]?.originalStartTime, {
      dateTime: '2026-03-04T09:00:00Z',
      timeZone: 'Europe/Berlin',
    });
    assert.equal(items[1]?.iCalUID, s.iCalUID);
    assert.equal(items[1]?.recurrence, undefined);
    const series = ok(list(ALICE)).items;
    assert.equal(series.length, 1, 'without singleEvents the series is one item');
    assert.deepEqual(series[0].recurrence, ['RRULE:FREQ=WEEKLY;BYDAY=MO,WE,FR;COUNT=5']);
  });

  it('when a series crosses the DST change, then the local wall time stays the same', () => {
    ok(insert(ALICE, weekly(['RRULE:FREQ=WEEKLY;UNTIL=20260406T000000Z'])));
    const starts = instances().map((i) => i.start.dateTime);
    assert.deepEqual(starts, [
      '2026-03-02T09:00:00Z',
      '2026-03-09T09:00:00Z',
      '2026-03-16T09:00:00Z',
      '2026-03-23T09:00:00Z',
      '2026-03-30T08:00:00Z',
    ]);
  });

  it('when EXDATE, INTERVAL and UNTIL are used, then excluded dates are skipped and the series ends', () => {
    ok(
      insert(
        ALICE,
        weekly([
          'RRULE:FREQ=DAILY;INTERVAL=2;UNTIL=20260310T235959Z',
          'EXDATE;TZID=Europe/Berlin:20260304T100000',
        ]),
      ),
    );
    assert.deepEqual(
      instances().map((i) => i.start.dateTime.slice(0, 10)),
      ['2026-03-02', '2026-03-06', '2026-03-08', '2026-03-10'],
    );
  });

  it('when MONTHLY and YEARLY rules are expanded, then short months and leap days are skipped', () => {
    ok(
      insert(ALICE, {
        ...weekly(['RRULE:FREQ=MONTHLY;COUNT=3']),
        start: { dateTime: '2026-01-31T10:00:00Z', timeZone: 'UTC' },
        end: { dateTime: '2026-01-31T11:00:00Z', timeZone: 'UTC' },
      }),
    );
    assert.deepEqual(
      instances().map((i) => i.start.dateTime.slice(0, 10)),
      ['2026-01-31', '2026-03-31', '2026-05-31'],
    );
  });

  it('when an instance is moved and another cancelled, then they are stored as exceptions', () => {
    const s = ok(insert(ALICE, weekly(['RRULE:FREQ=DAILY;COUNT=4'])));
    const { syncToken } = listAll(ALICE);
    const movedId = `${s.id}_20260303T090000Z`;
    const cancelledId = `${s.id}_20260304T090000Z`;
    const moved = ok(
      patch(ALICE, movedId, {
        start: { dateTime: '2026-03-03T14:00:00Z' },
        end: { dateTime: '2026-03-03T14:15:00Z' },
      }),
    );
    assert.equal(moved.id, movedId);
    assert.equal(del(ALICE, cancelledId).status, 204);
    const items = instances();
    assert.deepEqual(
      items.map((i) => i.id),
      [`${s.id}_20260302T090000Z`, movedId, `${s.id}_20260305T090000Z`],
    );
    assert.equal(items[1]?.start.dateTime, '2026-03-03T14:00:00Z');
    assert.deepEqual(items[1]?.originalStartTime, {
      dateTime: '2026-03-03T09:00:00Z',
      timeZone: 'Europe/Berlin',
    });
    const raw = ok(list(ALICE, { timeZone: 'UTC' })).items as Obj[];
    assert.deepEqual(raw.map((i) => i.id).sort(), [s.id, movedId, cancelledId].sort());
    assert.deepEqual(
      raw.find((i) => i.id === cancelledId),
      {
        kind: 'calendar#event',
        etag: raw.find((i) => i.id === cancelledId)?.etag,
        id: cancelledId,
        status: 'cancelled',
        recurringEventId: s.id,
        originalStartTime: { dateTime: '2026-03-04T09:00:00Z', timeZone: 'Europe/Berlin' },
      },
    );
    const inc = listAll(ALICE, { syncToken }).items.map((i) => i.id);
    assert.deepEqual(inc.sort(), [movedId, cancelledId].sort());
    const inst = ok(call(ALICE, 'GET', `${EV}/${s.id}/instances`)).items as Obj[];
    assert.equal(inst.length, 3);
    assert.equal(ok(get(ALICE, `${s.id}_20260305T090000Z`)).recurringEventId, s.id);
    assert.equal(get(ALICE, `${s.id}_20260305T091000Z`).status, 404);
  });

  it('when an all-day series is expanded, then instance ids use the date suffix', () => {
    const s = ok(
      insert(ALICE, {
        summary: 'Daily',
        start: { date: '2026-03-02' },
        end: { date: '2026-03-03' },
        recurrence: ['RRULE:FREQ=DAILY;COUNT=2'],
      }),
    );
    const items = instances();
    assert.deepEqual(
      items.map((i) => i.id),
      [`${s.id}_20260302`, `${s.id}_20260303`],
    );
    assert.deepEqual(items[1]?.originalStartTime, { date: '2026-03-03' });
    assert.deepEqual(items[1]?.end, { date: '2026-03-04' });
  });
});

describe('calendar emulator: attendees', () => {
  const meeting = (attendees: string[], extra: Obj = {}) =>
    timed('2026-03-03T10:00:00Z', '2026-03-03T11:00:00Z', {
      attendees: attendees.map((email) => ({ email })),
      ...extra,
    });

  it('when an organizer invites a known account, then the attendee sees the same event with own self flags', () => {
    const e = ok(
      insert(
        ALICE,
        meeting([BOB, 'ext@other.com'], {
          extendedProperties: { private: { crm: '1' }, shared: { s: '1' } },
        }),
      ),
    );
    const bobItems = ok(list(BOB)).items as Obj[];
    assert.equal(bobItems.length, 1);
    const copy = bobItems[0] as Obj;
    assert.equal(copy.id, e.id);
    assert.equal(copy.iCalUID, e.iCalUID);
    assert.deepEqual(copy.organizer, { email: ALICE });
    assert.deepEqual(copy.attendees, [
      { email: BOB, responseStatus: 'needsAction', self: true },
      { email: 'ext@other.com', responseStatus: 'needsAction' },
    ]);
    assert.deepEqual(
      copy.extendedProperties,
      { shared: { s: '1' } },
      'private properties stay with their copy',
    );
  });

  it('when the organizer changes or the attendee responds, then both copies follow', () => {
    const e = ok(insert(ALICE, meeting([BOB])));
    const bobToken = listAll(BOB).syncToken;
    ok(
      patch(ALICE, e.id, {
        summary: 'Moved',
        start: { dateTime: '2026-03-03T12:00:00Z' },
        end: { dateTime: '2026-03-03T13:00:00Z' },
      }),
    );
    const inc = listAll(BOB, { syncToken: bobToken });
    assert.equal(inc.items[0]?.summary, 'Moved');
    assert.equal(inc.items[0]?.start.dateTime, '2026-03-03T12:00:00Z');
    emu.userRespond(BOB, e.id, 'accepted');
    assert.equal(ok(get(ALICE, e.id)).attendees[0].responseStatus, 'accepted');
    const viaPatch = patch(BOB, e.id, { attendees: [{ email: BOB, responseStatus: 'declined' }] });
    assert.equal(viaPatch.status, 200, JSON.stringify(viaPatch.body));
    assert.equal(ok(get(ALICE, e.id)).attendees[0].responseStatus, 'declined');
    const priv = ok(patch(BOB, e.id, { extendedProperties: { private: { mine: 'yes' } } }));
    assert.deepEqual(priv.extendedProperties, { private: { mine: 'yes' } });
    assert.equal(ok(get(ALICE, e.id)).extendedProperties, undefined);
  });

  it('when the organizer re-sends attendees without responses, then given responses are kept', () => {
    emu.ensureAccount(CAROL);
    const e = ok(insert(ALICE, meeting([BOB])));
    emu.userRespond(BOB, e.id, 'accepted');
    const p = ok(patch(ALICE, e.id, { attendees: [{ email: BOB }, { email: CAROL }] }));
    assert.deepEqual(
      p.attendees.map((a: Obj) => [a.email, a.responseStatus]),
      [
        [BOB, 'accepted'],
        [CAROL, 'needsAction'],
      ],
    );
    assert.equal(ok(list(CAROL)).items[0]?.id, e.id);
  });

  it('when an attendee changes a shared field, then 403 forbiddenForNonOrganizer', () => {
    const e = ok(insert(ALICE, meeting([BOB])));
    const res = patch(BOB, e.id, { summary: 'Mine now' });
    assert.equal(res.status, 403);
    assert.equal(res.body.error.errors[0].reason, 'forbiddenForNonOrganizer');
    assert.equal(ok(get(ALICE, e.id)).summary, 'Meeting');
  });

  it('when an attendee is removed or the event cancelled, then their incremental sync shows it cancelled', () => {
    emu.ensureAccount(CAROL);
    const e = ok(insert(ALICE, meeting([BOB, CAROL])));
    const bobToken = listAll(BOB).syncToken;
    const carolToken = listAll(CAROL).syncToken;
    ok(patch(ALICE, e.id, { attendees: [{ email: CAROL }] }));
    const bobInc = listAll(BOB, { syncToken: bobToken }).items;
    assert.deepEqual(
      bobInc.map((i) => [i.id, i.status]),
      [[e.id, 'cancelled']],
    );
    assert.equal(ok(list(BOB)).items.length, 0);
    del(ALICE, e.id);
    const carolInc = listAll(CAROL, { syncToken: carolToken }).items;
    assert.deepEqual(
      carolInc.map((i) => [i.id, i.status]),
      [[e.id, 'cancelled']],
    );
  });

  it('when an account appears after the invitation, then it gets the copy too', () => {
    const e = ok(insert(ALICE, meeting([CAROL])));
    emu.ensureAccount(CAROL);
    assert.equal(ok(list(CAROL)).items[0]?.id, e.id);
  });
});

describe('calendar emulator: control and routing', () => {
  it('when methodName is asked, then it names the Calendar method', () => {
    assert.equal(emu.methodName('GET', '/calendars/primary/events'), 'calendar.events.list');
    assert.equal(emu.methodName('POST', '/calendars/primary/events/import'), 'calendar.events.import');
    assert.equal(
      emu.methodName('GET', '/calendars/primary/events/abc/instances'),
      'calendar.events.instances',
    );
    assert.equal(emu.methodName('PATCH', '/calendars/a%40b.com/events/abc'), 'calendar.events.patch');
  });

  it('when a user acts in the UI, then the API sees it; the calendar id may be the account email', () => {
    const e = emu.userCreateEvent(ALICE, timed('2026-03-03T10:00:00Z', '2026-03-03T11:00:00Z')) as Obj;
    emu.userUpdateEvent(ALICE, e.id, { summary: 'UI' });
    assert.equal(
      ok(call(ALICE, 'GET', `/calendars/${encodeURIComponent(ALICE)}/events/${e.id}`)).summary,
      'UI',
    );
    emu.userCancelEvent(ALICE, e.id);
    assert.equal(ok(get(ALICE, e.id)).status, 'cancelled');
    assert.equal(call(ALICE, 'GET', `/calendars/${encodeURIComponent(BOB)}/events`).status, 404);
    emu.reset();
    assert.deepEqual(emu.dump(), {});
  });
});

describe('calendar emulator: more sync and recurrence cases', () => {
  it('when an incremental sync spans several pages, then every change arrives once and the token comes last', () => {
    const { syncToken } = listAll(ALICE);
    for (let i = 0; i < 5; i++)
      insert(ALICE, timed(`2026-03-0${i + 3}T10:00:00Z`, `2026-03-0${i + 3}T11:00:00Z`));
    const inc = listAll(ALICE, { syncToken, maxResults: 2 });
    assert.equal(inc.pages, 3);
    assert.equal(new Set(inc.items.map((e) => e.id)).size, 5);
    assert.deepEqual(ok(list(ALICE, { syncToken: inc.syncToken })).items, []);
  });

  it('when an event changes while a full sync is paging, then the next incremental sync reports it', () => {
    const a = ok(insert(ALICE, timed('2026-03-03T10:00:00Z', '2026-03-03T11:00:00Z')));
    insert(ALICE, timed('2026-03-04T10:00:00Z', '2026-03-04T11:00:00Z'));
    const first = ok(list(ALICE, { maxResults: 1 }));
    ok(patch(ALICE, a.id, { summary: 'during paging' }));
    const last = ok(list(ALICE, { maxResults: 1, pageToken: first.nextPageToken }));
    const inc = ok(list(ALICE, { syncToken: last.nextSyncToken })).items;
    assert.deepEqual(
      inc.map((e: Obj) => e.summary),
      ['during paging'],
    );
  });

  it('when updatedMin is given, then only later changes are listed, deleted ones included', () => {
    const a = ok(insert(ALICE, timed('2026-03-03T10:00:00Z', '2026-03-03T11:00:00Z')));
    ok(insert(ALICE, timed('2026-03-04T10:00:00Z', '2026-03-04T11:00:00Z')));
    const since = new Date(clock + 500).toISOString();
    del(ALICE, a.id);
    const items = ok(list(ALICE, { updatedMin: since })).items;
    assert.deepEqual(
      items.map((e: Obj) => [e.id, e.status]),
      [[a.id, 'cancelled']],
    );
  });

  it('when a sync token outlives the configured TTL, then 410', () => {
    emu = new CalendarEmulator({ now: () => new Date(clock), syncTokenTtlMs: 60_000 });
    const { syncToken } = listAll(ALICE);
    assert.equal(list(ALICE, { syncToken }).status, 200);
    clock += 61_000;
    assert.deepEqual(list(ALICE, { syncToken }).body, FULL_SYNC_BODY);
  });

  it('when the body is not JSON, then 400 parseError', () => {
    const res = call(ALICE, 'POST', EV, { body: '{nope' });
    assert.equal(res.status, 400);
    assert.equal(res.body.error.errors[0].reason, 'parseError');
  });

  it('when a yearly series starts on Feb 29, then only leap years have instances', () => {
    ok(
      insert(ALICE, {
        start: { date: '2028-02-29' },
        end: { date: '2028-03-01' },
        recurrence: ['RRULE:FREQ=YEARLY;COUNT=2'],
      }),
    );
    const items = ok(list(ALICE, { singleEvents: true, orderBy: 'startTime' })).items;
    assert.deepEqual(
      items.map((e: Obj) => e.start.date),
      ['2028-02-29', '2032-02-29'],
    );
  });

  it('when an attendee declines one instance of a series, then the organizer sees the decline on that instance only', () => {
    const s = ok(
      insert(ALICE, {
        summary: 'Weekly',
        start: { dateTime: '2026-03-02T10:00:00Z', timeZone: 'UTC' },
        end: { dateTime: '2026-03-02T11:00:00Z', timeZone: 'UTC' },
        recurrence: ['RRULE:FREQ=WEEKLY;COUNT=3'],
        attendees: [{ email: BOB }],
      }),
    );
    const second = `${s.id}_20260309T100000Z`;
    emu.userRespond(BOB, second, 'declined');
    const alice = ok(list(ALICE, { singleEvents: true, orderBy: 'startTime' })).items as Obj[];
    assert.deepEqual(
      alice.map((i) => i.attendees[0].responseStatus),
      ['needsAction', 'declined', 'needsAction'],
    );
    const bob = ok(list(BOB, { singleEvents: true, orderBy: 'startTime' })).items as Obj[];
    assert.equal(bob[1]?.id, second);
    assert.equal(bob[1]?.attendees[0].responseStatus, 'declined');
    assert.equal(del(BOB, `${s.id}_20260316T100000Z`).status, 204);
    assert.equal(ok(list(BOB, { singleEvents: true })).items.length, 2);
    assert.equal(ok(get(ALICE, `${s.id}_20260316T100000Z`)).attendees[0].responseStatus, 'declined');
  });

  it('when the organizer deletes a series, then attendee copies and exceptions are cancelled', () => {
    const s = ok(
      insert(ALICE, {
        start: { dateTime: '2026-03-02T10:00:00Z', timeZone: 'UTC' },
        end: { dateTime: '2026-03-02T11:00:00Z', timeZone: 'UTC' },
        recurrence: ['RRULE:FREQ=DAILY'],
        attendees: [{ email: BOB }],
      }),
    );
    ok(patch(ALICE, `${s.id}_20260303T100000Z`, { summary: 'special' }));
    const token = listAll(BOB).syncToken;
    del(ALICE, s.id);
    const inc = listAll(BOB, { syncToken: token }).items;
    assert.deepEqual(
      inc.map((i) => i.status),
      ['cancelled', 'cancelled'],
    );
    assert.equal(ok(list(BOB, { singleEvents: true })).items.length, 0);
  });
});
