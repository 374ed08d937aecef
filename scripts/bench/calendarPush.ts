import { firestore } from '../../functions/src/adapters/firestore/client.js';
import { liveEventsOf } from '../../test/integration/activity-sync-support.js';
import { control } from '../../test/integration/linking-support.js';
import { wirePubSubPush } from '../local/wiring.js';
import type { Result } from './report.js';
import {
  freshUser,
  gatewayCall,
  SYNC_SINCE,
  type SyncScenario,
  type SyncUser,
  type SyncWorld,
} from './syncWorld.js';

/**
 * Near-real-time calendar (docs/behaviour.md#near-real-time-calendar) on the local stack: the Google emulator pushes its
 * notifications to `calendarWebhook`, which queues runs that Pub/Sub push delivers to `syncUser`,
 * exactly as under `npm start`. Edits are made as the user makes them in Google Calendar (the
 * emulator's control API); nobody calls syncNow.
 *
 * - `calendar-push-latency`: 50 edits one after the other (a new meeting, then a rename of it, …);
 *   for each, the time until the CRM's API shows it. Reports p50/p95 (target: p95 ≤ 3 s).
 * - `calendar-push-burst-100`: 100 new meetings within 5 s; then waits until every run is done and
 *   checks that the CRM holds exactly Google's meetings. Reports the runs started (target: ≤ 3).
 *
 * `calls` = Calendar API data calls of the account during the scenario; `lowerBound` = one
 * `events.list` per edit for the latency scenario (each edit is read on its own), one for the burst.
 */

const EDITS = 50;
const BURST = 100;
const BURST_MS = 5_000;
const POLL_MS = 25;
const TIMEOUT_MS = 30_000;

// biome-ignore lint/suspicious/noExplicitAny: replies are read loosely, as in the tests
type Json = any;

const apiAs = (world: SyncWorld, user: SyncUser, method: string, path: string, body?: unknown) =>
  gatewayCall(world, user, method, `/api${path}`, body);

const titles = async (world: SyncWorld, user: SyncUser): Promise<string[]> =>
  ((await apiAs(world, user, 'GET', '/activities?pageSize=1000')).items as Json[])
    .filter((a) => a.status !== 'canceled')
    .map((a) => String(a.title));

async function waitFor(what: string, probe: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + TIMEOUT_MS;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

const FINISHED = new Set(['succeeded', 'partial', 'failed']);

async function runsOf(world: SyncWorld, user: SyncUser): Promise<Json[]> {
  return (await apiAs(world, user, 'GET', '/me/sync/runs?pageSize=1000')).items;
}

/** A linked user with automatic activity sync on, push wired, and a first (full) sync done. */
async function pushedUser(world: SyncWorld): Promise<SyncUser> {
  const user = await freshUser(world);
  await apiAs(world, user, 'PUT', '/me/sync-settings', {
    contacts: { autoSync: false, periodMinutes: 60, tagId: user.tagId },
    activities: { autoSync: true, periodMinutes: 60, syncSince: SYNC_SINCE },
  });
  await wirePubSubPush(world.projectId, world.baseUrl);
  const watched = await firestore().collection('calendarWatches').doc(user.uid).get();
  if (!watched.exists) throw new Error('linking did not open a calendar channel');
  await settle(world, user);
  return user;
}

/** Waits until no run of the user's is queued or running. */
async function settle(world: SyncWorld, user: SyncUser): Promise<void> {
  await waitFor('the runs to finish', async () =>
    (await runsOf(world, user)).every((run) => FINISHED.has(run.status)),
  );
}

const meeting = (summary: string, index: number) => {
  const start = Date.UTC(2030, 2, 1, 8) + index * 3_600_000;
  return {
    summary,
    start: { dateTime: new Date(start).toISOString() },
    end: { dateTime: new Date(start + 1_800_000).toISOString() },
  };
};

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;

async function calendarCallCount(world: SyncWorld, user: SyncUser): Promise<Record<string, number>> {
  const { counts } = await control(world).requests({ account: user.googleEmail });
  return Object.fromEntries(Object.entries(counts).filter(([method]) => method.startsWith('calendar.')));
}

const sum = (calls: Record<string, number>) => Object.values(calls).reduce((a, b) => a + b, 0);

const latency: SyncScenario = {
  name: 'calendar-push-latency',
  async run(world): Promise<Result> {
    const user = await pushedUser(world);
    await control(world).clearRequests();
    const runsBefore = (await runsOf(world, user)).length;
    const latencies: number[] = [];
    const started = performance.now();
    let eventId = '';
    for (let edit = 0; edit < EDITS; edit += 1) {
      const title = `Pushed ${edit}`;
      const t0 = performance.now();
      if (edit % 2 === 0) {
        eventId = String(
          (await control(world).calendarCreateEvent(user.googleEmail, meeting(title, edit))).id,
        );
      } else {
        await control(world).calendarUpdateEvent(user.googleEmail, eventId, { summary: title });
      }
      await waitFor(`edit ${edit} in the CRM`, async () => (await titles(world, user)).includes(title));
      latencies.push(performance.now() - t0);
    }
    const wallMs = Math.round(performance.now() - started);
    await settle(world, user);
    const sorted = [...latencies].sort((a, b) => a - b);
    const calls = await calendarCallCount(world, user);
    const p95Ms = Math.round(percentile(sorted, 95));
    return {
      scenario: 'calendar-push-latency',
      calls: sum(calls),
      lowerBound: EDITS,
      wallMs,
      peakRssMiB: Math.round(process.memoryUsage().rss / 1024 / 1024),
      edits: EDITS,
      p50Ms: Math.round(percentile(sorted, 50)),
      p95Ms,
      maxMs: Math.round(sorted.at(-1) ?? 0),
      targetP95Ms: 3_000,
      meetsTarget: p95Ms <= 3_000,
      runs: (await runsOf(world, user)).length - runsBefore,
      callsByMethod: calls,
    };
  },
};

const burst: SyncScenario = {
  name: 'calendar-push-burst-100',
  async run(world): Promise<Result> {
    const user = await pushedUser(world);
    await control(world).clearRequests();
    const known = new Set((await runsOf(world, user)).map((run) => String(run.id)));
    const started = performance.now();
    for (let index = 0; index < BURST; index += 1) {
      const due = started + (index * BURST_MS) / BURST;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      await control(world).calendarCreateEvent(user.googleEmail, meeting(`Burst ${index}`, index));
    }
    const burstMs = Math.round(performance.now() - started);
    await waitFor('every meeting in the CRM', async () => {
      const crm = await titles(world, user);
      return crm.filter((title) => title.startsWith('Burst ')).length >= BURST;
    });
    await settle(world, user);
    const wallMs = Math.round(performance.now() - started);
    const runs = (await runsOf(world, user)).filter((run) => !known.has(String(run.id)) && run.startedAt);
    const google = (await liveEventsOf(world, user.googleEmail)).map((e: Json) => String(e.summary)).sort();
    const crm = (await titles(world, user)).sort();
    const consistent = JSON.stringify(google) === JSON.stringify(crm);
    const calls = await calendarCallCount(world, user);
    return {
      scenario: 'calendar-push-burst-100',
      calls: sum(calls),
      lowerBound: 1,
      wallMs,
      peakRssMiB: Math.round(process.memoryUsage().rss / 1024 / 1024),
      edits: BURST,
      burstMs,
      runsStarted: runs.length,
      targetRuns: 3,
      meetsTarget: runs.length <= 3 && consistent,
      consistent,
      googleMeetings: google.length,
      crmActivities: crm.length,
      callsByMethod: calls,
    };
  },
};

export const CALENDAR_PUSH_SCENARIOS: SyncScenario[] = [latency, burst];
