import { z } from 'zod';
import { AppError } from '../../errors.js';
import { type Actor, emailAddress, READ_ONLY_FIELDS, type RecordMeta, recordId, text } from './common.js';
import { formatInstant, isIanaTimeZone, isIsoDate, parseRfc3339, startOfDay } from './time.js';
import { checkPatchKeys, invalid, mergePatch, parseOrThrow } from './validation.js';

/**
 * The CRM activity (docs/api.md `Activity`). A timed activity has RFC 3339 `start`/`end` (end ≥ start)
 * and answers in its time zone's offset (UTC without one); an all-day activity has dates with `end`
 * exclusive, as Google Calendar has them. Stored times are canonical (UTC instants, or dates) plus
 * the instants `startAt`/`endAt` the overlap query needs.
 */

export const RESPONSES = ['needsAction', 'accepted', 'declined', 'tentative'] as const;
export const STATUSES = ['planned', 'inProgress', 'completed', 'canceled'] as const;
export const MAX_PARTICIPANTS = 300;

const ParticipantSchema = z.strictObject({
  contactId: recordId.nullable().default(null),
  email: emailAddress.optional(),
  response: z.enum(RESPONSES, { error: `must be one of ${RESPONSES.join(', ')}` }).default('needsAction'),
});

export const ACTIVITY_WRITABLE_FIELDS = [
  'title',
  'description',
  'location',
  'start',
  'end',
  'allDay',
  'timeZone',
  'showInCalendar',
  'organizerContactId',
  'participants',
  'status',
  'recurringSeriesId',
] as const;

const activityShape = {
  title: text(1000),
  description: z
    .string({ error: 'must be a string' })
    .max(20_000, 'must be at most 20000 characters')
    .optional(),
  location: text(1000).optional(),
  start: z.string({ error: 'must be a string' }),
  end: z.string({ error: 'must be a string' }),
  allDay: z.boolean({ error: 'must be true or false' }).default(false),
  timeZone: z
    .string({ error: 'must be a string' })
    .refine(isIanaTimeZone, 'must be an IANA time zone such as Europe/Paris')
    .optional(),
  showInCalendar: z.boolean({ error: 'must be true or false' }).default(false),
  organizerContactId: recordId.optional(),
  participants: z
    .array(ParticipantSchema, { error: 'must be a list' })
    .max(MAX_PARTICIPANTS, `must have at most ${MAX_PARTICIPANTS} entries`)
    .default([]),
  status: z.enum(STATUSES, { error: `must be one of ${STATUSES.join(', ')}` }).default('planned'),
  recurringSeriesId: text(1024).optional(),
};

type Parsed = z.output<z.ZodObject<typeof activityShape>>;

/** Checks start/end against allDay and normalizes timed values to UTC instants. */
function checkTimes(activity: Parsed, ctx: z.RefinementCtx): void {
  if (activity.allDay) {
    const bad = (['start', 'end'] as const).filter((key) => !isIsoDate(activity[key]));
    for (const key of bad)
      ctx.addIssue({ code: 'custom', path: [key], message: 'must be a date YYYY-MM-DD' });
    if (!bad.length && activity.end <= activity.start) {
      ctx.addIssue({
        code: 'custom',
        path: ['end'],
        message: 'must be after start (the end date of an all-day activity is exclusive)',
      });
    }
  } else {
    const start = parseRfc3339(activity.start);
    const end = parseRfc3339(activity.end);
    const message = 'must be an RFC 3339 date-time with an offset, e.g. 2025-03-01T10:00:00+01:00';
    if (start === undefined) ctx.addIssue({ code: 'custom', path: ['start'], message });
    if (end === undefined) ctx.addIssue({ code: 'custom', path: ['end'], message });
    if (start !== undefined && end !== undefined && end < start) {
      ctx.addIssue({ code: 'custom', path: ['end'], message: 'must not be before start' });
    }
  }
  const emails = activity.participants.map((p) => p.email?.toLowerCase()).filter(Boolean);
  if (new Set(emails).size !== emails.length) {
    ctx.addIssue({ code: 'custom', path: ['participants'], message: 'must not list an email twice' });
  }
}

/** Body of `POST /api/activities`, and every activity after a patch is merged into it. */
export const ActivitySchema = z.strictObject(activityShape).superRefine(checkTimes);

/** A `PATCH /api/activities/{id}` body as the OpenAPI document shows it (`null` removes a field). */
export const ActivityPatchSchema = z.strictObject(activityShape).partial();

export type ActivityInput = z.output<typeof ActivitySchema>;
export type ParticipantInput = ActivityInput['participants'][number];
export interface Participant {
  contactId: string | null;
  email: string;
  response: (typeof RESPONSES)[number];
}

/** Canonical stored fields: organizer and participant emails resolved, times in UTC. */
export interface ActivityFields extends Omit<ActivityInput, 'organizerContactId' | 'participants'> {
  organizerContactId: string;
  participants: Participant[];
}

export interface Activity extends ActivityFields, RecordMeta {}

export function parseNewActivity(body: unknown): ActivityInput {
  if (body === undefined) throw invalid({ body: 'send the activity as a JSON object' });
  return normalize(parseOrThrow(ActivitySchema, body));
}

export function checkActivityPatch(patch: unknown): Record<string, unknown> {
  return checkPatchKeys(patch, ACTIVITY_WRITABLE_FIELDS, READ_ONLY_FIELDS);
}

/**
 * Applies a checked merge patch to the stored fields (times shown in UTC, so a patch that changes
 * only `timeZone` keeps the instants) and validates the whole result.
 */
export function applyActivityPatch(current: ActivityFields, patch: Record<string, unknown>): ActivityInput {
  return normalize(parseOrThrow(ActivitySchema, mergePatch(current, patch)));
}

function normalize(activity: ActivityInput): ActivityInput {
  if (activity.allDay) return activity;
  return {
    ...activity,
    start: formatInstant(parseRfc3339(activity.start) as number),
    end: formatInstant(parseRfc3339(activity.end) as number),
  };
}

/** The instants an activity covers: all-day dates begin at midnight in its zone (UTC without one). */
export function instantsOf(activity: Pick<ActivityFields, 'start' | 'end' | 'allDay' | 'timeZone'>) {
  if (activity.allDay) {
    return {
      startAt: startOfDay(activity.start, activity.timeZone),
      endAt: startOfDay(activity.end, activity.timeZone),
    };
  }
  return { startAt: parseRfc3339(activity.start) as number, endAt: parseRfc3339(activity.end) as number };
}

/** True when the activity overlaps `[from, to)`; a zero-length one counts when it lies inside. */
export function overlaps(span: { startAt: number; endAt: number }, from: number, to: number): boolean {
  if (span.startAt >= to) return false;
  return span.endAt > from || (span.endAt === span.startAt && span.startAt >= from);
}

/** The API view: timed values in the activity's zone offset (docs/api.md). */
export function renderTimes<T extends Pick<ActivityFields, 'start' | 'end' | 'allDay' | 'timeZone'>>(
  activity: T,
): T {
  if (activity.allDay) return activity;
  const tz = activity.timeZone;
  return {
    ...activity,
    start: formatInstant(parseRfc3339(activity.start) as number, tz),
    end: formatInstant(parseRfc3339(activity.end) as number, tz),
  };
}

/** Parses the `from`/`to` of `GET /api/activities` (RFC 3339 or a date, read as 00:00 UTC). */
export function parseRange(query: URLSearchParams): { from: number; to: number } | undefined {
  const raw = { from: query.get('from'), to: query.get('to') };
  if (raw.from === null && raw.to === null) return undefined;
  const fields: Record<string, string> = {};
  const read = (key: 'from' | 'to'): number => {
    const value = raw[key];
    if (value === null || value === '') {
      fields[key] = 'is required together with the other bound';
      return Number.NaN;
    }
    const instant = isIsoDate(value) ? Date.parse(`${value}T00:00:00Z`) : parseRfc3339(value);
    if (instant === undefined) fields[key] = 'must be an RFC 3339 date-time or a date YYYY-MM-DD';
    return instant ?? Number.NaN;
  };
  const from = read('from');
  const to = read('to');
  if (!fields.from && !fields.to && to < from) fields.to = 'must not be before from';
  if (Object.keys(fields).length) throw invalid(fields);
  return { from, to };
}

/**
 * Who may make a CRM user's own contact the organizer of an activity (issue #16): that user, an
 * administrator, or the sync acting for a user (it imports events from the organizer's own
 * calendar). Anyone else could otherwise have an event with outside attendees inserted into that
 * user's Google Calendar, with invitations sent from their account. Other contacts are anyone's.
 */
export function checkOrganizerRight(actor: Actor, organizerUserUids: readonly string[]): void {
  if (organizerUserUids.length === 0 || actor.by === 'sync' || actor.admin) return;
  if (organizerUserUids.includes(actor.uid)) return;
  throw new AppError(
    'permission_denied',
    "Only that user or an administrator may make a CRM user's own contact the organizer of an activity.",
    { fields: { organizerContactId: "is another CRM user's own contact" } },
  );
}
