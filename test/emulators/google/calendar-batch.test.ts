// Calendar's batch endpoint (https://developers.google.com/calendar/api/guides/batch) in the Google
// emulator, sent by google-auth-library's transport: first a batch written by hand in the guide's
// format, then the product's batch writer (functions/src/adapters/google/calendarBatch.ts).
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'mocha';
import { GoogleApiCaller } from '../../../functions/src/adapters/google/apiCaller.js';
import { type EventWrite, writeEvents } from '../../../functions/src/adapters/google/calendarBatch.js';
import { ALICE, CALENDAR, calendarApi, linkedClient, suiteEnv } from './helpers.js';

const SCOPES = ['openid', 'email', CALENDAR];

const meeting = (id: string, day = 2) => ({
  id,
  summary: `Meeting ${id}`,
  start: { dateTime: `2030-03-0${day}T10:00:00Z` },
  end: { dateTime: `2030-03-0${day}T11:00:00Z` },
});

describe('Google emulator — Calendar batch endpoint', () => {
  const env = suiteEnv(beforeEach);
  let waits: number[];

  async function caller(): Promise<GoogleApiCaller> {
    const { tokens } = await linkedClient(env.base, SCOPES, ALICE);
    waits = [];
    return new GoogleApiCaller(async () => tokens.access_token ?? '', {
      sleep: async (ms) => void waits.push(ms),
      random: () => 0.5,
    });
  }

  const write = (instance: GoogleApiCaller, writes: EventWrite[]) =>
    writeEvents(instance, writes, `${env.base}/`);

  it('when a batch is written as the guide shows, then each part is answered in order with its Content-ID, and every inner call is logged as a call', async () => {
    const { client } = await linkedClient(env.base, SCOPES, ALICE);
    const boundary = 'batch_foobarbaz';
    const body = [
      `--${boundary}`,
      'Content-Type: application/http',
      'Content-ID: <item1:12930812@barnyard.example.com>',
      '',
      'POST /calendar/v3/calendars/primary/events HTTP/1.1',
      'Content-Type: application/json',
      '',
      JSON.stringify(meeting('batchone1')),
      `--${boundary}`,
      'Content-Type: application/http',
      'Content-ID: <item2:12930812@barnyard.example.com>',
      '',
      'GET /calendar/v3/calendars/primary/events/batchone1 HTTP/1.1',
      '',
      '',
      `--${boundary}`,
      'Content-Type: application/http',
      'Content-ID: <item3:12930812@barnyard.example.com>',
      '',
      'DELETE /calendar/v3/calendars/primary/events/nosuchevent1 HTTP/1.1',
      '',
      '',
      `--${boundary}--`,
      '',
    ].join('\r\n');
    await env.control.clearRequests();
    const res = await client.request<string>({
      url: `${env.base}/batch/calendar/v3`,
      method: 'POST',
      headers: { 'Content-Type': `multipart/mixed; boundary=${boundary}` },
      data: body,
      responseType: 'text',
    });
    assert.equal(res.status, 200);
    const contentType = (res.headers as unknown as Headers).get('content-type') ?? '';
    assert.match(contentType, /^multipart\/mixed; boundary=/);
    const parts = res.data.split(/--batch_[^\r\n-]+/).slice(1, -1);
    assert.equal(parts.length, 3);
    assert.deepEqual(
      parts.map((part) => /Content-ID: <(.*)>/.exec(part)?.[1]),
      [1, 2, 3].map((n) => `response-item${n}:12930812@barnyard.example.com`),
    );
    assert.deepEqual(
      parts.map((part) => Number(/HTTP\/1\.1 (\d+)/.exec(part)?.[1])),
      [200, 200, 404],
    );
    assert.match(parts[1] ?? '', /"summary":"Meeting batchone1"/);
    const log = await env.control.requests({ account: ALICE });
    assert.equal(log.httpRequests, 1);
    assert.equal(log.total, 3);
    assert.equal(log.counts['calendar.batch'], 1);
    assert.equal(log.counts['calendar.events.insert'], 1);
  });

  it('when a batch holds more than 1000 calls, then it is refused whole with 400 and nothing is written', async () => {
    const instance = await caller();
    const writes: EventWrite[] = Array.from({ length: 1001 }, (_, i) => ({
      op: 'delete',
      eventId: `missing${i}`,
    }));
    const { client } = await linkedClient(env.base, SCOPES, ALICE);
    const parts = writes.map((_, i) =>
      [
        '--b',
        'Content-Type: application/http',
        '',
        `DELETE /calendar/v3/calendars/primary/events/missing${i} HTTP/1.1`,
        '',
        '',
      ].join('\r\n'),
    );
    const refused = await client
      .request({
        url: `${env.base}/batch/calendar/v3`,
        method: 'POST',
        headers: { 'Content-Type': 'multipart/mixed; boundary=b' },
        data: `${parts.join('\r\n')}\r\n--b--\r\n`,
      })
      .catch((error: { response?: { status: number } }) => error.response);
    assert.equal(refused?.status, 400);
    // The product's writer splits the same deletes into batches of at most 1000.
    const outcomes = await write(instance, writes);
    assert.equal(outcomes.length, 1001);
    assert.ok(
      outcomes.every((outcome) => outcome.ok),
      'deleting what is gone is done',
    );
    const log = await env.control.requests({ account: ALICE });
    assert.equal(log.counts['calendar.batch'], 3, 'the refused one, then 1000 + 1');
  });

  it('when Google refuses one inner call with 429, then only that call is sent again, after the backoff, and every event exists once', async () => {
    const instance = await caller();
    await env.control.addFault({ match: { apiMethod: 'calendar.events.insert' }, status: 429, times: 1 });
    const writes: EventWrite[] = ['batchaa1', 'batchbb2', 'batchcc3'].map((id, i) => ({
      op: 'insert',
      event: meeting(id, i + 2),
    }));
    const outcomes = await write(instance, writes);
    assert.deepEqual(
      outcomes.map((outcome) => outcome.ok && outcome.created),
      [true, true, true],
    );
    assert.equal(waits.length, 1, 'one backoff');
    const { entries = [] } = await env.control.requests({ account: ALICE, entries: true });
    const batches = entries.filter((entry) => entry.apiMethod === 'calendar.batch');
    assert.equal(batches.length, 2);
    const inserts = entries.filter((entry) => entry.apiMethod === 'calendar.events.insert');
    assert.deepEqual(
      inserts.map((entry) => entry.status),
      [429, 200, 200, 200],
    );
    const calendar = calendarApi(env.base, (await linkedClient(env.base, SCOPES, ALICE)).client);
    const listed = await calendar.events.list({ calendarId: 'primary' });
    assert.deepEqual(listed.data.items?.map((event) => event.id).sort(), [
      'batchaa1',
      'batchbb2',
      'batchcc3',
    ]);
  });

  it('when the batch request itself answers 503, then the caller sends it again and the writes are done once', async () => {
    const instance = await caller();
    await env.control.addFault({ match: { apiMethod: 'calendar.batch' }, status: 503, times: 1 });
    const outcomes = await write(instance, [{ op: 'insert', event: meeting('batchdd4') }]);
    assert.equal(outcomes[0]?.ok, true);
    assert.equal(waits.length, 1);
    assert.equal(instance.calls.get('calendar.batch'), 2);
    assert.equal(instance.calls.get('calendar.events.insert'), 1);
  });

  it('when one write of a batch fails for itself (stale etag, existing id), then it is reported alone and the others are done', async () => {
    const instance = await caller();
    const [created] = await write(instance, [{ op: 'insert', event: meeting('batchee5') }]);
    assert.ok(created?.ok && created.event);
    const etag = created.event.etag ?? null;
    await env.control.calendarUpdateEvent(ALICE, 'batchee5', { summary: 'Edited in Google' });
    const outcomes = await write(instance, [
      { op: 'patch', eventId: 'batchee5', patch: { summary: 'From the CRM' }, etag },
      { op: 'insert', event: meeting('batchee5') },
      { op: 'insert', event: meeting('batchff6', 3) },
      { op: 'delete', eventId: 'batchee5' },
    ]);
    assert.deepEqual(
      outcomes.map((outcome) => (outcome.ok ? 'ok' : outcome.failure.kind)),
      ['precondition_failed', 'conflict', 'ok', 'ok'],
    );
    assert.equal(waits.length, 0, 'failures of one write are not retried');
  });
});
