import { PubSub, type Subscription } from '@google-cloud/pubsub';
import { SYNC_USER_TOPIC } from '../../functions/src/adapters/pubsub/topics.js';
import { type SyncRequest, SyncRequestSchema } from '../../functions/src/domain/sync/messages.js';
import type { TestStack } from '../support/stack.js';

/**
 * What the fan-out published: a test subscription on the `sync-user` topic that collects every
 * message (validated against the message schema), and the Scheduler job to keep quiet while a
 * suite drives the ticks itself.
 */

export interface PublishedRequests {
  /** Waits until no message has arrived for `quietMs`, then returns (and forgets) what arrived. */
  drain(quietMs?: number): Promise<SyncRequest[]>;
  close(): Promise<void>;
}

let counter = 0;

export async function collectPublished(stack: TestStack): Promise<PublishedRequests> {
  const pubsub = new PubSub({ projectId: stack.projectId });
  const [topic] = await pubsub.topic(SYNC_USER_TOPIC).get({ autoCreate: true });
  counter += 1;
  const [subscription]: [Subscription, ...unknown[]] = await topic.createSubscription(
    `sync-tick-test-${process.pid}-${counter}`,
  );
  let received: SyncRequest[] = [];
  let lastArrival = Date.now();
  subscription.on('message', (message) => {
    received.push(SyncRequestSchema.parse(JSON.parse(message.data.toString('utf8'))));
    lastArrival = Date.now();
    message.ack();
  });
  return {
    async drain(quietMs = 600) {
      const start = Date.now();
      while (Date.now() - Math.max(lastArrival, start) < quietMs)
        await new Promise((resolve) => setTimeout(resolve, 50));
      const drained = received;
      received = [];
      return drained;
    },
    async close() {
      await subscription.close();
      await subscription.delete();
      await pubsub.close();
    },
  };
}

/** Deletes the `sync-tick` job from the Scheduler emulator (another suite may have created it). */
export async function deleteSyncTickJob(stack: TestStack): Promise<void> {
  const name = `projects/${stack.projectId}/locations/us-central1/jobs/sync-tick`;
  const response = await fetch(`http://${stack.hosts.scheduler}/v1/${name}`, { method: 'DELETE' });
  if (!response.ok && response.status !== 404) throw new Error(`deleting ${name}: ${response.status}`);
}
