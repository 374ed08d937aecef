import {
  activityValues,
  type CalendarEvent,
  type EventTime,
  eventDateTimes,
} from '../../../core/sync/activities/fields.js';
import { eventIdForActivity, eventKey } from '../../../core/sync/activities/ids.js';
import type { Activity } from '../../../domain/crm/activity.js';
import type { ActivityRun } from './run.js';

/**
 * CRM activities new to Google: inserted one by one, or a page's worth in one Calendar batch
 * (docs/architecture.md), each linked to its activity once Google made it.
 */

export function exportOrQueue(
  run: ActivityRun,
  activity: Activity,
  exports: Activity[] | undefined,
): Promise<void> {
  if (!exports) return exportActivity(run, activity);
  exports.push(activity);
  return Promise.resolve();
}

/**
 * The event of a new export: the id derived from the activity's (a retried insert answers 409 and
 * is read back: never a duplicate) and the activity id in its private extended properties.
 */
function newEvent(activity: Activity): CalendarEvent & { id: string } {
  const values = activityValues(activity);
  return {
    id: eventIdForActivity(activity.id),
    summary: activity.title,
    ...(activity.description ? { description: activity.description } : {}),
    ...(activity.location ? { location: activity.location } : {}),
    ...eventDateTimes(values.time as EventTime),
    attendees: activity.participants.map((p) => ({ email: p.email })),
    extendedProperties: { private: { crmActivityId: activity.id } },
  };
}

export async function exportActivity(run: ActivityRun, activity: Activity): Promise<void> {
  const body = newEvent(activity);
  await linkExported(run, activity, body, (await run.calendar.insert(body)).event);
}

/** A page's new events in one batch; an insert that failed fails its activity alone. */
export async function exportMany(run: ActivityRun, activities: Activity[]): Promise<void> {
  if (activities.length === 0) return;
  const bodies = activities.map(newEvent);
  const outcomes = await run.calendar.writeMany(bodies.map((event) => ({ op: 'insert', event })));
  // Successes first: a failure that stops the run (a rate limit it will not wait for) must not leave
  // events Google made unlinked (harmless, the next run's insert meets 409, but it costs a call).
  const order = [...activities.keys()].sort((a, b) => Number(!outcomes[a]?.ok) - Number(!outcomes[b]?.ok));
  for (const index of order) {
    const activity = activities[index] as Activity;
    await run.report.perItem(activity.id, async () => {
      const outcome = outcomes[index];
      if (!outcome?.ok) throw outcome?.failure ?? new Error('Google did not answer this insert.');
      await linkExported(run, activity, bodies[index] as CalendarEvent & { id: string }, outcome.event ?? {});
    });
  }
}

/**
 * Links the inserted event to its activity and records the meeting in the deployment-wide index so
 * attendees' runs link their copies to it.
 */
async function linkExported(
  run: ActivityRun,
  activity: Activity,
  body: CalendarEvent & { id: string },
  inserted: CalendarEvent,
): Promise<void> {
  let event = inserted;
  // Exported before, then removed from the calendar: Google keeps the deleted event under its id,
  // and a cancelled event is restored by setting its status again.
  if (event.status === 'cancelled') {
    const { id: _id, ...fields } = body;
    event = await run.calendar.patch(body.id, { ...fields, status: 'confirmed' }, null);
  }
  const key = eventKey(event);
  if (key) await run.index.claim(key, activity.id, false);
  await run.state.saveLink({
    activityId: activity.id,
    eventId: body.id,
    origin: 'crm',
    organizer: true,
    ...(key ? { eventKey: key } : {}),
    etag: event.etag ?? null,
    crmVersion: activity.version,
    // The CRM's values, so that any spelling Google changed comes back once as a Google change.
    base: activityValues(activity),
  });
  run.report.counts.toGoogle.created += 1;
}
