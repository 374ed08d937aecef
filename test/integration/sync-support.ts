import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { SYNC_USER_TOPIC } from '../../functions/src/adapters/pubsub/topics.js';
import type { SyncRun } from '../../functions/src/domain/sync/model.js';
import { wirePubSubPush } from '../../scripts/local/wiring.js';
import { type ApiReply, api, callApi, type Json } from '../support/api.js';
import type { TestStack } from '../support/stack.js';
import type { TestUser } from '../support/users.js';
import { assertOutcome, control, link } from './linking-support.js';

/**
 * Shared helpers of the sync suites: link a user's emulated Google account, set sync settings, run
 * `syncNow`, deliver sync requests to `syncUser` as Pub/Sub push does, read what `syncNow`
 * published, and wait for runs. Everything goes through the real gateway and emulators.
 */

export { CALENDAR_EVENTS, CONTACTS } from './linking-support.js';

/** Links `user`'s Google account (their own email); `scopes` limits what the user grants. */
export async function linkGoogleAccount(
  stack: TestStack,
  user: TestUser,
  options: { scopes?: string[] } = {},
): Promise<void> {
  if (options.scopes) {
    await control(stack).queueConsent({ action: 'grant', email: user.email, scopes: options.scopes });
  }
  const { outcome } = await link(user);
  assert.equal(outcome.searchParams.get('link'), 'ok', outcome.href);
  if (!options.scopes) assertOutcome(outcome, { link: 'ok' });
}

export function syncNow(user: TestUser | undefined, body?: unknown): Promise<ApiReply> {
  return callApi('POST', '/syncNow', { token: user?.idToken, body });
}

/** `PUT /api/me/sync-settings`, asserting 200. */
export async function putSyncSettings(user: TestUser, body: unknown): Promise<Json> {
  const reply = await api(user, 'PUT', '/me/sync-settings', body);
  assert.equal(reply.status, 200, JSON.stringify(reply.json));
  return reply.json;
}

/** A personal tag of `user`'s, for contact sync settings. */
export async function personalTag(user: TestUser, name = 'Google'): Promise<string> {
  const reply = await api(user, 'POST', '/tags', { name, type: 'personal' });
  assert.equal(reply.status, 201, JSON.stringify(reply.json));
  return reply.json.id;
}

export async function getRun(user: TestUser, runId: string): Promise<SyncRun> {
  const reply = await api<SyncRun>(user, 'GET', `/me/sync/runs/${runId}`);
  assert.equal(reply.status, 200, JSON.stringify(reply.json));
  return reply.json;
}

const FINISHED = new Set(['succeeded', 'partial', 'failed']);

/** Polls the run until it finished (or `timeoutMs` passed, which fails the test). */
export async function waitForFinishedRun(
  user: TestUser,
  runId: string,
  timeoutMs = 30_000,
): Promise<SyncRun> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await getRun(user, runId);
    if (FINISHED.has(run.status)) return run;
    if (Date.now() > deadline) assert.fail(`run ${runId} did not finish: ${JSON.stringify(run)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The Pub/Sub emulator's REST API (https://cloud.google.com/pubsub/docs/reference/rest). */
async function pubsubRest(stack: TestStack, method: string, path: string, body?: unknown) {
  const response = await fetch(`http://${stack.hosts.pubsub}/v1/projects/${stack.projectId}/${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, json: (text ? JSON.parse(text) : {}) as Json };
}

export async function ensureSyncTopic(stack: TestStack): Promise<void> {
  const { status } = await pubsubRest(stack, 'PUT', `topics/${SYNC_USER_TOPIC}`, {});
  assert.ok(status === 200 || status === 409, `creating the topic answered ${status}`);
}

/** Deletes the fan-out topic, so that publishing fails (NOT_FOUND) until `ensureSyncTopic`. */
export async function deleteSyncTopic(stack: TestStack): Promise<void> {
  await pubsubRest(stack, 'DELETE', `topics/${SYNC_USER_TOPIC}`);
}

/**
 * A pull subscription on the fan-out topic: what `syncNow` (or `syncTick`) published, as `syncUser`
 * would receive it. Open it before the publishing call; messages published earlier are not in it.
 */
export class SyncRequestTap {
  private constructor(
    private readonly stack: TestStack,
    private readonly name: string,
  ) {}

  static async open(stack: TestStack): Promise<SyncRequestTap> {
    await ensureSyncTopic(stack);
    const name = `test-tap-${randomUUID()}`;
    const created = await pubsubRest(stack, 'PUT', `subscriptions/${name}`, {
      topic: `projects/${stack.projectId}/topics/${SYNC_USER_TOPIC}`,
      ackDeadlineSeconds: 60,
    });
    assert.equal(created.status, 200, JSON.stringify(created.json));
    return new SyncRequestTap(stack, name);
  }

  /** The published requests (decoded JSON), acknowledged; waits up to `waitMs` for `atLeast` of them. */
  async pull(atLeast = 0, waitMs = 5_000): Promise<unknown[]> {
    const messages: unknown[] = [];
    const deadline = Date.now() + waitMs;
    do {
      const { json } = await pubsubRest(this.stack, 'POST', `subscriptions/${this.name}:pull`, {
        maxMessages: 1000,
        returnImmediately: true,
      });
      const received = (json.receivedMessages ?? []) as { ackId: string; message: { data: string } }[];
      if (received.length) {
        await pubsubRest(this.stack, 'POST', `subscriptions/${this.name}:acknowledge`, {
          ackIds: received.map((r) => r.ackId),
        });
        messages.push(...received.map((r) => JSON.parse(Buffer.from(r.message.data, 'base64').toString())));
      }
      if (messages.length >= atLeast && (atLeast > 0 || Date.now() >= deadline)) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    } while (Date.now() < deadline);
    return messages;
  }

  async close(): Promise<void> {
    await pubsubRest(this.stack, 'DELETE', `subscriptions/${this.name}`);
  }
}

const PUSH_SUBSCRIPTION = `${SYNC_USER_TOPIC}-push`;

/**
 * Stops the local push subscription (if some suite wired it) from delivering to `syncUser`, so a
 * suite decides itself when a request is delivered; the returned function wires it again.
 */
export async function pausePushDelivery(stack: TestStack): Promise<() => Promise<void>> {
  const { status } = await pubsubRest(stack, 'DELETE', `subscriptions/${PUSH_SUBSCRIPTION}`);
  const existed = status === 200;
  return async () => {
    if (existed) await wirePubSubPush(stack.projectId, stack.baseUrl);
  };
}

/**
 * Delivers a message to `syncUser` through the gateway exactly as a Pub/Sub push subscription does
 * (https://cloud.google.com/pubsub/docs/push#receive_push): `payload` is sent as the message's JSON
 * data, or `rawData` as it is (already base64). Answers the HTTP status: 2xx acknowledges, anything
 * else asks Pub/Sub to redeliver.
 */
export async function pushToSyncUser(
  stack: TestStack,
  message: { payload?: unknown; rawData?: string; messageId?: string },
): Promise<number> {
  const data = message.rawData ?? Buffer.from(JSON.stringify(message.payload)).toString('base64');
  const response = await fetch(
    `${stack.baseUrl}/syncUser/projects/${stack.projectId}/topics/${SYNC_USER_TOPIC}`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        message: {
          data,
          messageId: message.messageId ?? String(Math.floor(Math.random() * 1e15)),
          publishTime: new Date().toISOString(),
          attributes: {},
        },
        subscription: `projects/${stack.projectId}/subscriptions/${PUSH_SUBSCRIPTION}`,
      }),
    },
  );
  await response.text();
  return response.status;
}
