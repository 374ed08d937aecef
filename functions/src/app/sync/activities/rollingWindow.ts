import { GoogleApiFailure } from '../../../adapters/google/apiErrors.js';
import type { CalendarEvent } from '../../../core/sync/activities/fields.js';
import { applyEvents } from './pullFromGoogle.js';
import type { ActivityRun } from './run.js';

/**
 * Recurring events (docs/behaviour.md#all-day-time-zones-and-recurrence): each occurrence becomes its own activity (listings use
 * `singleEvents=true`), attached to its series by `recurringSeriesId` = the series' event id; an
 * edited occurrence is an exception with the same `recurringEventId`, so it stays attached.
 *
 * A series without an end would otherwise fill the CRM for years, so occurrences are imported only
 * while they start less than WINDOW_DAYS from now. The window rolls once a day: the occurrences that
 * entered it since are read per known series with events.instances, so a run on the same day as the
 * previous one still costs a single Calendar call.
 */
export const WINDOW_DAYS = 180;
const DAY_MS = 86_400_000;

/** The end of the window this run imports up to: the stored one, unless a day or more has passed. */
export function windowUntil(stored: number | undefined, now: number): { until: number; roll: boolean } {
  const wanted = now + WINDOW_DAYS * DAY_MS;
  if (stored === undefined) return { until: wanted, roll: false };
  return wanted - stored >= DAY_MS ? { until: wanted, roll: true } : { until: stored, roll: false };
}

/** Reads the occurrences of every known series that entered the window since it last rolled. */
export async function rollWindow(run: ActivityRun, from: number): Promise<void> {
  const timeMin = new Date(from).toISOString();
  const timeMax = new Date(run.window.until).toISOString();
  for (const seriesId of await run.state.seriesIds()) {
    let occurrences: CalendarEvent[];
    try {
      occurrences = await run.calendar.instances(seriesId, timeMin, timeMax);
    } catch (error) {
      if (!(error instanceof GoogleApiFailure && (error.kind === 'not_found' || error.kind === 'gone')))
        throw error;
      await run.state.forgetSeries(seriesId);
      continue;
    }
    await applyEvents(run, occurrences);
  }
}
