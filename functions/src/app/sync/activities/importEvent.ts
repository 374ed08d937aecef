import {
  type CalendarEvent,
  type EventTime,
  eventValues,
  participantsFor,
} from '../../../core/sync/activities/fields.js';
import { activityIdForEventKey, activityIdOfEventId, eventKey } from '../../../core/sync/activities/ids.js';
import type { ActivityLink } from '../../../core/sync/activities/plan.js';
import { type Activity, parseNewActivity } from '../../../domain/crm/activity.js';
import { AppError } from '../../../errors.js';
import { contactIdsOf, syncLinkedPairCountedAs } from './linkedPair.js';
import type { ActivityRun } from './run.js';

/**
 * A Google event not linked yet on this calendar (docs/behaviour.md#events-from-google). It is linked instead of imported when the
 * CRM already has it: an event this sync exported (our id, or our private property, after a lost
 * link), or the same meeting already imported from another user's calendar (the deployment-wide
 * index by iCalUID). Otherwise it becomes a CRM activity whose id is derived from the meeting, so a
 * repeated or concurrent import creates it once.
 */
export async function importEvent(run: ActivityRun, event: CalendarEvent): Promise<void> {
  const key = eventKey(event) ?? `${run.account.email}|${event.id}`;
  const ours = event.extendedProperties?.private?.crmActivityId ?? activityIdOfEventId(String(event.id));
  const existing = ours ? await findActivity(run, ours) : undefined;
  // Our own insert on this calendar (we may delete it later), or another user's copy of it.
  if (existing) return linkExisting(run, event, key, existing, event.organizer?.self ? 'crm' : 'google');

  const entry = await run.index.get(key);
  if (entry) {
    const indexed = await findActivity(run, entry.activityId);
    if (indexed) return linkExisting(run, event, key, indexed, 'google');
    // Deleted in the CRM since it was imported: the meeting must not come back (docs/behaviour.md#activity-deletion).
    if (!entry.pending) return;
  }
  const claimed = await run.index.claim(key, activityIdForEventKey(key), true);
  const created = await createActivity(run, event, claimed.activityId);
  await run.index.settle(key);
  if (!created.fresh) return linkExisting(run, event, key, created.activity, 'google');
  await saveNewLink(run, event, key, created.activity, 'google');
  run.report.counts.toCrm.created += 1;
}

async function findActivity(run: ActivityRun, id: string): Promise<Activity | undefined> {
  try {
    return await run.crm.getActivity(id, run.actor);
  } catch (error) {
    if (error instanceof AppError && error.code === 'not_found') return undefined;
    throw error;
  }
}

/** Creates the activity with its derived id; another run (or an earlier attempt) may have been first. */
async function createActivity(
  run: ActivityRun,
  event: CalendarEvent,
  id: string,
): Promise<{ activity: Activity; fresh: boolean }> {
  try {
    return {
      activity: await run.crm.createActivity(await activityInput(run, event), { actor: run.actor, id }),
      fresh: true,
    };
  } catch (error) {
    if (!(error instanceof AppError && error.code === 'conflict')) throw error;
    return { activity: await run.crm.getActivity(id, run.actor), fresh: false };
  }
}

/**
 * The activity for a Google event: attendees become participants (CRM contacts matched by email,
 * others kept with contactId null); the organizer is the CRM contact with the organizer's email —
 * this user's own contact when this account organizes. An organizer unknown to the CRM is kept as a
 * participant, and the user whose calendar it came from stands in as organizer (a CRM activity needs one).
 */
async function activityInput(run: ActivityRun, event: CalendarEvent) {
  const values = eventValues(event);
  const time = values.time as EventTime;
  const organizerEmail = event.organizer?.email?.toLowerCase();
  const emails = [...((values.attendees as string[]) ?? [])];
  const contactIds = await contactIdsOf(run, organizerEmail ? [...emails, organizerEmail] : emails);
  let organizerContactId = run.me.contactId;
  if (organizerEmail && !event.organizer?.self) {
    const found = contactIds.get(organizerEmail);
    if (found) organizerContactId = found;
    else if (!emails.includes(organizerEmail)) emails.push(organizerEmail);
  }
  const participants = participantsFor(emails, { crm: [], google: event.attendees ?? [], contactIds });
  return parseNewActivity({
    title: values.title,
    ...(values.description ? { description: values.description } : {}),
    ...(values.location ? { location: values.location } : {}),
    allDay: time.allDay,
    start: time.start,
    end: time.end,
    ...(time.timeZone ? { timeZone: time.timeZone } : {}),
    showInCalendar: true,
    organizerContactId,
    participants,
    ...(event.recurringEventId ? { recurringSeriesId: event.recurringEventId } : {}),
  });
}

function linkOf(
  event: CalendarEvent,
  key: string,
  activity: Activity,
  origin: ActivityLink['origin'],
): ActivityLink {
  return {
    activityId: activity.id,
    eventId: String(event.id),
    origin,
    organizer: event.organizer?.self === true,
    ...(event.recurringEventId ? { seriesId: event.recurringEventId } : {}),
    eventKey: key,
    etag: event.etag ?? null,
    crmVersion: activity.version,
    base: eventValues(event),
  };
}

async function saveNewLink(
  run: ActivityRun,
  event: CalendarEvent,
  key: string,
  activity: Activity,
  origin: ActivityLink['origin'],
): Promise<void> {
  if (event.recurringEventId) await run.state.rememberSeries(event.recurringEventId);
  await run.state.saveLink(linkOf(event, key, activity, origin));
}

/**
 * Links the event to an activity the CRM has already, then merges the two without a base (nothing is
 * known about who changed what: values present on one side are kept, differences go to the later).
 */
async function linkExisting(
  run: ActivityRun,
  event: CalendarEvent,
  key: string,
  activity: Activity,
  origin: ActivityLink['origin'],
): Promise<void> {
  // Saved before the merge: should the merge fail, the next run merges again (no etag, no version).
  const link: ActivityLink = {
    ...linkOf(event, key, activity, origin),
    base: undefined,
    etag: null,
    crmVersion: 0,
  };
  if (event.recurringEventId) await run.state.rememberSeries(event.recurringEventId);
  await run.state.saveLink(link);
  await syncLinkedPairCountedAs(run, link, { activity, event, crmEdits: 'hold' }, (counts) => {
    counts.toCrm.linked += 1;
  });
}
