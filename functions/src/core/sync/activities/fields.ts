import type { ActivityFields, Participant } from '../../../domain/crm/activity.js';
import { formatInstant, isIsoDate, parseRfc3339, zonedInstant } from '../../../domain/crm/time.js';
import type { FieldValues } from '../merge.js';
import { UnreadableRecordError } from '../unreadable.js';

/**
 * The fields the activity sync carries between a CRM activity and a Google Calendar event
 * (docs/behaviour.md#collective-activities: title, time, location, description, participants as attendees), each in one
 * canonical form both sides are reduced to, so that equal content compares equal whatever each API
 * spelled (offsets, zone names, case of emails, attendee order).
 *
 * - `time`: all-day → `{allDay: true, start, end}` (dates, end exclusive as in Google); timed →
 *   `{allDay: false, start, end, timeZone?}` with UTC instants. An all-day activity's own zone is a
 *   CRM detail Google has no place for, so it is left out of the comparison (and kept in the CRM).
 * - `attendees`: the sorted, lower-cased email addresses. Responses are Google's to say (each
 *   attendee answers in Google); they flow to the CRM but are not merged (see planLinked).
 */

export const SYNC_FIELDS = ['title', 'description', 'location', 'time', 'attendees'] as const;
export type SyncField = (typeof SYNC_FIELDS)[number];
export type SyncValues = FieldValues<SyncField>;

export interface EventTime {
  allDay: boolean;
  start: string;
  end: string;
  timeZone?: string;
}

/** The subset of a Calendar v3 Event resource the sync reads and writes. */
export interface EventDateTime {
  date?: string | null;
  dateTime?: string | null;
  timeZone?: string | null;
}

export interface EventAttendee {
  email?: string | null;
  responseStatus?: string | null;
  self?: boolean | null;
  organizer?: boolean | null;
  resource?: boolean | null;
}

export interface CalendarEvent {
  id?: string | null;
  iCalUID?: string | null;
  etag?: string | null;
  status?: string | null;
  updated?: string | null;
  summary?: string | null;
  description?: string | null;
  location?: string | null;
  start?: EventDateTime;
  end?: EventDateTime;
  attendees?: EventAttendee[];
  organizer?: { email?: string | null; self?: boolean | null };
  recurringEventId?: string | null;
  originalStartTime?: EventDateTime;
  extendedProperties?: { private?: Record<string, string>; shared?: Record<string, string> };
}

/** A CRM activity needs a title; a Google event may have none (both sides then read this). */
export const NO_TITLE = '(no title)';

export const RESPONSES = new Set(['needsAction', 'accepted', 'declined', 'tentative']);

const lower = (email: string) => email.trim().toLowerCase();

/**
 * The event's time in canonical form, or undefined when it has none (the stub of a deleted event).
 * A dateTime needs an offset "unless a time zone is explicitly specified in timeZone"
 * (https://developers.google.com/workspace/calendar/api/v3/reference/events#resource): one without
 * is read in its own timeZone, else in the start's. Times that are there but cannot be read throw
 * UnreadableRecordError: the event becomes an item error with the reason, never silently skipped.
 */
export function eventTime(event: CalendarEvent): EventTime | undefined {
  const { start, end } = event;
  if (!start && !end) return undefined;
  if (start?.date && end?.date) {
    if (isIsoDate(start.date) && isIsoDate(end.date))
      return { allDay: true, start: start.date, end: end.date };
    throw new UnreadableRecordError(
      `The event's dates (${start.date} to ${end.date}) are not calendar dates`,
    );
  }
  const timeZone = start?.timeZone ?? undefined;
  const from = instantOf(start, timeZone);
  const to = instantOf(end, timeZone);
  if (from === undefined || to === undefined) {
    throw new UnreadableRecordError(
      `The event's start or end (${describe(start)} to ${describe(end)}) cannot be read as a date or a time`,
    );
  }
  return {
    allDay: false,
    start: formatInstant(from),
    end: formatInstant(to),
    ...(timeZone ? { timeZone } : {}),
  };
}

function instantOf(time: EventDateTime | undefined, startZone: string | undefined): number | undefined {
  if (!time?.dateTime) return undefined;
  const zone = time.timeZone ?? startZone;
  return parseRfc3339(time.dateTime) ?? (zone ? zonedInstant(time.dateTime, zone) : undefined);
}

const describe = (time: EventDateTime | undefined) =>
  time ? (time.dateTime ?? time.date ?? 'nothing') + (time.timeZone ? ` ${time.timeZone}` : '') : 'nothing';

export function activityTime(activity: Pick<ActivityFields, 'allDay' | 'start' | 'end' | 'timeZone'>) {
  if (activity.allDay) return { allDay: true, start: activity.start, end: activity.end } as EventTime;
  return {
    allDay: false,
    start: formatInstant(parseRfc3339(activity.start) as number),
    end: formatInstant(parseRfc3339(activity.end) as number),
    ...(activity.timeZone ? { timeZone: activity.timeZone } : {}),
  } as EventTime;
}

/** Room and equipment resources are attendees in Google, but not people of the meeting. */
function people(event: CalendarEvent): EventAttendee[] {
  return (event.attendees ?? []).filter((a) => a.email && !a.resource);
}

export const sortedEmails = (emails: string[]) => [...new Set(emails.map(lower))].sort();

export function eventValues(event: CalendarEvent): SyncValues {
  return {
    title: event.summary?.trim() || NO_TITLE,
    description: event.description ?? undefined,
    location: event.location ?? undefined,
    time: eventTime(event),
    attendees: sortedEmails(people(event).map((a) => a.email as string)),
  };
}

export function activityValues(activity: ActivityFields): SyncValues {
  return {
    title: activity.title,
    description: activity.description,
    location: activity.location,
    time: activityTime(activity),
    attendees: sortedEmails(activity.participants.map((p) => p.email)),
  };
}

/** The Google start/end of a canonical time. */
export function eventDateTimes(time: EventTime): { start: EventDateTime; end: EventDateTime } {
  if (time.allDay) return { start: { date: time.start }, end: { date: time.end } };
  const zone = time.timeZone ? { timeZone: time.timeZone } : {};
  return { start: { dateTime: time.start, ...zone }, end: { dateTime: time.end, ...zone } };
}

/**
 * An events.patch body for `fields` (only the mapped fields: what Google has that the CRM does not
 * model stays untouched, and patch semantics keep it). Attendees already on the event keep their
 * entries (and so their responses); new ones are invited by email.
 */
export function eventPatch(values: SyncValues, fields: readonly SyncField[], current?: CalendarEvent) {
  const patch: Record<string, unknown> = {};
  for (const field of fields) {
    const value = values[field];
    if (field === 'title') patch.summary = value ?? '';
    else if (field === 'description') patch.description = value ?? null;
    else if (field === 'location') patch.location = value ?? null;
    else if (field === 'time' && value) Object.assign(patch, eventDateTimes(value as EventTime));
    else if (field === 'attendees') {
      const existing = new Map(people(current ?? {}).map((a) => [lower(a.email as string), a]));
      patch.attendees = ((value as string[] | undefined) ?? []).map((email) => {
        const known = existing.get(email);
        return known ? { email: known.email, responseStatus: known.responseStatus } : { email };
      });
    }
  }
  return patch;
}

/** The CRM participants for `emails`: contact ids and responses known so far, Google's response first. */
export function participantsFor(
  emails: string[],
  known: { crm: Participant[]; google: EventAttendee[]; contactIds: Map<string, string> },
): Participant[] {
  const crm = new Map(known.crm.map((p) => [lower(p.email), p]));
  const google = new Map(known.google.filter((a) => a.email).map((a) => [lower(a.email as string), a]));
  return emails.map((email) => {
    const fromGoogle = google.get(email)?.responseStatus;
    const response = (
      fromGoogle && RESPONSES.has(fromGoogle) ? fromGoogle : (crm.get(email)?.response ?? 'needsAction')
    ) as Participant['response'];
    return {
      contactId: crm.get(email)?.contactId ?? known.contactIds.get(email) ?? null,
      email: crm.get(email)?.email ?? email,
      response,
    };
  });
}

/** A CRM merge patch for `fields` (participants are built by the caller with participantsFor). */
export function activityPatch(values: SyncValues, fields: readonly SyncField[]): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  for (const field of fields) {
    const value = values[field];
    if (field === 'title') patch.title = value ?? NO_TITLE;
    else if (field === 'description') patch.description = value ?? null;
    else if (field === 'location') patch.location = value ?? null;
    else if (field === 'time' && value) {
      const time = value as EventTime;
      Object.assign(patch, { allDay: time.allDay, start: time.start, end: time.end });
      // An all-day activity keeps its own zone (Google has none for dates); a timed one takes Google's.
      if (!time.allDay) patch.timeZone = time.timeZone ?? null;
    }
  }
  return patch;
}

/** Instant (epoch ms) at which an event or activity time begins, all-day dates at 00:00 UTC. */
export function startInstant(time: EventTime): number {
  return time.allDay ? Date.parse(`${time.start}T00:00:00Z`) : (parseRfc3339(time.start) as number);
}
