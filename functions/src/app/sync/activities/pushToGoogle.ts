import {
  type ActivityLink,
  type CrmEdits,
  decideActivity,
  type OrganizerRole,
} from '../../../core/sync/activities/plan.js';
import { unplanned } from '../../../core/sync/unplanned.js';
import type { Activity } from '../../../domain/crm/activity.js';
import { MAX_CHANGE_BATCH, type RecordChange } from '../../../domain/crm/changes.js';
import { decodePageToken, listScope, type PagePosition } from '../../../domain/crm/paging.js';
import { unlessNotFound } from '../runs/faults.js';
import { cancelLinked } from './cancelLinked.js';
import { exportActivity, exportMany, exportOrQueue } from './exportEvents.js';
import { syncLinkedPair, syncLinkedPairCountedAs } from './linkedPair.js';
import { organizerSyncsActivities } from './organizerSync.js';
import type { ActivityRun } from './run.js';

/**
 * CRM → Google (docs/behaviour.md#activity-organizer, docs/behaviour.md#collective-activities, docs/behaviour.md#activity-deletion): the CRM change feed since the stored cursor. The first run
 * takes "now" as its cursor BEFORE listing every activity from syncSince on, so a change made during
 * the listing is read again afterwards rather than lost.
 */
export async function pushToGoogle(run: ActivityRun): Promise<void> {
  const { crmCursor } = await run.state.cursor();
  if (!crmCursor) {
    const start = await run.crm.changeCursorNow();
    await exportAll(run);
    if (!run.report.holdsCursor) await run.state.saveCursor({ crmCursor: start });
    return;
  }
  let cursor = crmCursor;
  for (;;) {
    const batch = await run.crm.readActivityChanges({ uid: run.uid, cursor, limit: MAX_CHANGE_BATCH });
    for (const [id, crmEdits] of editsByActivity(run, batch.changes)) {
      await run.report.perItem(id, async () =>
        applyActivity(run, id, await unlessNotFound(run.crm.getActivity(id, run.actor)), crmEdits),
      );
    }
    cursor = batch.nextCursor;
    if (!run.report.holdsCursor) await run.state.saveCursor({ crmCursor: cursor });
    if (!batch.hasMore) return;
  }
}

/**
 * Every activity from syncSince on, a page at a time (Firestore's largest page is ours too); the
 * page's new events go to Google in one batch request (calendarBatch.ts), each still its own call.
 */
async function exportAll(run: ActivityRun): Promise<void> {
  const range = { from: run.window.since, to: Date.parse('9999-12-31T00:00:00Z') };
  const scope = listScope.activities(range);
  let after: PagePosition | undefined;
  do {
    const page = await run.crm.listActivities({ range, pageSize: 500, after }, run.actor);
    const exports: Activity[] = [];
    for (const activity of page.items) {
      if (activity.showInCalendar)
        await run.report.perItem(activity.id, () =>
          applyActivity(run, activity.id, activity, 'push', exports),
        );
    }
    await exportMany(run, exports);
    after = page.nextPageToken ? decodePageToken(scope, page.nextPageToken) : undefined;
  } while (after);
}

/**
 * The changed activities of a batch, each with what becomes of its CRM edits on the organizer's
 * event (docs/behaviour.md#collective-activities): pushed when this user (the organizer, on whose calendar the pair lives) made one
 * of them; taken as agreed but never pushed when they are all someone else's. An entry without its
 * author (written before authors were recorded) counts as the user's own, as it always did.
 */
function editsByActivity(run: ActivityRun, changes: RecordChange[]): Map<string, CrmEdits> {
  const edits = new Map<string, CrmEdits>();
  for (const change of changes) {
    const own = !change.origin || (change.origin.by === 'user' && change.origin.uid === run.uid);
    if (own) edits.set(change.recordId, 'push');
    else if (!edits.has(change.recordId)) edits.set(change.recordId, 'absorb');
  }
  return edits;
}

/** `exports`: where to queue new events for one batch (else each is inserted at once). */
async function applyActivity(
  run: ActivityRun,
  id: string,
  activity: Activity | undefined,
  crmEdits: CrmEdits,
  exports?: Activity[],
): Promise<void> {
  const link = await run.state.linkOfActivity(id);
  const role = !link && activity?.showInCalendar ? await organizerRole(run, activity) : undefined;
  const decision = decideActivity({ activity, link, since: run.window.since, role });
  switch (decision.kind) {
    case 'skip':
      return;
    case 'unchanged':
      run.report.counts.unchanged += 1;
      return;
    case 'deleteEvent':
    case 'unlink':
      return removeFromCalendar(run, decision.link);
    case 'merge': {
      const event = await run.calendar.get(decision.link.eventId);
      // Gone from Google: the Google pass handles the cancellation it listed (docs/behaviour.md#activity-deletion).
      if (!event || event.status === 'cancelled') return;
      return syncLinkedPair(run, decision.link, { activity: decision.activity, event, crmEdits });
    }
    case 'export':
      return exportOrQueue(run, decision.activity, exports);
    case 'takeOver':
      return exportOrQueue(run, await takeOver(run, decision.activity), exports);
    case 'cancelEvent':
    case 'restoreEvent':
      if (crmEdits === 'absorb') return overruleStatus(run, decision.link, decision.activity);
      if (decision.kind === 'cancelEvent') return cancelEvent(run, decision.link, decision.activity);
      return restoreEvent(run, decision.link, decision.activity);
    case 'relink':
      return relink(run, decision.link, decision.activity);
    default:
      return unplanned(decision);
  }
}

async function organizerRole(run: ActivityRun, activity: Activity): Promise<OrganizerRole> {
  if (activity.organizerContactId === run.me.contactId) return 'me';
  if (await organizerSyncsActivities(run.crm, activity.organizerContactId)) return 'syncingUser';
  const takesPart = activity.participants.some(
    (p) => p.contactId === run.me.contactId || run.me.emails.has(p.email.toLowerCase()),
  );
  return takesPart ? 'otherWithMe' : 'otherWithoutMe';
}

/**
 * Someone other than the organizer canceled the meeting in the CRM, or planned a canceled one
 * again (docs/behaviour.md#collective-activities: only the organizer's changes reach the organizer's event): the event is what the
 * meeting is, so the activity takes its status back (`planned` for a live event: Google knows no
 * other) and the overruled change is reported as a conflict Google won.
 */
async function overruleStatus(run: ActivityRun, link: ActivityLink, activity: Activity): Promise<void> {
  const status = link.cancelled ? 'canceled' : 'planned';
  const { record } = await run.crm.updateActivity(
    activity.id,
    { status },
    { actor: run.actor, ifMatch: activity.version },
  );
  await run.state.saveLink({ ...link, crmVersion: record.version });
  run.report.conflict(activity.id, [
    { field: 'status', crmValue: activity.status, googleValue: status, winner: 'google' },
  ]);
  run.report.counts.toCrm.updated += 1;
}

/**
 * docs/behaviour.md#activity-organizer: the organizer has no sync, so the participant who runs the sync becomes the organizer; the
 * former organizer stays in the meeting as a participant. The version check makes one of two
 * participants' concurrent runs win; the other one's run sees an organizer who syncs next time.
 */
async function takeOver(run: ActivityRun, activity: Activity): Promise<Activity> {
  const former = await run.crm.getContact(activity.organizerContactId, run.actor).catch(() => undefined);
  const formerEmail = (former?.emails.find((e) => e.primary) ?? former?.emails[0])?.address;
  const listed = activity.participants.some((p) => p.contactId === former?.id);
  const participants =
    former && formerEmail && !listed
      ? [
          ...activity.participants,
          { contactId: former.id, email: formerEmail, response: 'needsAction' as const },
        ]
      : activity.participants;
  const { record } = await run.crm.updateActivity(
    activity.id,
    { organizerContactId: run.me.contactId, participants },
    { actor: run.actor, ifMatch: activity.version },
  );
  return record;
}

/**
 * The activity left the calendar (deleted, or showInCalendar cleared): the event this sync created is
 * deleted (already gone counts as done); an event that came from Google is only unlinked, and the
 * link kept as a tombstone so its next change does not import it again (docs/behaviour.md#activity-deletion).
 */
export async function removeFromCalendar(run: ActivityRun, link: ActivityLink): Promise<void> {
  if (link.origin === 'crm' && link.organizer) {
    await run.calendar.delete(link.eventId);
    await run.state.deleteLink(link.activityId);
    run.report.counts.toGoogle.removed += 1;
    return;
  }
  await run.state.saveLink({ ...link, unlinked: true });
}

/**
 * The organizer canceled the meeting in the CRM (docs/behaviour.md#collective-activities carries it; docs/behaviour.md#activity-deletion bounds it). The event this
 * sync created is deleted, as Google's UI does for the organizer (attendees see it cancelled; already
 * gone, 410, counts as done). An event that came from Google is not deleted but set `cancelled`: to
 * attendees that is the same cancellation, while the organizer's copy keeps every detail. Either way
 * the link stays, marked cancelled, so that its echo is no change and un-cancelling restores it.
 */
async function cancelEvent(run: ActivityRun, link: ActivityLink, activity: Activity): Promise<void> {
  let etag: string | null = null;
  if (link.origin === 'crm') await run.calendar.delete(link.eventId);
  else {
    const event = await run.calendar.get(link.eventId);
    if (event && event.status !== 'cancelled')
      etag = (await run.calendar.patch(link.eventId, { status: 'cancelled' }, null)).etag ?? null;
  }
  await run.state.saveLink({ ...link, cancelled: true, etag, crmVersion: activity.version });
  run.report.counts.toGoogle.removed += 1;
}

/**
 * The activity is planned (or in progress…) again after it was canceled: its cancelled event is
 * confirmed again — the same event, so attendees' copies come back rather than a second invitation —
 * then merged, which pushes the edits made meanwhile. An event Google no longer has is exported anew.
 */
async function restoreEvent(run: ActivityRun, link: ActivityLink, activity: Activity): Promise<void> {
  const { cancelled: _cancelled, ...live } = link;
  let event = await run.calendar.get(link.eventId);
  if (!event) {
    await run.state.deleteLink(link.activityId);
    return exportActivity(run, activity);
  }
  if (event.status === 'cancelled')
    event = await run.calendar.patch(link.eventId, { status: 'confirmed' }, event.etag ?? null);
  await run.state.saveLink(live);
  await syncLinkedPairCountedAs(run, live, { activity, event, crmEdits: 'push' }, (counts) => {
    counts.toGoogle.updated += 1;
  });
}

/**
 * showInCalendar is set again on an activity whose event was only unlinked (it came from Google): a
 * user who turns it back on expects the meeting in Google once, so the very event of the tombstone is
 * linked again, and merged against the base both sides had agreed on when it was cut. Cancelled or
 * gone meanwhile in Google: as for any linked event (docs/behaviour.md#activity-deletion).
 */
async function relink(run: ActivityRun, link: ActivityLink, activity: Activity): Promise<void> {
  const { unlinked: _unlinked, ...linked } = link;
  const event = await run.calendar.get(link.eventId);
  if (!event || event.status === 'cancelled') return cancelLinked(run, linked);
  await run.state.saveLink(linked);
  await syncLinkedPairCountedAs(run, linked, { activity, event, crmEdits: 'push' }, (counts) => {
    counts.toCrm.linked += 1;
  });
}
