// Calendar push notifications of the emulator (events.watch, channels.stop, delivery), driven by the
// official @googleapis/calendar client, with a real HTTP receiver. Behaviour per Google's guide
// https://developers.google.com/calendar/api/guides/push and the events.watch / channels.stop references.
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { calendar_v3 } from '@googleapis/calendar';
import { after, before, beforeEach, describe, it } from 'mocha';
import { ALICE, CALENDAR, calendarApi, failure, linkedClient, suiteEnv } from './helpers.js';

const BOB = 'bob@acme.test';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A webhook receiver that records what arrives and answers with `status()`. */
class Receiver {
  readonly received: Received[] = [];
  status = () => 200;
  private server!: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.statusCode = this.status();
        res.end();
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/calendarWebhook`;
  }

  close = () => new Promise<void>((resolve) => this.server.close(() => resolve()));
}

describe('Google emulator — Calendar push notifications through the official client', () => {
  const env = suiteEnv(beforeEach);
  const receiver = new Receiver();
  before(() => receiver.start());
  after(() => receiver.close());
  beforeEach(() => {
    receiver.received.length = 0;
    receiver.status = () => 200;
  });

  async function calendarFor(email = ALICE): Promise<calendar_v3.Calendar> {
    const { client } = await linkedClient(env.base, ['openid', 'email', CALENDAR], email);
    return calendarApi(env.base, client);
  }

  const watch = (calendar: calendar_v3.Calendar, id: string, extra: calendar_v3.Schema$Channel = {}) =>
    calendar.events.watch({
      calendarId: 'primary',
      requestBody: { id, type: 'web_hook', address: receiver.url, token: `secret-${id}`, ...extra },
    });

  const settled = () => env.emu.state.notifications.settled();

  it('when a channel is opened, then the answer is the Channel resource and a `sync` message (number 1) follows with every X-Goog header', async () => {
    const calendar = await calendarFor();
    const before = Date.now();
    const { data, status } = await watch(calendar, 'channel-1');
    assert.equal(status, 200);
    assert.equal(data.kind, 'api#channel');
    assert.equal(data.id, 'channel-1');
    assert.equal(data.token, 'secret-channel-1');
    assert.ok(data.resourceId);
    assert.match(data.resourceUri ?? '', /\/calendar\/v3\/calendars\/primary\/events/);
    // The events.watch reference: params.ttl defaults to 604800 seconds.
    const expiration = Number(data.expiration);
    assert.ok(Math.abs(expiration - (before + 604_800_000)) < 60_000, `expiration ${data.expiration}`);

    await settled();
    assert.equal(receiver.received.length, 1);
    const [{ headers, body }] = receiver.received as [Received];
    assert.equal(body, '', 'Calendar notifications carry no body');
    assert.equal(headers['x-goog-channel-id'], 'channel-1');
    assert.equal(headers['x-goog-channel-token'], 'secret-channel-1');
    assert.equal(headers['x-goog-resource-state'], 'sync');
    assert.equal(headers['x-goog-message-number'], '1');
    assert.equal(headers['x-goog-resource-id'], data.resourceId);
    assert.equal(headers['x-goog-resource-uri'], data.resourceUri);
    assert.equal(headers['x-goog-channel-expiration'], new Date(expiration).toUTCString());
  });

  it('when events change, then each change is told as `exists` with a growing message number, on the watched calendar only', async () => {
    const calendar = await calendarFor();
    await watch(calendar, 'channel-2');
    await settled();
    const created = await calendar.events.insert({
      calendarId: 'primary',
      requestBody: {
        summary: 'A',
        start: { dateTime: '2030-01-01T10:00:00Z' },
        end: { dateTime: '2030-01-01T11:00:00Z' },
      },
    });
    await settled();
    await env.control.calendarUpdateEvent(ALICE, created.data.id ?? '', { summary: 'B' });
    await settled();
    // Another account's calendar: not watched.
    await env.control.createAccount({ email: BOB });
    await env.control.calendarCreateEvent(BOB, {
      summary: 'Bob only',
      start: { dateTime: '2030-01-02T10:00:00Z' },
      end: { dateTime: '2030-01-02T11:00:00Z' },
    });
    await settled();
    const states = receiver.received.map((r) => [
      r.headers['x-goog-resource-state'],
      r.headers['x-goog-message-number'],
    ]);
    assert.deepEqual(states, [
      ['sync', '1'],
      ['exists', '2'],
      ['exists', '3'],
    ]);
    const deliveries = await env.control.pushDeliveries('channel-2');
    assert.deepEqual(
      deliveries.map((d) => [d.state, d.status]),
      [
        ['sync', 200],
        ['exists', 200],
        ['exists', 200],
      ],
    );
  });

  it('when a notification is answered 503, then it is retried; a 404 answer is not', async () => {
    const calendar = await calendarFor();
    let failuresLeft = 2;
    receiver.status = () => (failuresLeft-- > 0 ? 503 : 200);
    await watch(calendar, 'channel-3');
    await settled();
    const [sync] = await env.control.pushDeliveries('channel-3');
    assert.equal(sync?.attempts, 3);
    assert.equal(sync?.status, 200);

    receiver.status = () => 404;
    await env.control.calendarCreateEvent(ALICE, {
      summary: 'x',
      start: { dateTime: '2030-01-03T10:00:00Z' },
      end: { dateTime: '2030-01-03T11:00:00Z' },
    });
    await settled();
    const [, exists] = await env.control.pushDeliveries('channel-3');
    assert.equal(exists?.attempts, 1);
    assert.equal(exists?.status, 404);
  });

  it('when a channel is stopped, then nothing more is told; only its own user may stop it, with its resourceId', async () => {
    const calendar = await calendarFor();
    const { data } = await watch(calendar, 'channel-4');
    await settled();

    const bob = await calendarFor(BOB);
    const foreign = await failure(
      bob.channels.stop({ requestBody: { id: 'channel-4', resourceId: data.resourceId } }),
    );
    assert.equal(foreign.status, 404);
    const wrongResource = await failure(
      calendar.channels.stop({ requestBody: { id: 'channel-4', resourceId: 'other' } }),
    );
    assert.equal(wrongResource.status, 404);

    const stopped = await calendar.channels.stop({
      requestBody: { id: 'channel-4', resourceId: data.resourceId },
    });
    assert.equal(stopped.status, 204);
    await env.control.calendarCreateEvent(ALICE, {
      summary: 'after stop',
      start: { dateTime: '2030-01-04T10:00:00Z' },
      end: { dateTime: '2030-01-04T11:00:00Z' },
    });
    await settled();
    assert.equal(receiver.received.length, 1, 'only the sync message');
    const again = await failure(
      calendar.channels.stop({ requestBody: { id: 'channel-4', resourceId: data.resourceId } }),
    );
    assert.equal(again.status, 404);
  });

  it('when a channel expires (params.ttl, on the emulator clock), then nothing more is told and its id can be taken again', async () => {
    const calendar = await calendarFor();
    const { data } = await watch(calendar, 'channel-5', { params: { ttl: '60' } });
    assert.ok(Number(data.expiration) - Date.now() <= 61_000);
    await settled();
    await env.control.advanceClock(61_000);
    await env.control.calendarCreateEvent(ALICE, {
      summary: 'after expiry',
      start: { dateTime: '2030-01-05T10:00:00Z' },
      end: { dateTime: '2030-01-05T11:00:00Z' },
    });
    await settled();
    assert.equal(receiver.received.length, 1);
    const channels = await env.control.pushChannels();
    assert.equal(channels.find((c) => c.id === 'channel-5')?.stopped, true);
    const renewed = await watch(calendar, 'channel-5');
    assert.equal(renewed.data.resourceId, data.resourceId, 'the same resource keeps its id');
  });

  it('when a watch is malformed, then Google’s 400s: an address that is not https, an id taken by a live channel, an unknown type', async () => {
    const calendar = await calendarFor();
    const notHttps = await failure(
      calendar.events.watch({
        calendarId: 'primary',
        requestBody: { id: 'c6', type: 'web_hook', address: 'http://crm.example.com/calendarWebhook' },
      }),
    );
    assert.equal(notHttps.status, 400);
    assert.equal(notHttps.data.error.errors[0].reason, 'push.webhookUrlNotHttps');
    assert.equal(
      notHttps.data.error.message,
      'WebHook callback must be HTTPS: http://crm.example.com/calendarWebhook',
    );

    await watch(calendar, 'c6');
    const taken = await failure(watch(calendar, 'c6'));
    assert.equal(taken.status, 400);
    assert.equal(taken.data.error.errors[0].reason, 'channelIdNotUnique');

    const badType = await failure(
      calendar.events.watch({
        calendarId: 'primary',
        requestBody: { id: 'c7', type: 'email', address: receiver.url },
      }),
    );
    assert.equal(badType.status, 400);
    const otherCalendar = await failure(
      calendar.events.watch({
        calendarId: 'someone-else@acme.test',
        requestBody: { id: 'c8', type: 'web_hook', address: receiver.url },
      }),
    );
    assert.equal(otherCalendar.status, 404);
  });
});
