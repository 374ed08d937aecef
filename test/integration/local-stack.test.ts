import assert from 'node:assert/strict';
import { PubSub } from '@google-cloud/pubsub';
import { SYNC_USER_TOPIC } from '../../functions/src/adapters/pubsub/topics.js';
import { setLogSink } from '../../functions/src/logging.js';
import { createSyncTickJob, wirePubSubPush } from '../../scripts/local/wiring.js';
import { type TestStack, testStack } from '../support/stack.js';

/**
 * The local stack is wired as the cloud is (docs/operations.md#local-stack): the Pub/Sub emulator pushes fan-out
 * messages through the gateway to `syncUser` as a CloudEvent, and the Scheduler emulator holds the
 * `sync-tick` job that calls `syncTick`.
 */
describe('local stack wiring', function () {
  this.timeout(120_000);
  let stack: TestStack;

  before(async () => {
    stack = await testStack();
    await wirePubSubPush(stack.projectId, stack.baseUrl);
  });

  it('when a message is published to the fan-out topic, then syncUser receives it as a CloudEvent', async () => {
    const lines: string[] = [];
    const restore = setLogSink((line) => lines.push(line));
    try {
      const pubsub = new PubSub({ projectId: stack.projectId });
      const messageId = await pubsub.topic(SYNC_USER_TOPIC).publishMessage({ json: { uid: 'wiring-test' } });
      await pubsub.close();
      const deadline = Date.now() + 30_000;
      let received: Record<string, unknown> | undefined;
      while (!received && Date.now() < deadline) {
        received = lines
          .map((line) => JSON.parse(line) as Record<string, unknown>)
          .find((entry) => entry.message === 'syncUser received a message' && entry.eventId === messageId);
        if (!received) await new Promise((resolve) => setTimeout(resolve, 200));
      }
      assert.ok(received, `syncUser did not receive message ${messageId}; log: ${lines.join('\n')}`);
    } finally {
      setLogSink(restore);
    }
  });

  it('when the stack is wired, then the sync-tick job calls syncTick every minute in UTC', async () => {
    const name = await createSyncTickJob(
      stack.hosts.scheduler,
      stack.projectId,
      'us-central1',
      stack.baseUrl,
    );
    assert.equal(name, `projects/${stack.projectId}/locations/us-central1/jobs/sync-tick`);
    const response = await fetch(`http://${stack.hosts.scheduler}/v1/${name}`);
    const job = (await response.json()) as {
      schedule: string;
      timeZone: string;
      state: string;
      httpTarget: { uri: string; httpMethod: string };
    };
    assert.equal(job.schedule, '* * * * *');
    assert.equal(job.timeZone, 'Etc/UTC');
    assert.equal(job.state, 'ENABLED');
    assert.equal(job.httpTarget.uri, `${stack.baseUrl}/syncTick`);
    assert.equal(job.httpTarget.httpMethod, 'POST');
  });
});
