import assert from 'node:assert/strict';
import { WriteBatch } from '@google-cloud/firestore';
import { GoogleApiCaller } from '../../functions/src/adapters/google/apiCaller.js';
import { CalendarApi } from '../../functions/src/adapters/google/calendar.js';
import { runActivitySync, startRun } from '../../functions/src/app/sync/activities/syncActivities.js';
import { runContactSync } from '../../functions/src/app/sync/contacts/syncContacts.js';
import { createUser } from '../support/users.js';
import {
  activities,
  createActivity,
  liveEventsOf,
  patchActivity,
  syncContext,
  withCalendar,
} from './activity-sync-support.js';
import {
  contextOf,
  crmCreate,
  crmPatch,
  crmTagged,
  freshWorld,
  googleContacts,
  googleCreate,
  inGroup,
  type SyncUser,
  syncGroup,
  syncUser,
} from './contact-sync-support.js';
import { control, type SuiteUsers, suiteUsers } from './linking-support.js';

/**
 * The crash test (docs/behaviour.md#running-syncs "a run interrupted at any point resumes without duplicates or lost
 * changes"): a representative run of each kind is stopped right after each of its operations in
 * turn — every Google call that returned and every Firestore commit (batch, single write or
 * transaction: all of them end in WriteBatch#_commit of @google-cloud/firestore) — as a process
 * killed at that moment would stop, then run again to its end. After every stop: no duplicate on
 * either side and every change of both sides made before the run is on both sides.
 */

class Crash extends Error {
  override name = 'Crash';
}

/** Counts the run's operations; throws Crash right after the `stopAfter`-th (Infinity: never). */
const operations = { done: 0, stopAfter: Number.POSITIVE_INFINITY };
function operationDone(): void {
  operations.done += 1;
  if (operations.done === operations.stopAfter) throw new Crash(`stopped after operation ${operations.done}`);
}

async function stoppedAfter<T>(stopAfter: number, run: () => Promise<T>): Promise<'stopped' | 'completed'> {
  Object.assign(operations, { done: 0, stopAfter });
  try {
    await run();
    return 'completed';
  } catch (error) {
    if (error instanceof Crash) return 'stopped';
    throw error;
  } finally {
    operations.stopAfter = Number.POSITIVE_INFINITY;
  }
}

/** A Google caller whose every answered call counts as one operation. */
class CountingCaller extends GoogleApiCaller {
  override async call<T>(name: string, idempotent: boolean, request: () => Promise<T>): Promise<T> {
    const answer = await super.call(name, idempotent, request);
    operationDone();
    return answer;
  }
}

const batchPrototype = WriteBatch.prototype as unknown as {
  _commit: (...args: unknown[]) => Promise<unknown>;
};
const realCommit = batchPrototype._commit;

describe('crash test: a run stopped after each of its operations in turn, then run again', function () {
  this.timeout(900_000);
  let users: SuiteUsers;

  before(async () => {
    users = await suiteUsers();
    batchPrototype._commit = async function (this: unknown, ...args: unknown[]) {
      const result = await realCommit.apply(this, args);
      operationDone();
      return result;
    };
  });

  after(() => {
    batchPrototype._commit = realCommit;
  });

  /** Runs the scenario once to its end, counting its operations, then once per operation stopped there. */
  async function everyStop(
    prepare: () => Promise<() => Promise<unknown>>,
    check: (stop: number) => Promise<void>,
  ): Promise<void> {
    const clean = await prepare();
    assert.equal(await stoppedAfter(Number.POSITIVE_INFINITY, clean), 'completed');
    const total = operations.done;
    assert.ok(total > 5, `a representative run makes several operations (${total})`);
    await check(0);
    let stopped = 0;
    for (let stop = 1; stop <= total; stop += 1) {
      const run = await prepare();
      if ((await stoppedAfter(stop, run)) === 'stopped') stopped += 1;
      await run();
      await check(stop);
    }
    // Each stop really cut its run short (the last one may fall after the run's final operation).
    assert.ok(stopped >= total - 1, `${stopped} of ${total} runs were stopped`);
  }

  it('when a contact run stops after any Google call or Firestore commit, then the next run leaves no duplicate and no lost change', async () => {
    let su: SyncUser;
    const prepare = async () => {
      await freshWorld(users.stack, users.admin);
      su = await syncUser(users.stack, users.user);
      const ann = await crmCreate(su, { givenName: 'Ann' });
      await crmCreate(su, { givenName: 'Bob' });
      const context = await contextOf(su);
      await runContactSync(context);
      // The changes the run under test carries: on both sides, both directions, a create each.
      await crmPatch(su, ann.id, { notes: 'edited in the CRM' });
      await crmCreate(su, { givenName: 'Cy' });
      const group = await syncGroup(users.stack, su.email);
      await googleCreate(users.stack, su.email, { names: [{ givenName: 'Dee' }] }, group.resourceName ?? '');
      return () => runContactSync(context, { caller: new CountingCaller(context.accessToken) });
    };
    const check = async (stop: number) => {
      const names = ['Ann', 'Bob', 'Cy', 'Dee'];
      const crm = await crmTagged(su);
      assert.deepEqual(crm.map((c) => c.givenName).sort(), names, `CRM after stop ${stop}`);
      const group = await syncGroup(users.stack, su.email);
      const google = (await googleContacts(users.stack, su.email)).filter((p) =>
        inGroup(p, group.resourceName ?? ''),
      );
      assert.deepEqual(google.map((p) => p.names?.[0]?.givenName).sort(), names, `Google after stop ${stop}`);
      const ann = google.find((p) => p.names?.[0]?.givenName === 'Ann');
      assert.equal(ann?.biographies?.[0]?.value, 'edited in the CRM', `the CRM edit after stop ${stop}`);
    };
    await everyStop(prepare, check);
  });

  it('when an activity run stops after any Google call or Firestore commit, then the next run leaves no duplicate and no lost change', async () => {
    let alice: Awaited<ReturnType<typeof withCalendar>>;
    const prepare = async () => {
      await freshWorld(users.stack, users.admin);
      alice = await withCalendar(users.stack, await createUser(users.stack));
      const meeting = (title: string, day: string) => ({
        title,
        start: `2030-03-${day}T10:00:00Z`,
        end: `2030-03-${day}T11:00:00Z`,
        showInCalendar: true,
        organizerContactId: alice.contactId,
        participants: [{ email: 'client@example.org' }],
      });
      const first = await createActivity(alice, meeting('Review', '04'));
      const context = await syncContext(alice);
      await runActivitySync(await startRun(context), Date.now());
      await patchActivity(alice, first.id, { title: 'Review (moved)' });
      await createActivity(alice, meeting('Kick-off', '05'));
      await control(users.stack).calendarCreateEvent(alice.googleEmail, {
        summary: 'From Google',
        start: { dateTime: '2030-03-06T09:00:00Z' },
        end: { dateTime: '2030-03-06T10:00:00Z' },
      });
      return async () => {
        const run = await startRun(context);
        run.calendar = new CalendarApi(new CountingCaller(context.accessToken));
        return runActivitySync(run, Date.now());
      };
    };
    const check = async (stop: number) => {
      const titles = ['From Google', 'Kick-off', 'Review (moved)'];
      const crm = (await activities(alice)).filter((a) => a.status !== 'canceled');
      assert.deepEqual(crm.map((a) => a.title).sort(), titles, `CRM after stop ${stop}`);
      const events = await liveEventsOf(users.stack, alice.googleEmail);
      assert.deepEqual(events.map((e) => e.summary).sort(), titles, `Google after stop ${stop}`);
    };
    await everyStop(prepare, check);
  });
});
