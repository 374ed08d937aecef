import assert from 'node:assert/strict';
import { firestore } from '../../functions/src/adapters/firestore/client.js';
import { SYNC_LEASES } from '../../functions/src/adapters/firestore/syncLease.js';
import { publishSyncRequests } from '../../functions/src/adapters/pubsub/publisher.js';
import { claimRun } from '../../functions/src/app/sync/runs/claimRun.js';
import { finishRun, renewLease } from '../../functions/src/app/sync/runs/heldRun.js';
import { KindReport } from '../../functions/src/app/sync/runs/kindReport.js';
import type { KindSyncs } from '../../functions/src/app/sync/runs/kinds.js';
import { LEASE_TTL_MS, QUEUED_RUN_TIMEOUT_MS } from '../../functions/src/app/sync/runs/lease.js';
import { queueManualRun } from '../../functions/src/app/sync/runs/queueManualRun.js';
import { runUserSync } from '../../functions/src/app/sync/runs/runUserSync.js';
import type { SyncRequest } from '../../functions/src/domain/sync/messages.js';
import {
  emptyCounts,
  type KindSync,
  type KindSyncContext,
  type SyncRun,
} from '../../functions/src/domain/sync/model.js';
import { AppError } from '../../functions/src/errors.js';
import { wirePubSubPush } from '../../scripts/local/wiring.js';
import { api, type Json } from '../support/api.js';
import type { TestStack } from '../support/stack.js';
import type { TestUser } from '../support/users.js';
import { accountsOf, control, resetToConfiguredApp, suiteUsers } from './linking-support.js';
import {
  CONTACTS,
  deleteSyncTopic,
  ensureSyncTopic,
  getRun,
  linkGoogleAccount,
  pausePushDelivery,
  personalTag,
  pushToSyncUser,
  putSyncSettings,
  SyncRequestTap,
  syncNow,
  waitForFinishedRun,
} from './sync-support.js';

/**
 * The sync runtime around a run (docs/behaviour.md#running-syncs, docs/api.md): `syncNow`, the per-user lease, `syncUser`'s
 * handling of Pub/Sub deliveries, and the run records. The kinds' own syncs are other suites'
 * business: where a test needs a kind to succeed or fail in a given way, it hands the use case a
 * kind sync that does exactly that; end-to-end tests use the real ones and assert only what holds
 * whatever they do.
 */

const RUN_FIELDS = new Set([
  'id',
  'trigger',
  'kinds',
  'status',
  'queuedAt',
  'startedAt',
  'finishedAt',
  'counts',
  'conflicts',
  'errors',
  'error',
]);
const FINISHED = ['succeeded', 'partial', 'failed'];

const manual = (uid: string, runId: string): SyncRequest => ({ trigger: 'manual', uid, runId });

function assertRunShape(run: Json): void {
  for (const key of Object.keys(run)) assert.ok(RUN_FIELDS.has(key), `unexpected run field ${key}`);
  assert.ok(!Number.isNaN(Date.parse(run.queuedAt)));
  if (run.startedAt) assert.ok(Date.parse(run.queuedAt) <= Date.parse(run.startedAt));
  if (run.finishedAt) assert.ok(Date.parse(run.startedAt) <= Date.parse(run.finishedAt));
}

/** A kind sync that reports `result`, remembering the contexts it was called with. */
function reporting(
  result: Partial<Awaited<ReturnType<KindSync<unknown>>>> = {},
  kind: 'contacts' | 'activities' = 'contacts',
) {
  const calls: KindSyncContext<unknown>[] = [];
  const sync: KindSync<never> = async (context) => {
    calls.push(context);
    return { counts: emptyCounts(kind), conflicts: [], errors: [], ...result };
  };
  return { sync, calls };
}

const throwing =
  (error: unknown): KindSync<never> =>
  async () => {
    throw error;
  };

function kindSyncs(syncs: Partial<Record<keyof KindSyncs, KindSync<never>>>): KindSyncs {
  return {
    contacts: syncs.contacts ?? throwing(new Error('contacts must not run in this test')),
    activities: syncs.activities ?? throwing(new Error('activities must not run in this test')),
  } as KindSyncs;
}

async function runsOf(user: TestUser): Promise<Json[]> {
  const reply = await api(user, 'GET', '/me/sync/runs');
  assert.equal(reply.status, 200, JSON.stringify(reply.json));
  return reply.json.items;
}

async function leaseOf(uid: string) {
  return (await firestore().collection(SYNC_LEASES).doc(uid).get()).data();
}

describe('sync runs: syncNow, the lease, syncUser deliveries and run records', function () {
  this.timeout(180_000);
  let stack: TestStack;
  let admin: TestUser;
  let alice: TestUser;
  let bob: TestUser;
  let restorePush: () => Promise<void>;
  let tap: SyncRequestTap;

  before(async () => {
    ({ stack, admin, user: alice, other: bob } = await suiteUsers());
    restorePush = await pausePushDelivery(stack);
  });

  after(async () => {
    await ensureSyncTopic(stack);
    await restorePush();
  });

  beforeEach(async () => {
    await resetToConfiguredApp(stack, admin);
    await ensureSyncTopic(stack);
    await linkGoogleAccount(stack, alice);
    tap = await SyncRequestTap.open(stack);
  });

  afterEach(async () => {
    await tap.close();
  });

  /** Configures both kinds for alice (her personal tag, a start date). */
  async function configureBoth(): Promise<string> {
    const tagId = await personalTag(alice);
    await putSyncSettings(alice, {
      contacts: { autoSync: false, periodMinutes: 60, tagId },
      activities: { autoSync: false, periodMinutes: 60, syncSince: '2024-01-01' },
    });
    return tagId;
  }

  describe('syncNow', () => {
    it('when the user has no linked Google account, then 409 no_linked_account and no run is recorded', async () => {
      const reply = await syncNow(bob);
      assert.equal(reply.status, 409);
      assert.equal(reply.json.error.code, 'no_linked_account');
      assert.deepEqual(await runsOf(bob), []);
      assert.deepEqual(await tap.pull(0, 1000), []);
      assert.equal((await syncNow(undefined)).status, 401);
    });

    it('when the user runs syncNow, then a queued manual run is recorded and its request published', async () => {
      const reply = await syncNow(alice);
      assert.equal(reply.status, 202);
      assert.deepEqual(Object.keys(reply.json), ['runId']);
      const { runId } = reply.json;
      const run = await getRun(alice, runId);
      assertRunShape(run);
      assert.deepEqual(
        { ...run, queuedAt: undefined },
        {
          id: runId,
          trigger: 'manual',
          kinds: ['contacts', 'activities'],
          status: 'queued',
          queuedAt: undefined,
          counts: {},
          conflicts: [],
          errors: [],
        },
      );
      assert.deepEqual(await tap.pull(1), [{ trigger: 'manual', uid: alice.uid, runId }]);
    });

    it('when syncNow names kinds, then the run covers those, in their fixed order', async () => {
      const reply = await syncNow(alice, { kinds: ['activities'] });
      assert.equal(reply.status, 202);
      assert.deepEqual((await getRun(alice, reply.json.runId)).kinds, ['activities']);
    });

    it('when syncNow is called 100 times at once, then every answer is 202, exactly one run is queued and the other 99 coalesce into it', async () => {
      const replies = await Promise.all(Array.from({ length: 100 }, () => syncNow(alice)));
      for (const reply of replies) assert.equal(reply.status, 202, JSON.stringify(reply.json));
      const runIds = new Set(replies.map((reply) => reply.json.runId));
      assert.equal(runIds.size, 1);
      assert.equal(replies.filter((reply) => reply.json.coalesced === true).length, 99);
      assert.equal(replies.filter((reply) => reply.json.coalesced === undefined).length, 1);
      assert.equal((await runsOf(alice)).length, 1);
      assert.equal((await tap.pull(1)).length, 1);
      assert.deepEqual(await tap.pull(0, 1000), [], 'no second request was published');
    });

    it('when the input is bad, then 400 names the field and nothing is queued or published', async () => {
      const cases: [string, unknown][] = [
        ['kinds.0', { kinds: ['email'] }],
        ['kinds', { kinds: [] }],
        ['kinds', { kinds: ['contacts', 'contacts'] }],
        ['kinds', { kinds: 'contacts' }],
        ['extra', { extra: true }],
        ['body', ['contacts']],
      ];
      for (const [field, body] of cases) {
        const reply = await syncNow(alice, body);
        assert.equal(reply.status, 400, JSON.stringify(reply.json));
        assert.equal(reply.json.error.code, 'invalid_argument');
        assert.ok(reply.json.error.details.fields[field], `${field}: ${JSON.stringify(reply.json)}`);
      }
      assert.deepEqual(await runsOf(alice), []);
      assert.equal(await leaseOf(alice.uid), undefined);
      assert.deepEqual(await tap.pull(0, 1000), []);
    });

    it('when publishing the request fails, then 503, the run is failed and the next syncNow queues a new run', async () => {
      await deleteSyncTopic(stack);
      const failed = await syncNow(alice);
      assert.equal(failed.status, 503, JSON.stringify(failed.json));
      assert.equal(failed.json.error.code, 'unavailable');
      assert.equal(failed.headers.get('retry-after'), '1', 'the client is told when to try again');
      const [run] = await runsOf(alice);
      assert.equal(run.status, 'failed');
      assert.equal(run.error.code, 'unavailable');
      assert.equal(await leaseOf(alice.uid), undefined, 'the user is free again');

      await ensureSyncTopic(stack);
      const again = await syncNow(alice);
      assert.equal(again.status, 202);
      assert.notEqual(again.json.runId, run.id);
      assert.equal(again.json.coalesced, undefined);
    });

    it("when a queued run's request never arrived, then after the queue timeout syncNow closes it and queues a new run", async () => {
      const stale = await queueManualRun(alice.uid, ['contacts'], Date.now() - QUEUED_RUN_TIMEOUT_MS - 1000);
      const reply = await syncNow(alice);
      assert.equal(reply.status, 202);
      assert.notEqual(reply.json.runId, stale.runId);
      assert.equal(reply.json.coalesced, undefined);
      const closed = await getRun(alice, stale.runId);
      assert.equal(closed.status, 'failed');
      assert.equal(closed.error?.code, 'unavailable');
      // Its late delivery does nothing.
      assert.equal(await pushToSyncUser(stack, { payload: manual(alice.uid, stale.runId) }), 204);
      assert.deepEqual(await getRun(alice, stale.runId), closed);
    });

    it("when a running run's lease expired (its process died), then syncNow closes it as interrupted and queues a new run", async () => {
      const { runId } = await queueManualRun(alice.uid, ['contacts'], Date.now() - LEASE_TTL_MS - 2000);
      await claimRun(manual(alice.uid, runId), 'dead-delivery', Date.now() - LEASE_TTL_MS - 1000);
      const reply = await syncNow(alice);
      assert.equal(reply.status, 202);
      assert.notEqual(reply.json.runId, runId);
      const closed = await getRun(alice, runId);
      assert.equal(closed.status, 'failed');
      assert.equal(closed.error?.code, 'interrupted');
      assert.equal((await leaseOf(alice.uid))?.runId, reply.json.runId);
    });
  });

  describe('syncUser deliveries', () => {
    it('when the request of a run is delivered and no kind is configured, then the run finishes failed saying so, and frees the user', async () => {
      const { runId } = (await syncNow(alice)).json;
      const [request] = await tap.pull(1);
      assert.equal(await pushToSyncUser(stack, { payload: request }), 204);
      const run = await getRun(alice, runId);
      assertRunShape(run);
      assert.equal(run.status, 'failed');
      assert.equal(run.error?.code, 'sync_not_configured');
      assert.deepEqual(
        run.errors.map(({ kind, code }) => ({ kind, code })),
        [
          { kind: 'contacts', code: 'sync_not_configured' },
          { kind: 'activities', code: 'sync_not_configured' },
        ],
      );
      assert.ok(run.errors.every((error) => error.message.length > 0));
      assert.deepEqual(run.counts, {});
      assert.ok(run.startedAt && run.finishedAt);
      assert.equal(await leaseOf(alice.uid), undefined);
      const next = await syncNow(alice);
      assert.equal(next.status, 202);
      assert.notEqual(next.json.runId, runId, 'a finished run no longer coalesces');
    });

    it('when Pub/Sub pushes to syncUser as wired in the cloud, then a syncNow run is delivered and finishes by itself', async () => {
      await wirePubSubPush(stack.projectId, stack.baseUrl);
      try {
        const { runId } = (await syncNow(alice)).json;
        const run = await waitForFinishedRun(alice, runId);
        assert.equal(run.error?.code, 'sync_not_configured');
      } finally {
        await pausePushDelivery(stack);
      }
    });

    it('when the same request is delivered again, after the run finished, then nothing changes', async () => {
      const { runId } = (await syncNow(alice)).json;
      const [request] = await tap.pull(1);
      assert.equal(await pushToSyncUser(stack, { payload: request, messageId: '42' }), 204);
      const finished = await getRun(alice, runId);
      assert.equal(await pushToSyncUser(stack, { payload: request, messageId: '42' }), 204);
      assert.equal(await pushToSyncUser(stack, { payload: request, messageId: '43' }), 204);
      assert.deepEqual(await getRun(alice, runId), finished);
      assert.equal((await runsOf(alice)).length, 1);
    });

    it('when a request is delivered while its run is running, then the duplicate does nothing and syncNow coalesces into the run', async () => {
      await configureBoth();
      const { runId } = (await syncNow(alice, { kinds: ['contacts'] })).json;
      let release: () => void = () => undefined;
      let started: () => void = () => undefined;
      const running = new Promise<void>((resolve) => {
        started = resolve;
      });
      let calls = 0;
      const blocking: KindSync<never> = async () => {
        calls += 1;
        started();
        await new Promise<void>((resolve) => {
          release = resolve;
        });
        return { counts: emptyCounts('contacts'), conflicts: [], errors: [] };
      };
      const first = runUserSync(manual(alice.uid, runId), { kindSyncs: kindSyncs({ contacts: blocking }) });
      await running;
      assert.equal((await getRun(alice, runId)).status, 'running');
      // Not acknowledged: the holder might have died, and a redelivery must be able to take over.
      assert.ok((await pushToSyncUser(stack, { payload: manual(alice.uid, runId) })) >= 500);
      const duplicate = await runUserSync(manual(alice.uid, runId), {
        kindSyncs: kindSyncs({ contacts: blocking }),
      });
      assert.deepEqual(duplicate, { outcome: 'skipped', reason: 'in_progress' });
      assert.deepEqual((await syncNow(alice)).json, { runId, coalesced: true });
      release();
      const done = await first;
      assert.equal(done.outcome, 'ran');
      assert.equal(calls, 1, 'the kind ran once');
      assert.equal((await getRun(alice, runId)).status, 'succeeded');
    });

    it('when a delivery died mid-run (its lease expired), then the redelivery takes the run over and finishes it', async () => {
      const { runId } = (await syncNow(alice)).json;
      const [request] = await tap.pull(1);
      const crashedAt = Date.now() - LEASE_TTL_MS - 1000;
      const claim = await claimRun(request as SyncRequest, 'dead-delivery', crashedAt);
      assert.equal(claim.outcome, 'claimed');
      assert.equal((await getRun(alice, runId)).status, 'running');

      assert.equal(await pushToSyncUser(stack, { payload: request }), 204);
      const run = await getRun(alice, runId);
      assert.ok(FINISHED.includes(run.status), run.status);
      assert.equal(run.startedAt, new Date(crashedAt).toISOString(), 'the run kept its start');
      assert.equal(await leaseOf(alice.uid), undefined);
      // The dead delivery, should it wake up, can no longer write the run.
      const late = await finishRun(
        { uid: alice.uid, runId, holder: 'dead-delivery' },
        {
          ...run,
          status: 'succeeded',
        },
      );
      assert.equal(late, false);
      assert.deepEqual(await getRun(alice, runId), run);
    });

    it('when the process holding a run dies (its lease still live), then Pub/Sub redeliveries are not acknowledged until the lease lapses, and the run resumes within seconds', async () => {
      await wirePubSubPush(stack.projectId, stack.baseUrl);
      try {
        const { runId } = await queueManualRun(alice.uid, ['contacts'], Date.now());
        // A delivery claims the run and dies at once: no heartbeat ever renews its lease.
        const crashedAt = Date.now();
        assert.equal(
          (await claimRun(manual(alice.uid, runId), 'dead-delivery', crashedAt)).outcome,
          'claimed',
        );
        assert.ok(LEASE_TTL_MS <= 30_000, 'a dead holder blocks for seconds, not minutes');
        await publishSyncRequests([manual(alice.uid, runId)]);
        const run = await waitForFinishedRun(alice, runId, LEASE_TTL_MS + 40_000);
        const resumedAfterMs = Date.parse(run.finishedAt ?? '') - crashedAt;
        assert.ok(resumedAfterMs >= LEASE_TTL_MS, `not before the lease lapsed (${resumedAfterMs} ms)`);
        assert.ok(resumedAfterMs < LEASE_TTL_MS + 40_000, `resumed after ${resumedAfterMs} ms`);
        assert.equal(run.startedAt, new Date(crashedAt).toISOString(), 'the same run, taken over');
        assert.equal(await leaseOf(alice.uid), undefined, 'the user is free again');
      } finally {
        await pausePushDelivery(stack);
      }
    });

    it('when the delivery holding a run renews its lease, then it lasts another TTL; no other delivery can renew it', async () => {
      const { runId } = (await syncNow(alice)).json;
      const claimedAt = Date.now();
      await claimRun(manual(alice.uid, runId), 'holder-a', claimedAt);
      assert.equal((await leaseOf(alice.uid))?.expiresAt.toMillis(), claimedAt + LEASE_TTL_MS);
      const later = claimedAt + 60_000;
      assert.equal(await renewLease({ uid: alice.uid, runId, holder: 'holder-a' }, later), true);
      assert.equal((await leaseOf(alice.uid))?.expiresAt.toMillis(), later + LEASE_TTL_MS);
      assert.equal(await renewLease({ uid: alice.uid, runId, holder: 'holder-b' }, later + 1000), false);
      assert.equal((await leaseOf(alice.uid))?.expiresAt.toMillis(), later + LEASE_TTL_MS);
      assert.equal((await leaseOf(alice.uid))?.holder, 'holder-a');
    });

    it('when a transient Firestore fault interrupts the run, then the delivery fails (so Pub/Sub redelivers) and the redelivery finishes the run', async () => {
      await configureBoth();
      const { runId } = (await syncNow(alice, { kinds: ['contacts'] })).json;
      const unavailable = Object.assign(new Error('14 UNAVAILABLE: Firestore is unavailable'), { code: 14 });
      await assert.rejects(
        runUserSync(manual(alice.uid, runId), { kindSyncs: kindSyncs({ contacts: throwing(unavailable) }) }),
        /UNAVAILABLE/,
      );
      assert.equal((await getRun(alice, runId)).status, 'running');
      const lease = await leaseOf(alice.uid);
      assert.ok(
        lease && lease.expiresAt.toMillis() <= Date.now(),
        'the lease was given up for the redelivery',
      );

      const { sync } = reporting();
      const redelivered = await runUserSync(manual(alice.uid, runId), {
        kindSyncs: kindSyncs({ contacts: sync }),
      });
      assert.equal(redelivered.outcome, 'ran');
      assert.equal((await getRun(alice, runId)).status, 'succeeded');
    });

    it('when the message is malformed or names an unknown run, then it is acknowledged and nothing is written', async () => {
      const bad = [
        { rawData: Buffer.from('not json').toString('base64') },
        { rawData: '!!!' },
        { payload: { uid: alice.uid } },
        { payload: { trigger: 'manual', uid: alice.uid, runId: 'no/such run' } },
        { payload: manual(alice.uid, 'noSuchRun') },
        { payload: { trigger: 'schedule', uid: alice.uid, kinds: ['mail'], dueMinute: 1 } },
      ];
      for (const message of bad)
        assert.equal(await pushToSyncUser(stack, message), 204, JSON.stringify(message));
      assert.deepEqual(await runsOf(alice), []);
      assert.equal(await leaseOf(alice.uid), undefined);
    });

    it('when a schedule request is delivered twice, then one run for its due minute is recorded', async () => {
      const dueMinute = Math.floor(Date.now() / 60_000);
      const request = { trigger: 'schedule', uid: alice.uid, kinds: ['activities'], dueMinute };
      assert.equal(await pushToSyncUser(stack, { payload: request }), 204);
      const [run] = await runsOf(alice);
      assert.equal(run.id, `schedule-${dueMinute}`);
      assert.equal(run.trigger, 'schedule');
      assert.deepEqual(run.kinds, ['activities']);
      assert.equal(run.queuedAt, new Date(dueMinute * 60_000).toISOString());
      assert.ok(FINISHED.includes(run.status));
      assert.equal(await pushToSyncUser(stack, { payload: request }), 204);
      assert.deepEqual(await runsOf(alice), [run]);
    });

    it('when a schedule request arrives while another run holds the user, then it is dropped as coalesced', async () => {
      const { runId } = (await syncNow(alice)).json;
      const dueMinute = Math.floor(Date.now() / 60_000);
      const request: SyncRequest = { trigger: 'schedule', uid: alice.uid, kinds: ['contacts'], dueMinute };
      assert.deepEqual(await runUserSync(request), { outcome: 'skipped', reason: 'coalesced' });
      assert.deepEqual(
        (await runsOf(alice)).map((run) => run.id),
        [runId],
      );
      // A user without a linked account is not run at all.
      assert.equal(await pushToSyncUser(stack, { payload: { ...request, uid: bob.uid } }), 204);
      assert.deepEqual(await runsOf(bob), []);
    });
  });

  describe('what a run records', () => {
    it('when every kind completes, then the run succeeded with its counts and conflicts, and lastSync shows each kind', async () => {
      const tagId = await configureBoth();
      const counts = { ...emptyCounts('contacts'), toGoogle: { created: 2, updated: 1, removed: 0 } };
      const conflict = {
        kind: 'contacts' as const,
        recordId: 'c1',
        field: 'emails',
        crmValue: [{ address: 'a@example.com', type: 'work' }],
        googleValue: [[1, 2]],
        winner: 'google' as const,
      };
      const contacts = reporting({ counts, conflicts: [conflict] });
      const activities = reporting({}, 'activities');
      const { runId } = (await syncNow(alice)).json;
      const result = await runUserSync(manual(alice.uid, runId), {
        kindSyncs: kindSyncs({ contacts: contacts.sync, activities: activities.sync }),
      });
      assert.equal(result.outcome, 'ran');
      const run = await getRun(alice, runId);
      assertRunShape(run);
      assert.equal(run.status, 'succeeded');
      assert.equal(run.error, undefined);
      assert.deepEqual(run.counts, { contacts: counts, activities: emptyCounts('activities') });
      assert.deepEqual(run.conflicts, [conflict]);
      assert.deepEqual(run.errors, []);

      const [context] = contacts.calls;
      assert.equal(context?.uid, alice.uid);
      assert.equal(context?.runId, runId);
      assert.equal(context?.account.email, alice.email.toLowerCase());
      assert.deepEqual(context?.settings, { autoSync: false, periodMinutes: 60, tagId });
      assert.deepEqual(activities.calls[0]?.settings, {
        autoSync: false,
        periodMinutes: 60,
        syncSince: '2024-01-01',
      });
      const token = await context?.accessToken();
      const userinfo = await fetch(`${stack.googleApiBaseUrl}/v1/userinfo`, {
        headers: { authorization: `Bearer ${token}` },
      });
      assert.equal(userinfo.status, 200, 'the context hands out a working access token');

      const { lastSync } = (await api(alice, 'GET', '/me/sync-settings')).json;
      assert.ok(lastSync.contacts && lastSync.activities);
      assert.ok(Date.parse(lastSync.activities) <= Date.parse(run.finishedAt ?? ''));
    });

    it('when one kind fails and the other completes with item errors, then the run is partial and says why', async () => {
      await configureBoth();
      const itemError = {
        kind: 'activities' as const,
        recordId: 'a1',
        code: 'invalid',
        message: 'bad event',
      };
      const activities = reporting({ errors: [itemError] }, 'activities');
      const { runId } = (await syncNow(alice)).json;
      await runUserSync(manual(alice.uid, runId), {
        kindSyncs: kindSyncs({
          contacts: throwing(new AppError('unavailable', 'Google could not be reached; try again later.')),
          activities: activities.sync,
        }),
      });
      const run = await getRun(alice, runId);
      assert.equal(run.status, 'partial');
      assert.deepEqual(run.error, {
        code: 'unavailable',
        message: 'Google could not be reached; try again later.',
      });
      assert.deepEqual(run.errors, [
        { kind: 'contacts', code: 'unavailable', message: 'Google could not be reached; try again later.' },
        itemError,
      ]);
      assert.deepEqual(Object.keys(run.counts), ['activities']);
      const { lastSync } = (await api(alice, 'GET', '/me/sync-settings')).json;
      assert.equal(lastSync.contacts, null, 'a failed kind did not complete');
      assert.ok(lastSync.activities);
    });

    it('when a kind fails half-way, then the run keeps the counts of what it did before the fault', async () => {
      await configureBoth();
      const { runId } = (await syncNow(alice, { kinds: ['contacts'] })).json;
      // A contact sync that exports 400 contacts into the run's live counts, then meets a fault.
      const halfWay: KindSync<never> = async (context) => {
        const report = new KindReport('contacts', context.uid, context.counts);
        for (let created = 0; created < 400; created += 1) report.counts.toGoogle.created += 1;
        report.counts.toCrm.linked += 2;
        throw new AppError('unavailable', 'Google could not be reached; try again later.');
      };
      await runUserSync(manual(alice.uid, runId), { kindSyncs: kindSyncs({ contacts: halfWay }) });
      const run = await getRun(alice, runId);
      assert.equal(run.status, 'failed');
      assert.equal(run.error?.code, 'unavailable');
      assert.equal(run.counts.contacts?.toGoogle.created, 400, JSON.stringify(run.counts));
      assert.equal(run.counts.contacts?.toCrm.linked, 2);
      assert.deepEqual(
        run.errors.map(({ kind, code }) => ({ kind, code })),
        [{ kind: 'contacts', code: 'unavailable' }],
      );
    });

    it('when a kind throws an unexpected error, then it fails as internal without leaking the error text', async () => {
      await configureBoth();
      const { runId } = (await syncNow(alice, { kinds: ['contacts'] })).json;
      await runUserSync(manual(alice.uid, runId), {
        kindSyncs: kindSyncs({ contacts: throwing(new TypeError('secret internals at line 42')) }),
      });
      const run = await getRun(alice, runId);
      assert.equal(run.status, 'failed');
      assert.equal(run.error?.code, 'internal');
      assert.doesNotMatch(JSON.stringify(run), /secret internals/);
    });

    it('when the real kind syncs run end to end, then the run finishes and reports each kind', async () => {
      await configureBoth();
      const { runId } = (await syncNow(alice)).json;
      assert.equal(await pushToSyncUser(stack, { payload: manual(alice.uid, runId) }), 204);
      const run = await waitForFinishedRun(alice, runId);
      assertRunShape(run);
      for (const kind of ['contacts', 'activities'] as const) {
        const completed = run.counts[kind] !== undefined;
        const failed = run.errors.some((error) => error.kind === kind && error.recordId === undefined);
        assert.ok(completed !== failed, `${kind} either completed or failed: ${JSON.stringify(run)}`);
      }
      if (run.status === 'failed') assert.ok(run.error?.code && run.error.message);
    });

    it('when the account lacks the calendar scope, then activities is skipped with missing_scope', async () => {
      await linkGoogleAccount(stack, alice, { scopes: [CONTACTS] });
      await putSyncSettings(alice, {
        contacts: { autoSync: false },
        activities: { autoSync: true, periodMinutes: 30, syncSince: '2024-01-01' },
      });
      const { runId } = (await syncNow(alice, { kinds: ['activities'] })).json;
      assert.equal(await pushToSyncUser(stack, { payload: manual(alice.uid, runId) }), 204);
      const run = await getRun(alice, runId);
      assert.equal(run.status, 'failed');
      assert.equal(run.error?.code, 'missing_scope');
      assert.deepEqual(
        run.errors.map(({ kind, code }) => ({ kind, code })),
        [{ kind: 'activities', code: 'missing_scope' }],
      );
    });

    it('when Google no longer accepts the refresh token, then the run fails with reauth_required and the account shows reauthRequired', async () => {
      await configureBoth();
      await control(stack).revokeGrant(alice.email.toLowerCase());
      const { runId } = (await syncNow(alice)).json;
      assert.equal(await pushToSyncUser(stack, { payload: manual(alice.uid, runId) }), 204);
      const run = await getRun(alice, runId);
      assert.equal(run.status, 'failed');
      assert.equal(run.error?.code, 'reauth_required');
      assert.match(run.error?.message ?? '', /link/i);
      assert.equal(
        run.errors.filter((error) => error.code === 'reauth_required').length,
        1,
        'the run stopped at the first kind',
      );
      assert.equal((await accountsOf(alice))[0]?.status, 'reauthRequired');
    });
  });

  describe('reading runs', () => {
    async function finishedRuns(count: number): Promise<string[]> {
      const ids: string[] = [];
      for (let i = 0; i < count; i += 1) {
        const { runId } = (await syncNow(alice)).json;
        assert.equal(await pushToSyncUser(stack, { payload: manual(alice.uid, runId) }), 204);
        ids.push(runId);
      }
      return ids;
    }

    it('when a user lists runs, then they come oldest first, in pages', async () => {
      const ids = await finishedRuns(3);
      const first = await api(alice, 'GET', '/me/sync/runs?pageSize=2');
      assert.equal(first.status, 200);
      assert.deepEqual(
        first.json.items.map((run: SyncRun) => run.id),
        ids.slice(0, 2),
      );
      assert.ok(first.json.nextPageToken);
      const second = await api(
        alice,
        'GET',
        `/me/sync/runs?pageSize=2&pageToken=${first.json.nextPageToken}`,
      );
      assert.deepEqual(
        second.json.items.map((run: SyncRun) => run.id),
        ids.slice(2),
      );
      assert.equal(second.json.nextPageToken, undefined);
      assert.equal((await api(alice, 'GET', '/me/sync/runs?pageSize=0')).status, 400);
      assert.equal((await api(alice, 'GET', '/me/sync/runs?pageToken=bogus')).status, 400);
    });

    it("when another user asks for a user's run, then 404 as for an unknown run, and their list is their own", async () => {
      const [runId] = await finishedRuns(1);
      const reply = await api(bob, 'GET', `/me/sync/runs/${runId}`);
      assert.equal(reply.status, 404);
      const unknown = await api(bob, 'GET', '/me/sync/runs/noSuchRun');
      assert.equal(unknown.status, 404);
      assert.equal(reply.json.error.code, unknown.json.error.code);
      assert.equal((await api(bob, 'GET', '/me/sync/runs/__weird__')).status, 404);
      assert.deepEqual(await runsOf(bob), []);
      assert.equal((await runsOf(alice)).length, 1);
    });
  });
});
