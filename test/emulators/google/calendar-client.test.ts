// The Calendar emulator driven over HTTP by the official @googleapis/calendar client, authorized with
// real OAuth tokens issued by the emulator: the behaviour crm-google-sync relies on (docs/google-apis.md#calendar-api).
import assert from 'node:assert/strict';
import { calendar_v3 } from '@googleapis/calendar';
import type { OAuth2Client } from 'google-auth-library';
import { beforeEach, describe, it } from 'mocha';
import {
  ALICE,
  accessOnly,
  CALENDAR,
  CONTACTS,
  calendarApi,
  failure,
  linkedClient,
  suiteEnv,
} from './helpers.js';

const BOB = 'bob@acme.test';
const CAROL = 'carol@acme.test';
const CAL_SCOPES = ['openid', 'email', CALENDAR];

type Event = calendar_v3.Schema$Event;

const timed = (start: string, end: string, extra: Event = {}): Event => ({
  summary: 'Meeting',
  start: { dateTime: start },
  end: { dateTime: end },
  ...extra,
});

/** Status, body and headers of an error thrown by the official client (a GaxiosError). */
async function gaxiosFailure(p: Promise<unknown>) {
  const err = await failure(p);
  assert.equal(typeof err.headers.get, 'function', 'a gaxios response carries Headers');
  return err;
}

describe('Google emulator — Calendar v3 through the official @googleapis/calendar client', () => {
  const env = suiteEnv(beforeEach);

  async function calendarFor(email = ALICE): Promise<{ calendar: calendar_v3.Calendar; auth: OAuth2Client }> {
    const { client } = await linkedClient(env.base, CAL_SCOPES, email);
    return { calendar: calendarApi(env.base, client), auth: client };
  }

  /** Full sync: follows nextPageToken and returns every page's body. */
  async function fullSync(calendar: calendar_v3.Calendar, maxResults?: number) {
    const pages: calendar_v3.Schema$Events[] = [];
    let pageToken: string | undefined;
    do {
      const res = await calendar.events.list({ calendarId: 'primary', maxResults, pageToken });
      assert.equal(res.status, 200);
      pages.push(res.data);
      pageToken = res.data.nextPageToken ?? undefined;
    } while (pageToken);
    return pages;
  }

  describe('sync', () => {
    it('when a full sync pages with a small maxResults, then every page but the last has nextPageToken and only the last has nextSyncToken', async () => {
      const { calendar } = await calendarFor();
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const ev = await env.control.calendarCreateEvent(
          ALICE,
          timed(`2026-03-0${i + 2}T10:00:00Z`, `2026-03-0${i + 2}T11:00:00Z`, { summary: `E${i}` }),
        );
        ids.push(String(ev.id));
      }
      const pages = await fullSync(calendar, 2);
      assert.equal(pages.length, 3);
      for (const page of pages.slice(0, -1)) {
        assert.equal(page.items?.length, 2);
        assert.equal(typeof page.nextPageToken, 'string');
        assert.equal(page.nextSyncToken, undefined);
      }
      const last = pages.at(-1);
      assert.equal(last?.nextPageToken, undefined);
      assert.equal(typeof last?.nextSyncToken, 'string');
      assert.equal(last?.kind, 'calendar#events');
      assert.deepEqual(pages.flatMap((p) => p.items?.map((e) => e.id) ?? []).sort(), [...ids].sort());
    });

    it('when the user inserts, edits and deletes events in Google Calendar, then the incremental sync returns exactly those changes, the deleted one as cancelled', async () => {
      const { calendar } = await calendarFor();
      const kept = await env.control.calendarCreateEvent(
        ALICE,
        timed('2026-03-02T08:00:00Z', '2026-03-02T09:00:00Z'),
      );
      const edited = await env.control.calendarCreateEvent(
        ALICE,
        timed('2026-03-02T10:00:00Z', '2026-03-02T11:00:00Z'),
      );
      const removed = await env.control.calendarCreateEvent(
        ALICE,
        timed('2026-03-02T12:00:00Z', '2026-03-02T13:00:00Z'),
      );
      const pages = await fullSync(calendar, 2);
      const syncToken = pages.at(-1)?.nextSyncToken ?? '';
      assert.ok(syncToken);
      assert.equal(pages.flatMap((p) => p.items ?? []).length, 3);

      const added = await env.control.calendarCreateEvent(
        ALICE,
        timed('2026-03-03T10:00:00Z', '2026-03-03T11:00:00Z', { summary: 'Added in Google' }),
      );
      await env.control.calendarUpdateEvent(ALICE, String(edited.id), { summary: 'Renamed in Google' });
      await env.control.calendarCancelEvent(ALICE, String(removed.id));

      // Paged incremental sync (syncToken sent along with each pageToken, as Google's samples do).
      const first = await calendar.events.list({ calendarId: 'primary', syncToken, maxResults: 2 });
      assert.equal(first.data.items?.length, 2);
      assert.equal(first.data.nextSyncToken, undefined);
      const second = await calendar.events.list({
        calendarId: 'primary',
        syncToken,
        maxResults: 2,
        pageToken: first.data.nextPageToken ?? '',
      });
      assert.equal(second.data.nextPageToken, undefined);
      assert.deepEqual(
        [...(first.data.items ?? []), ...(second.data.items ?? [])].map((e) => e.id).sort(),
        [added.id, edited.id, removed.id].sort(),
      );

      const inc = await calendar.events.list({ calendarId: 'primary', syncToken });
      assert.equal(inc.data.nextPageToken, undefined);
      assert.equal(typeof inc.data.nextSyncToken, 'string');
      const byId = new Map((inc.data.items ?? []).map((e) => [e.id, e]));
      assert.deepEqual([...byId.keys()].sort(), [added.id, edited.id, removed.id].sort());
      assert.ok(!byId.has(String(kept.id)));
      assert.equal(byId.get(String(added.id))?.summary, 'Added in Google');
      assert.equal(byId.get(String(edited.id))?.summary, 'Renamed in Google');
      assert.equal(byId.get(String(edited.id))?.status, 'confirmed');
      assert.equal(byId.get(String(removed.id))?.status, 'cancelled');

      const again = await calendar.events.list({
        calendarId: 'primary',
        syncToken: inc.data.nextSyncToken ?? '',
      });
      assert.deepEqual(again.data.items, []);
      assert.equal(typeof again.data.nextSyncToken, 'string');
    });

    it('when the sync token has expired, then the client rejects with HTTP 410 fullSyncRequired', async () => {
      const { calendar } = await calendarFor();
      await env.control.calendarCreateEvent(ALICE, timed('2026-03-02T10:00:00Z', '2026-03-02T11:00:00Z'));
      const [page] = await fullSync(calendar);
      const syncToken = page?.nextSyncToken ?? '';
      assert.ok(syncToken);
      await env.control.expireCalendarSyncTokens(ALICE);
      await env.control.clearRequests();

      const err = await gaxiosFailure(calendar.events.list({ calendarId: 'primary', syncToken }));
      assert.equal(err.status, 410);
      assert.deepEqual(err.data, {
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
      });
      // 410 is not retried by the client.
      assert.equal((await env.control.requests()).counts['calendar.events.list'], 1);
      // And the GaxiosError itself carries the status.
      await assert.rejects(calendar.events.list({ calendarId: 'primary', syncToken }), (e: unknown) => {
        assert.equal((e as { status?: number }).status, 410);
        return true;
      });
    });
  });

  describe('writes', () => {
    it('when an event is inserted with a client-supplied id, then it is kept; the same id again → 409 duplicate; an invalid id → 400', async () => {
      const { calendar } = await calendarFor();
      const id = 'crm0deal0042a';
      const res = await calendar.events.insert({
        calendarId: 'primary',
        requestBody: timed('2026-03-02T10:00:00Z', '2026-03-02T11:00:00Z', { id }),
      });
      assert.equal(res.status, 200);
      assert.equal(res.data.id, id);
      assert.equal(res.data.iCalUID, `${id}@google.com`);
      assert.equal(res.data.kind, 'calendar#event');

      const dup = await gaxiosFailure(
        calendar.events.insert({
          calendarId: 'primary',
          requestBody: timed('2026-03-03T10:00:00Z', '2026-03-03T11:00:00Z', { id }),
        }),
      );
      assert.equal(dup.status, 409);
      assert.deepEqual(dup.data.error.errors, [
        { domain: 'global', reason: 'duplicate', message: 'The requested identifier already exists.' },
      ]);
      assert.equal(dup.data.error.code, 409);

      for (const bad of ['CRM-Deal-42', 'abcd', 'wxyz0123']) {
        const err = await gaxiosFailure(
          calendar.events.insert({
            calendarId: 'primary',
            requestBody: timed('2026-03-03T10:00:00Z', '2026-03-03T11:00:00Z', { id: bad }),
          }),
        );
        assert.equal(err.status, 400, bad);
        assert.equal(err.data.error.code, 400);
      }
      const all = await calendar.events.list({ calendarId: 'primary' });
      assert.deepEqual(
        all.data.items?.map((e) => e.id),
        [id],
      );
    });

    it('when a patch carries a stale etag in If-Match, then 412 conditionNotMet; with the current etag, then 200 and a new etag', async () => {
      const { calendar } = await calendarFor();
      const created = await calendar.events.insert({
        calendarId: 'primary',
        requestBody: timed('2026-03-02T10:00:00Z', '2026-03-02T11:00:00Z'),
      });
      const id = created.data.id ?? '';
      const staleEtag = created.data.etag ?? '';
      assert.match(staleEtag, /^"\d+"$/);
      await env.control.calendarUpdateEvent(ALICE, id, { summary: 'Changed in Google' });

      const err = await gaxiosFailure(
        calendar.events.patch(
          { calendarId: 'primary', eventId: id, requestBody: { summary: 'From CRM' } },
          { headers: { 'If-Match': staleEtag } },
        ),
      );
      assert.equal(err.status, 412);
      assert.deepEqual(err.data.error.errors, [
        {
          domain: 'global',
          reason: 'conditionNotMet',
          message: 'Precondition Failed',
          locationType: 'header',
          location: 'If-Match',
        },
      ]);
      const current = await calendar.events.get({ calendarId: 'primary', eventId: id });
      assert.equal(current.data.summary, 'Changed in Google');

      const patched = await calendar.events.patch(
        { calendarId: 'primary', eventId: id, requestBody: { summary: 'From CRM' } },
        { headers: { 'If-Match': current.data.etag ?? '' } },
      );
      assert.equal(patched.status, 200);
      assert.equal(patched.data.summary, 'From CRM');
      assert.notEqual(patched.data.etag, current.data.etag);
      assert.match(patched.data.etag ?? '', /^"\d+"$/);
    });

    it('when an event is deleted, then get returns it as cancelled and deleting it again → 410 deleted', async () => {
      const { calendar } = await calendarFor();
      const created = await calendar.events.insert({
        calendarId: 'primary',
        requestBody: timed('2026-03-02T10:00:00Z', '2026-03-02T11:00:00Z'),
      });
      const eventId = created.data.id ?? '';
      const del = await calendar.events.delete({ calendarId: 'primary', eventId });
      assert.equal(del.status, 204);

      const got = await calendar.events.get({ calendarId: 'primary', eventId });
      assert.equal(got.data.id, eventId);
      assert.equal(got.data.status, 'cancelled');
      const listed = await calendar.events.list({ calendarId: 'primary' });
      assert.deepEqual(listed.data.items, []);

      await env.control.clearRequests();
      const err = await gaxiosFailure(calendar.events.delete({ calendarId: 'primary', eventId }));
      assert.equal(err.status, 410);
      assert.deepEqual(err.data.error.errors, [
        { domain: 'global', reason: 'deleted', message: 'Resource has been deleted' },
      ]);
      assert.equal((await env.control.requests()).counts['calendar.events.delete'], 1);
    });
  });

  describe('attendees', () => {
    it('when an attendee is another emulator account, then the event appears on their calendar with the same id and iCalUID, their response reaches the organizer and the organizer’s time change reaches them', async () => {
      await env.control.createAccount({ email: BOB, name: 'Bob Example' });
      await env.control.createAccount({ email: CAROL, name: 'Carol Example' });
      const alice = (await calendarFor(ALICE)).calendar;
      const bob = (await calendarFor(BOB)).calendar;
      const bobFull = await fullSync(bob);
      const bobToken = bobFull.at(-1)?.nextSyncToken ?? '';

      const created = await alice.events.insert({
        calendarId: 'primary',
        requestBody: timed('2026-03-02T10:00:00Z', '2026-03-02T11:00:00Z', {
          summary: 'Kick-off',
          attendees: [{ email: BOB }, { email: CAROL }],
        }),
      });
      const id = created.data.id ?? '';

      const bobList = await bob.events.list({ calendarId: 'primary' });
      assert.equal(bobList.data.items?.length, 1);
      const copy = bobList.data.items?.[0];
      assert.equal(copy?.id, id);
      assert.equal(copy?.iCalUID, created.data.iCalUID);
      assert.equal(copy?.summary, 'Kick-off');
      assert.equal(copy?.organizer?.email, ALICE);
      assert.equal(copy?.organizer?.self, undefined);
      const bobSelf = copy?.attendees?.find((a) => a.email === BOB);
      assert.equal(bobSelf?.self, true);
      assert.equal(bobSelf?.responseStatus, 'needsAction');

      // Bob accepts through the API with his own token (patching his own responseStatus) …
      const accepted = await bob.events.patch({
        calendarId: 'primary',
        eventId: id,
        requestBody: {
          attendees: (copy?.attendees ?? []).map((a) =>
            a.email === BOB ? { email: BOB, responseStatus: 'accepted' } : { email: a.email },
          ),
        },
      });
      assert.equal(accepted.status, 200);
      // … and Carol declines in Google Calendar.
      await env.control.calendarRespond(CAROL, id, 'declined');

      const onOrganizer = await alice.events.get({ calendarId: 'primary', eventId: id });
      const responses = Object.fromEntries(
        (onOrganizer.data.attendees ?? []).map((a) => [a.email, a.responseStatus]),
      );
      assert.deepEqual(responses, { [BOB]: 'accepted', [CAROL]: 'declined' });

      await alice.events.patch({
        calendarId: 'primary',
        eventId: id,
        requestBody: {
          start: { dateTime: '2026-03-02T14:00:00Z' },
          end: { dateTime: '2026-03-02T15:00:00Z' },
        },
      });
      const inc = await bob.events.list({ calendarId: 'primary', syncToken: bobToken });
      assert.deepEqual(
        inc.data.items?.map((e) => e.id),
        [id],
      );
      const moved = inc.data.items?.[0];
      assert.equal(Date.parse(moved?.start?.dateTime ?? ''), Date.parse('2026-03-02T14:00:00Z'));
      assert.equal(Date.parse(moved?.end?.dateTime ?? ''), Date.parse('2026-03-02T15:00:00Z'));
      assert.equal(moved?.iCalUID, created.data.iCalUID);
      assert.equal(moved?.attendees?.find((a) => a.email === BOB)?.responseStatus, 'accepted');
    });
  });

  describe('queries', () => {
    it('when a recurring event is listed with singleEvents=true within timeMin/timeMax, then only the overlapping instances come back with recurringEventId and originalStartTime', async () => {
      const { calendar } = await calendarFor();
      const series = await calendar.events.insert({
        calendarId: 'primary',
        requestBody: {
          summary: 'Daily stand-up',
          start: { dateTime: '2026-03-02T10:00:00Z', timeZone: 'UTC' },
          end: { dateTime: '2026-03-02T10:30:00Z', timeZone: 'UTC' },
          recurrence: ['RRULE:FREQ=DAILY;COUNT=5'],
        },
      });
      const parentId = series.data.id ?? '';

      const plain = await calendar.events.list({ calendarId: 'primary' });
      assert.deepEqual(
        plain.data.items?.map((e) => [e.id, e.recurrence]),
        [[parentId, ['RRULE:FREQ=DAILY;COUNT=5']]],
      );

      const all = await calendar.events.list({
        calendarId: 'primary',
        singleEvents: true,
        orderBy: 'startTime',
      });
      assert.equal(all.data.items?.length, 5);

      // timeMin is an exclusive bound on the END, timeMax an exclusive bound on the START.
      const res = await calendar.events.list({
        calendarId: 'primary',
        singleEvents: true,
        orderBy: 'startTime',
        timeMin: '2026-03-03T10:30:00Z', // the Mar 3 instance ends exactly here → excluded
        timeMax: '2026-03-06T10:00:00Z', // the Mar 6 instance starts exactly here → excluded
      });
      const items = res.data.items ?? [];
      assert.deepEqual(
        items.map((e) => e.id),
        [`${parentId}_20260304T100000Z`, `${parentId}_20260305T100000Z`],
      );
      for (const e of items) {
        assert.equal(e.recurringEventId, parentId);
        assert.equal(e.recurrence, undefined);
        assert.equal(e.iCalUID, series.data.iCalUID);
        assert.equal(Date.parse(e.originalStartTime?.dateTime ?? ''), Date.parse(e.start?.dateTime ?? ''));
      }
      assert.equal(
        Date.parse(items[0]?.originalStartTime?.dateTime ?? ''),
        Date.parse('2026-03-04T10:00:00Z'),
      );

      const empty = await gaxiosFailure(
        calendar.events.list({
          calendarId: 'primary',
          timeMin: '2026-03-05T00:00:00Z',
          timeMax: '2026-03-04T00:00:00Z',
        }),
      );
      assert.equal(empty.status, 400);
      assert.equal(empty.data.error.errors[0].reason, 'timeRangeEmpty');
    });

    it('when listing with privateExtendedProperty, then only the event carrying our CRM id in its private properties is found', async () => {
      const { calendar } = await calendarFor();
      const insert = (extendedProperties: Event['extendedProperties'], day: string) =>
        calendar.events.insert({
          calendarId: 'primary',
          requestBody: timed(`2026-03-${day}T10:00:00Z`, `2026-03-${day}T11:00:00Z`, { extendedProperties }),
        });
      const target = await insert({ private: { crmId: 'deal-42' } }, '02');
      await insert({ private: { crmId: 'deal-43' } }, '03');
      await insert({ shared: { crmId: 'deal-42' } }, '04');
      await insert(undefined, '05');

      const found = await calendar.events.list({
        calendarId: 'primary',
        privateExtendedProperty: ['crmId=deal-42'],
      });
      assert.deepEqual(
        found.data.items?.map((e) => e.id),
        [target.data.id],
      );
      assert.deepEqual(found.data.items?.[0]?.extendedProperties?.private, { crmId: 'deal-42' });

      const none = await calendar.events.list({
        calendarId: 'primary',
        privateExtendedProperty: ['crmId=deal-42', 'other=x'],
      });
      assert.deepEqual(none.data.items, []);
    });
  });

  describe('faults and auth', () => {
    it('when the next list call answers 503 with Retry-After, then the client retries the GET by itself and the request log counts both calls', async () => {
      const { calendar } = await calendarFor();
      await env.control.calendarCreateEvent(ALICE, timed('2026-03-02T10:00:00Z', '2026-03-02T11:00:00Z'));
      await env.control.addFault({
        match: { apiMethod: 'calendar.events.list', account: ALICE },
        status: 503,
        retryAfter: 7,
        times: 1,
      });
      await env.control.clearRequests();
      const res = await calendar.events.list({ calendarId: 'primary' });
      assert.equal(res.status, 200);
      assert.equal(res.data.items?.length, 1);
      const log = await env.control.requests({ entries: true });
      assert.equal(log.counts['calendar.events.list'], 2);
      assert.deepEqual(
        log.entries?.map((e) => e.status),
        [503, 200],
      );
    });

    it('when an insert answers 503 with Retry-After, then the client does not retry the POST and the error surfaces with the header', async () => {
      const { calendar } = await calendarFor();
      await env.control.addFault({
        match: { apiMethod: 'calendar.events.insert' },
        status: 503,
        retryAfter: 7,
        times: 1,
      });
      await env.control.clearRequests();
      const err = await gaxiosFailure(
        calendar.events.insert({
          calendarId: 'primary',
          requestBody: timed('2026-03-02T10:00:00Z', '2026-03-02T11:00:00Z'),
        }),
      );
      assert.equal(err.status, 503);
      assert.equal(err.headers.get('retry-after'), '7');
      assert.deepEqual(err.data.error.errors, [
        { domain: 'global', reason: 'backendError', message: 'Backend Error' },
      ]);
      assert.equal(err.data.error.code, 503);
      const log = await env.control.requests();
      assert.equal(log.counts['calendar.events.insert'], 1);
      assert.equal(log.counts['calendar.events.list'], undefined);
      // With retries switched off, a GET surfaces the 503 as well.
      await env.control.addFault({
        match: { apiMethod: 'calendar.events.list' },
        status: 503,
        retryAfter: 3,
        times: 1,
      });
      const { client } = await linkedClient(env.base, CAL_SCOPES);
      const noRetry = new calendar_v3.Calendar({
        rootUrl: `${env.base}/`,
        auth: client as never,
        retry: false,
      });
      const listErr = await gaxiosFailure(noRetry.events.list({ calendarId: 'primary' }));
      assert.equal(listErr.status, 503);
      assert.equal(listErr.headers.get('retry-after'), '3');
    });

    it('when the token was granted without the calendar scope, then Calendar answers 403 insufficientPermissions', async () => {
      const { client } = await linkedClient(env.base, ['openid', 'email', CONTACTS]);
      const err = await gaxiosFailure(calendarApi(env.base, client).events.list({ calendarId: 'primary' }));
      assert.equal(err.status, 403);
      assert.equal(err.data.error.code, 403);
      assert.deepEqual(err.data.error.errors, [
        { domain: 'global', reason: 'insufficientPermissions', message: 'Insufficient Permission' },
      ]);
    });

    it('when the access token has expired, then the call fails with 401 authError unless the client may refresh (no expiry_date known), in which case it refreshes once and succeeds', async () => {
      const { client, tokens } = await linkedClient(env.base, CAL_SCOPES);
      await env.control.expireAccessTokens(ALICE);

      const stale = calendarApi(env.base, accessOnly(env.base, tokens.access_token ?? ''));
      const err = await gaxiosFailure(stale.events.list({ calendarId: 'primary' }));
      assert.equal(err.status, 401);
      assert.deepEqual(err.data, {
        error: {
          errors: [
            {
              domain: 'global',
              reason: 'authError',
              message: 'Invalid Credentials',
              locationType: 'header',
              location: 'Authorization',
            },
          ],
          code: 401,
          message: 'Invalid Credentials',
        },
      });
      assert.match(err.headers.get('www-authenticate') ?? '', /error="invalid_token"/);

      // google-auth-library refreshes on 401 only when it does not trust a local expiry_date: the linked
      // client still believes its token valid for an hour, so the 401 surfaces to the caller.
      assert.ok(client.credentials.expiry_date);
      const trusted = await gaxiosFailure(
        calendarApi(env.base, client).events.list({ calendarId: 'primary' }),
      );
      assert.equal(trusted.status, 401);

      // Stored tokens restored without expiry_date: one refresh, then the call succeeds.
      client.setCredentials({ access_token: tokens.access_token, refresh_token: tokens.refresh_token });
      await env.control.clearRequests();
      const res = await calendarApi(env.base, client).events.list({ calendarId: 'primary' });
      assert.equal(res.status, 200);
      const log = await env.control.requests();
      assert.equal(log.counts['oauth2.token'], 1);
      assert.equal(log.counts['calendar.events.list'], 2);
      assert.notEqual(client.credentials.access_token, tokens.access_token);
    });
  });
});
