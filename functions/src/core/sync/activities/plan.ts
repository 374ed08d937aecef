import type { Activity, Participant } from '../../../domain/crm/activity.js';
import { type FieldConflict, sameValue, threeWayMerge } from '../merge.js';
import { UnreadableRecordError } from '../unreadable.js';
import {
  activityPatch,
  activityTime,
  activityValues,
  type CalendarEvent,
  eventPatch,
  eventTime,
  eventValues,
  participantsFor,
  SYNC_FIELDS,
  type SyncField,
  type SyncValues,
  startInstant,
} from './fields.js';

/**
 * The rules of docs/behaviour.md#activities as pure decisions, one record at a time (plan, then apply — docs/architecture.md#functions-and-state).
 * The executor (app/sync/activities) gathers the facts, asks here what to do, and carries it out.
 */

/** The stored pair of one CRM activity and one event on this account's primary calendar. */
export interface ActivityLink {
  activityId: string;
  eventId: string;
  /** `crm`: this sync inserted the event (and may delete it); `google`: the event came from Google. */
  origin: 'crm' | 'google';
  /** This calendar holds the organizer's copy: CRM edits can be pushed to it (docs/behaviour.md#collective-activities). */
  organizer: boolean;
  /** The recurring event this occurrence belongs to. */
  seriesId?: string;
  /** The deployment-wide key of the meeting (see ids.ts). */
  eventKey?: string;
  /** The event's etag when last synced: an equal etag means Google has nothing new. */
  etag: string | null;
  /** The activity's version when last synced: an equal version means the CRM has nothing new. */
  crmVersion: number;
  /** What both sides agreed on at the last sync: the base of the three-way merge (none yet when just matched). */
  base?: SyncValues;
  /**
   * The pair was cut (docs/behaviour.md#activity-deletion: an event from Google whose activity left the calendar): kept as a
   * tombstone so that later changes of the event do not import it again.
   */
  unlinked?: boolean;
  /**
   * The meeting is cancelled on both sides (in Google or by the organizer in the CRM). The link is
   * kept so that un-cancelling in the CRM restores this very event (same id, same iCalUID: attendees
   * see the meeting come back, not a second invitation), and a restore in Google un-cancels the activity.
   */
  cancelled?: boolean;
  /** The last full listing (its generation) that listed this event (see decideUnlisted). */
  listedIn?: string;
}

/** What to do with one event of a Google listing. */
export type EventDecision =
  | { kind: 'skip'; reason: 'before_sync_since' | 'beyond_window' | 'unlinked' | 'not_linked' }
  /** Our own write coming back, or nothing this sync maps changed. */
  | { kind: 'unchanged' }
  /** Cancelled or deleted in Google: the linked activity becomes `canceled` (docs/behaviour.md#activity-deletion). */
  | { kind: 'cancel'; link: ActivityLink }
  /** Cancelled and unknown: it may be a whole recurring series whose occurrences are linked. */
  | { kind: 'cancelSeries'; seriesId: string }
  /** Restored in Google after both sides were cancelled: the activity is planned again, then merged. */
  | { kind: 'uncancel'; link: ActivityLink }
  | { kind: 'import' }
  | { kind: 'merge'; link: ActivityLink };

export interface SyncWindow {
  /** syncSince, epoch ms (00:00 UTC). */
  since: number;
  /** Occurrences of recurring events that start at or after this are not imported yet. */
  until: number;
}

export function decideEvent(
  event: CalendarEvent,
  link: ActivityLink | undefined,
  window: SyncWindow,
): EventDecision {
  if (link?.unlinked) return { kind: 'skip', reason: 'unlinked' };
  if (link?.cancelled)
    return event.status === 'cancelled' ? { kind: 'unchanged' } : { kind: 'uncancel', link };
  if (event.status === 'cancelled') {
    if (link) return { kind: 'cancel', link };
    return { kind: 'cancelSeries', seriesId: String(event.id) };
  }
  if (link) return event.etag && event.etag === link.etag ? { kind: 'unchanged' } : { kind: 'merge', link };
  const time = eventTime(event);
  if (!time) throw new UnreadableRecordError('The event has neither a start nor an end');
  if (startInstant(time) < window.since) return { kind: 'skip', reason: 'before_sync_since' };
  if (event.recurringEventId && startInstant(time) >= window.until) {
    return { kind: 'skip', reason: 'beyond_window' };
  }
  return { kind: 'import' };
}

/** Who organizes an activity that is not linked yet, as seen by the user whose sync runs. */
export type OrganizerRole =
  /** The organizer contact is this user's own contact. */
  | 'me'
  /** Another CRM user whose activity sync is configured: their sync exports it (docs/behaviour.md#activity-organizer). */
  | 'syncingUser'
  /** Anyone else (a contact, or a CRM user without sync), and this user takes part. */
  | 'otherWithMe'
  /** Anyone else, and this user does not take part: not this user's meeting. */
  | 'otherWithoutMe';

/** What to do with one CRM activity (from the change feed, or the first run's listing). */
export type ActivityDecision =
  | { kind: 'skip' }
  | { kind: 'unchanged' }
  /** Left the calendar (deleted, or showInCalendar cleared) and we created the event: delete it. */
  | { kind: 'deleteEvent'; link: ActivityLink }
  /** Left the calendar and the event came from Google: only cut the link (docs/behaviour.md#activity-deletion). */
  | { kind: 'unlink'; link: ActivityLink }
  /** Linked, changed in the CRM, and this calendar holds the organizer's copy: merge and push. */
  | { kind: 'merge'; link: ActivityLink; activity: Activity }
  /** Not linked and organized by this user: insert the event. */
  | { kind: 'export'; activity: Activity }
  /** Not linked, the organizer has no sync: this participant becomes the organizer, then exports. */
  | { kind: 'takeOver'; activity: Activity }
  /**
   * Canceled in the CRM on the organizer's copy: the event this sync created is deleted (as Google's
   * own UI does for the organizer: attendees see it cancelled); one that came from Google is set
   * `cancelled` with a patch (docs/behaviour.md#activity-deletion deletes only what we created; the organizer's copy of a
   * cancelled event keeps its details and can be restored).
   */
  | { kind: 'cancelEvent'; link: ActivityLink; activity: Activity }
  /** Back from `canceled` in the CRM: the cancelled event is confirmed again, then merged. */
  | { kind: 'restoreEvent'; link: ActivityLink; activity: Activity }
  /** showInCalendar set again on an activity whose event was only unlinked: link that event again. */
  | { kind: 'relink'; link: ActivityLink; activity: Activity };

export function decideActivity(input: {
  activity: Activity | undefined;
  link: ActivityLink | undefined;
  since: number;
  role?: OrganizerRole;
}): ActivityDecision {
  const { activity, link } = input;
  const inCalendar = activity?.showInCalendar === true;
  if (link?.unlinked) return inCalendar ? { kind: 'relink', link, activity } : { kind: 'skip' };
  if (link) {
    if (!inCalendar) return link.origin === 'crm' ? { kind: 'deleteEvent', link } : { kind: 'unlink', link };
    // A participant's copy cannot carry CRM edits nor status (docs/behaviour.md#collective-activities); Google's changes still come in.
    if (!link.organizer) return { kind: 'unchanged' };
    const canceled = activity.status === 'canceled';
    if (canceled !== (link.cancelled === true))
      return canceled ? { kind: 'cancelEvent', link, activity } : { kind: 'restoreEvent', link, activity };
    // Edits of a canceled meeting wait for it to be restored (then they merge against the base).
    if (canceled || activity.version === link.crmVersion) return { kind: 'unchanged' };
    return { kind: 'merge', link, activity };
  }
  // A canceled meeting is not put into a calendar (nor back into it by an edit after Google cancelled it).
  if (!inCalendar || activity.status === 'canceled') return { kind: 'skip' };
  if (startInstant(activityTime(activity)) < input.since) return { kind: 'skip' };
  if (input.role === 'me') return { kind: 'export', activity };
  if (input.role === 'otherWithMe') return { kind: 'takeOver', activity };
  return { kind: 'skip' };
}

export interface LinkedPlan {
  /** Merge patch for the CRM activity, when it must change. */
  crmPatch?: Record<string, unknown>;
  /** events.patch body, when the event must change (only on the organizer's copy). */
  googlePatch?: Record<string, unknown>;
  conflicts: FieldConflict<SyncField>[];
  /** The base to store once both writes are done. */
  nextBase: SyncValues;
  /** CRM changes were held back (`crmEdits: 'hold'`): keep the link's CRM version, so they are seen again. */
  holdsCrmVersion: boolean;
}

/** What becomes of the CRM side's changes of an organizer's pair (see planLinked). */
export type CrmEdits = 'push' | 'absorb' | 'hold';

const sameParticipants = (a: Participant[], b: Participant[]) =>
  sameValue(
    a.map((p) => [p.email.toLowerCase(), p.contactId, p.response]),
    b.map((p) => [p.email.toLowerCase(), p.contactId, p.response]),
  );

/**
 * The three-way merge of one linked pair (docs/behaviour.md#conflicts via docs/behaviour.md#incremental-activity-sync): fields changed on one side go to the
 * other; a same-field conflict goes to the later change (tie → CRM) and is reported. Attendee
 * responses are Google's: they refresh the CRM participants whenever they differ.
 *
 * Only the organizer's own CRM edits reach the organizer's event (docs/behaviour.md#collective-activities), by `crmEdits`:
 * - `push`: the organizer's calendar, and the CRM change is the organizer's own edit.
 * - `absorb`: the organizer's calendar, and the CRM change is someone else's (a participant, an
 *   admin): it is not pushed; the organizer's event is what the meeting is, so the CRM takes its
 *   values back, and each overruled edit is reported as a conflict Google won.
 * - `hold`: the organizer's calendar, but who changed the CRM side is not known here (a merge started
 *   by a Google change): CRM-only changes are neither pushed nor taken as agreed; the base and the
 *   CRM version stay as they were (`holdsCrmVersion`), so the CRM pass decides them by their author.
 * A participant's copy never pushes; Google's value is what both sides agreed on for the fields the
 * CRM could not push, so they are not retried every run.
 */
export function planLinked(input: {
  link: ActivityLink;
  activity: Activity;
  event: CalendarEvent;
  /** CRM contact ids by lower-cased email, for attendees the activity does not list yet. */
  contactIds: Map<string, string>;
  crmEdits: CrmEdits;
}): LinkedPlan {
  const { link, activity, event } = input;
  const google = eventValues(event);
  const merge = threeWayMerge({
    fields: SYNC_FIELDS,
    base: link.base,
    crm: activityValues(activity),
    google,
    crmChangedAt: Date.parse(activity.modifiedAt),
    googleChangedAt: event.updated ? Date.parse(event.updated) : 0,
  });
  const crm = activityValues(activity);
  const pushes = link.organizer && input.crmEdits === 'push';
  const held = link.organizer && input.crmEdits === 'hold' ? merge.googleUpdates : [];
  // Someone else's edit on the organizer's pair: the organizer's event is what the meeting is.
  const overruled = link.organizer && input.crmEdits === 'absorb' ? merge.googleUpdates : [];
  const merged: SyncValues = { ...merge.merged };
  for (const field of overruled) merged[field] = google[field];
  const nextBase: SyncValues = { ...merged };
  for (const field of merge.googleUpdates) {
    if (!link.organizer) nextBase[field] = google[field];
    else if (held.includes(field)) nextBase[field] = link.base?.[field];
  }
  const crmUpdates = SYNC_FIELDS.filter((f) => f !== 'attendees' && !sameValue(merged[f], crm[f]));
  const crmPatch = activityPatch(merged, crmUpdates);
  const participants = participantsFor((merged.attendees as string[] | undefined) ?? [], {
    crm: activity.participants,
    google: event.attendees ?? [],
    contactIds: input.contactIds,
  });
  if (!sameParticipants(participants, activity.participants)) crmPatch.participants = participants;
  const googlePatch = eventPatch(merged, pushes ? merge.googleUpdates : [], event);
  const overrulings = overruled
    .filter((field) => !merge.conflicts.some((c) => c.field === field))
    .map((field) => ({
      field,
      crmValue: crm[field] ?? null,
      googleValue: google[field] ?? null,
      winner: 'google' as const,
    }));
  return {
    ...(Object.keys(crmPatch).length ? { crmPatch } : {}),
    ...(Object.keys(googlePatch).length ? { googlePatch } : {}),
    conflicts: [
      ...(pushes
        ? merge.conflicts
        : merge.conflicts
            .filter((c) => c.winner === 'google' || overruled.includes(c.field))
            .map((c) => ({ ...c, winner: 'google' as const }))),
      ...overrulings,
    ],
    nextBase,
    holdsCrmVersion: held.length > 0,
  };
}

/** What a complete full listing's check of a linked event it did not list (docs/architecture.md#nango) concluded. */
export type UnlistedDecision =
  /** Gone (404/410) or cancelled: deleted while the sync token was invalid, docs/behaviour.md#activity-deletion applies. */
  | 'cancel'
  /** Still there, outside what the listing covers (moved before syncSince, an occurrence beyond the window). */
  | 'keep'
  /**
   * Still there and inside what an EMPTY listing covered: the listing cannot be trusted (docs/architecture.md#two-way-sync-vdirsyncer
   * StorageEmpty), so nothing more is concluded from it.
   */
  | 'listingIncomplete';

/**
 * `event` is what events.get answered (undefined for 404/410; events.get returns cancelled events,
 * https://developers.google.com/workspace/calendar/api/v3/reference/events/get). An event still
 * there is left alone after a listing that had items (it may have been moved into range meanwhile).
 */
export function decideUnlisted(
  event: CalendarEvent | undefined,
  listing: { empty: boolean; window: SyncWindow },
): UnlistedDecision {
  if (!event || event.status === 'cancelled') return 'cancel';
  if (!listing.empty) return 'keep';
  const time = eventTime(event);
  if (!time) return 'keep';
  const start = startInstant(time);
  // A full listing covers what ends after syncSince (timeMin bounds the end).
  const end = time.allDay ? Date.parse(`${time.end}T00:00:00Z`) : Date.parse(time.end);
  const covered = end > listing.window.since && !(event.recurringEventId && start >= listing.window.until);
  return covered ? 'listingIncomplete' : 'keep';
}
