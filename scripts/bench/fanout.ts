import { PubSub } from '@google-cloud/pubsub';
import { firestore } from '../../functions/src/adapters/firestore/client.js';
import { slotField } from '../../functions/src/adapters/firestore/syncSchedule.js';
import { USER_SYNC_STATE_COLLECTIONS } from '../../functions/src/adapters/firestore/syncStatePaths.js';
import { publishSyncRequests } from '../../functions/src/adapters/pubsub/publisher.js';
import { SYNC_USER_TOPIC } from '../../functions/src/adapters/pubsub/topics.js';
import { SETTINGS_DOC } from '../../functions/src/app/settings/googleSettings.js';
import { fanOutDueUsers } from '../../functions/src/app/sync/schedule/fanOut.js';
import { encodeSlot, MINUTE_MS } from '../../functions/src/core/schedule/slots.js';
import type { SyncRequest } from '../../functions/src/domain/sync/messages.js';
import { PERIOD_MINUTES, type SyncKind } from '../../functions/src/domain/sync/model.js';
import { startFirestoreEmulator, startPubsubEmulator } from '../local/cloudEmulators.js';
import { checkPrerequisites } from '../local/prerequisites.js';
import { freePort } from '../local/processes.js';
import { mebibytes, type Result } from './report.js';

/**
 * `fanout-100k` (docs/architecture.md#quality-bars: one tick fans out 100,000 due users within 30 s on the emulators): seeds
 * `dueUsers` schedules due in one minute (plus a tenth as many that are not due) into a fresh
 * Firestore emulator, then runs one tick through the real fan-out code against the Firestore and
 * Pub/Sub emulators. `wallMs` is the tick alone; `peakRssMiB` the process's peak while it ran
 * (`rssBeforeTickMiB` what the process held before it).
 */

const PROJECT_ID = 'demo-crm-google-sync-bench';
const CLIENT_ID = '100000000001-bench.apps.googleusercontent.com';
/** 2030-01-01T00:00Z: any minute works, the first tick ever claims only its own. */
const TICK_MINUTE = Date.UTC(2030, 0, 1) / MINUTE_MS;
const BATCH_SIZE = 500;
const BATCHES_IN_PARALLEL = 4;

/** Due users cycle through every period and kind mix; the not-due ones sit one minute later. */
function scheduleOf(index: number, due: boolean): Record<string, unknown> {
  const period = PERIOD_MINUTES[index % PERIOD_MINUTES.length] ?? 60;
  const minute = due ? TICK_MINUTE : TICK_MINUTE + 1;
  const slot = encodeSlot({ period, phase: minute % period });
  const kinds: SyncKind[][] = [['contacts'], ['activities'], ['contacts', 'activities']];
  const mine = kinds[index % kinds.length] ?? ['contacts'];
  return {
    slots: [slot],
    ...Object.fromEntries(mine.map((kind) => [slotField(kind), slot])),
    clientId: CLIENT_ID,
  };
}

/** WriteBatch commits of 500, a few at a time (BulkWriter's default ramp-up would take minutes). */
async function seed(dueUsers: number): Promise<void> {
  const db = firestore();
  await db.doc(SETTINGS_DOC).set({ clientId: CLIENT_ID, useSharedApp: false, allowedDomains: [] });
  const total = dueUsers + Math.floor(dueUsers / 10);
  const collection = db.collection(USER_SYNC_STATE_COLLECTIONS.schedule);
  let next = 0;
  const worker = async () => {
    while (next < total) {
      const start = next;
      next += BATCH_SIZE;
      const batch = db.batch();
      for (let index = start; index < Math.min(start + BATCH_SIZE, total); index += 1) {
        const uid = `bench-user-${String(index).padStart(7, '0')}`;
        batch.set(collection.doc(uid), scheduleOf(index, index < dueUsers));
      }
      await batch.commit();
    }
  };
  await Promise.all(Array.from({ length: BATCHES_IN_PARALLEL }, worker));
}

export async function fanOutBenchmark(dueUsers: number): Promise<Result> {
  const prerequisites = checkPrerequisites();
  const hosts = { firestore: `127.0.0.1:${await freePort()}`, pubsub: `127.0.0.1:${await freePort()}` };
  const emulators = await Promise.all([
    startFirestoreEmulator(prerequisites, hosts.firestore),
    startPubsubEmulator(prerequisites, hosts.pubsub, PROJECT_ID),
  ]);
  try {
    Object.assign(process.env, {
      GOOGLE_CLOUD_PROJECT: PROJECT_ID,
      PUBLIC_BASE_URL: process.env.PUBLIC_BASE_URL ?? 'http://127.0.0.1:1',
      FIRESTORE_EMULATOR_HOST: hosts.firestore,
      PUBSUB_EMULATOR_HOST: hosts.pubsub,
      METADATA_SERVER_DETECTION: 'none',
    });
    const pubsub = new PubSub({ projectId: PROJECT_ID });
    await pubsub.topic(SYNC_USER_TOPIC).get({ autoCreate: true });
    await pubsub.close();

    const seedStarted = performance.now();
    await seed(dueUsers);
    const seedMs = Math.round(performance.now() - seedStarted);

    let published = 0;
    const publish = async (requests: readonly SyncRequest[]) => {
      await publishSyncRequests(requests);
      published += requests.length;
    };
    const rssBeforeTick = process.memoryUsage.rss();
    let peakRss = rssBeforeTick;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage.rss());
    }, 50);
    const started = performance.now();
    const { dispatched } = await fanOutDueUsers({ nowMs: TICK_MINUTE * MINUTE_MS + 1000, publish });
    const wallMs = Math.round(performance.now() - started);
    clearInterval(sampler);
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    if (dispatched !== dueUsers || published !== dueUsers) {
      throw new Error(
        `fanout-100k dispatched ${dispatched} and published ${published}, expected ${dueUsers}`,
      );
    }
    return {
      scenario: 'fanout-100k',
      calls: published,
      lowerBound: dueUsers,
      wallMs,
      peakRssMiB: mebibytes(peakRss),
      rssBeforeTickMiB: mebibytes(rssBeforeTick),
      dispatched,
      notDueUsers: Math.floor(dueUsers / 10),
      seedMs,
    };
  } finally {
    await firestore().terminate();
    await Promise.all(emulators.map((emulator) => emulator.stop()));
  }
}
