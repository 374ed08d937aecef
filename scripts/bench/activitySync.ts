import { createActivity } from '../../functions/src/app/crm/activities.js';
import { control } from '../../test/integration/linking-support.js';
import {
  expectCount,
  freshUser,
  inParallel,
  measureFloor,
  measureRun,
  resultOf,
  type SyncScenario,
  type SyncUser,
  type SyncWorld,
  settledRun,
  withFloor,
} from './syncWorld.js';

/**
 * The activity sync's API economy (docs/behaviour.md#incremental-activity-sync, docs/architecture.md#quality-bars: a no-change run costs one Calendar list call).
 * `calls` counts the Calendar API data calls the Google emulator logged for the account during the
 * run (`calendar.*` methods; OAuth token calls are not counted, docs/architecture.md#quality-bars), each inner call of a batch
 * request counted: a first export of N meetings costs at least N events.insert calls plus the one
 * events.list that brings the sync token, in ⌈N/1000⌉ batch requests plus that list
 * (https://developers.google.com/calendar/api/guides/batch).
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

/** Google's largest events.list page (https://developers.google.com/calendar/api/v3/reference/events/list). */
const EVENTS_PAGE = 2500;

/** `count` one-hour meetings the user has in Google (their own calendar), 1000 a control request. */
async function seedEvents(world: SyncWorld, user: SyncUser, count: number): Promise<void> {
  for (let start = 0; start < count; start += 1000) {
    const events = Array.from({ length: Math.min(1000, count - start) }, (_, i) => {
      const at = FIRST_MEETING + (start + i) * HOUR_MS;
      return {
        summary: `Google meeting ${start + i}`,
        start: { dateTime: new Date(at).toISOString() },
        end: { dateTime: new Date(at + HOUR_MS).toISOString() },
      };
    });
    await control(world).calendarCreateEvents(user.googleEmail, events);
  }
}

function firstImport(total: number): SyncScenario {
  const scenario = `activities-import-${total}`;
  return {
    name: scenario,
    async run(world) {
      const user = await freshUser(world);
      await seedEvents(world, user, total);
      const measured = await measureRun(world, user, 'activities');
      expectCount(scenario, 'activities created in the CRM', measured.counts.toCrm.created, total);
      const result = resultOf(scenario, measured, Math.ceil(total / EVENTS_PAGE));
      return withFloor(result, await measureFloor(user, 'activities', total), total);
    },
  };
}

function firstExport(total: number): SyncScenario {
  const scenario = `activities-export-${total}`;
  return {
    name: scenario,
    async run(world) {
      const user = await freshUser(world);
      const started = performance.now();
      await seedMeetings(user, total);
      const seedMs = Math.round(performance.now() - started);
      const measured = await measureRun(world, user, 'activities');
      expectCount(scenario, 'events created in Google', measured.counts.toGoogle.created, total);
      const result = resultOf(scenario, measured, total + 1, {
        seedMs,
        httpRequestsLowerBound: Math.ceil(total / 1000) + 1,
      });
      return withFloor(result, await measureFloor(user, 'activities', total), total);
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

export const ACTIVITY_SCENARIOS: SyncScenario[] = [
  noChange,
  firstExport(500),
  firstExport(2000),
  firstImport(10000),
];
