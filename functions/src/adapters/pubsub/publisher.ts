import { PubSub, type Topic } from '@google-cloud/pubsub';
import { config } from '../../config.js';
import type { SyncRequest } from '../../domain/sync/messages.js';
import { SYNC_USER_TOPIC } from './topics.js';

/**
 * Publishes sync requests to the fan-out topic. One client per process (the library honours
 * PUBSUB_EMULATOR_HOST by itself). Batching is tuned for the fan-out: one tick may publish 100,000
 * messages (docs/architecture.md#quality-bars), so the client packs up to 1,000 messages or 10 ms into one request
 * (https://cloud.google.com/pubsub/docs/batch-messaging) instead of its default of 100 / 10 ms.
 */

let topic: Topic | undefined;

function syncTopic(): Topic {
  topic ??= new PubSub({ projectId: config().projectId }).topic(SYNC_USER_TOPIC, {
    batching: { maxMessages: 1000, maxMilliseconds: 10 },
  });
  return topic;
}

/** Publishes every request; resolves when Pub/Sub has accepted all of them (rejects if one failed). */
export async function publishSyncRequests(requests: readonly SyncRequest[]): Promise<void> {
  const target = syncTopic();
  await Promise.all(requests.map((request) => target.publishMessage({ json: request })));
}
