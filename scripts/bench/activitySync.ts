import { createActivity } from '../../functions/src/app/crm/activities.js';
import {
  expectCount,
  freshUser,
  inParallel,
  measureRun,
  resultOf,
  type SyncScenario,
  type SyncUser,
  settledRun,
} from './syncWorld.js';

/**
 * The activity sync's API economy (SPEC §3.5.4, §5: a no-change run costs one Calendar list call).
 * `calls` counts the Calendar API data calls the Google emulator logged for the account during the
 * run (`calendar.*` methods; OAuth token calls are not counted, §5). Calendar has no batch insert
 * the product can use one event at a time without giving up per-event errors, so a first export of
 * N meetings costs at least N events.insert calls plus the one events.list that brings the sync token.
 */

const SEED_PARALLEL = 16;
const HOUR_MS = 3_600_000;
/** The meetings are hourly from 2030-02-01 09:00 UTC on, after the user's syncSince. */
const FIRST_MEETING = Date.UTC(2030, 1, 1, 9);

/** `count` one-hour meetings the user organizes, shown in their calendar, created as the API creates them. */
async function seedMeetings(user: SyncUser, count: number): Promise<void> {
  await inParallel(count, SEED_PARALLEL, (index) =>
    createActivity(user.caller, {
      title: `Customer meeting ${index}`,
      location: 'Room 1',
      start: new Date(FIRST_MEETING + index * HOUR_MS).toISOString(),
      end: new Date(FIRST_MEETING + index * HOUR_MS + HOUR_MS).toISOString(),
      timeZone: 'Europe/Paris',
      showInCalendar: true,
    }),
  );
}

function firstExport(total: number): SyncScenario {
  const scenario = `activities-first-export-${total}`;
  return {
    name: scenario,
    async run(world) {
      const user = await freshUser(world);
      const started = performance.now();
      await seedMeetings(user, total);
      const seedMs = Math.round(performance.now() - started);
      const measured = await measureRun(world, user, 'activities');
      expectCount(scenario, 'events created in Google', measured.counts.toGoogle.created, total);
      return resultOf(scenario, measured, total + 1, { seedMs });
    },
  };
}

/** 100 meetings synced and settled (see `settledRun`); then a run with nothing new. */
const noChange: SyncScenario = {
  name: 'activities-no-change',
  async run(world) {
    const user = await freshUser(world);
    await seedMeetings(user, 100);
    const { measured, settlingRun } = await settledRun(world, user, 'activities');
    return resultOf('activities-no-change', measured, 1, { accountEvents: 100, settlingRun });
  },
};

export const ACTIVITY_SCENARIOS: SyncScenario[] = [noChange, firstExport(500)];
