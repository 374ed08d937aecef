import { STALE_WRITE_ATTEMPTS } from '../../../core/exec/retry.js';
import type { CalendarEvent } from '../../../core/sync/activities/fields.js';
import { type ActivityLink, type CrmEdits, planLinked } from '../../../core/sync/activities/plan.js';
import type { Activity } from '../../../domain/crm/activity.js';
import { isStaleWrite } from '../runs/faults.js';
import type { ActivityRun } from './run.js';

/** CRM contact ids of the attendees the activity does not list yet (matched by email, docs/behaviour.md#events-from-google). */
export async function contactIdsOf(run: ActivityRun, emails: string[]): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  if (!emails.length) return ids;
  for (const contact of await run.crm.findContactsByEmail(emails, run.actor)) {
    for (const { address } of contact.emails) {
      const key = address.toLowerCase();
      if (!ids.has(key)) ids.set(key, contact.id);
    }
  }
  return ids;
}

function newAttendeeEmails(activity: Activity, event: CalendarEvent): string[] {
  const listed = new Set(activity.participants.map((p) => p.email.toLowerCase()));
  return (event.attendees ?? [])
    .map((a) => a.email?.toLowerCase())
    .filter((email): email is string => !!email && !listed.has(email));
}

/** The two sides of a pair as read, and what becomes of the CRM side's changes (docs/behaviour.md#collective-activities, planLinked). */
export interface LinkedPairStart {
  activity: Activity;
  event: CalendarEvent;
  crmEdits: CrmEdits;
}

/**
 * Brings one linked pair together (docs/behaviour.md#collective-activities, docs/behaviour.md#incremental-activity-sync): three-way merge, then the event is patched with
 * If-Match and the activity updated with its version, so an edit made meanwhile on either side is
 * never overwritten: on 412 both are read again and merged again. The link (with the new base,
 * etag and version) is saved last: a crash before it repeats the same merge, which then finds both
 * sides already equal.
 */
export async function syncLinkedPair(
  run: ActivityRun,
  link: ActivityLink,
  start: LinkedPairStart,
): Promise<void> {
  let { activity, event } = start;
  for (let attempt = 1; ; attempt += 1) {
    try {
      const contactIds = await contactIdsOf(run, newAttendeeEmails(activity, event));
      const plan = planLinked({ link, activity, event, contactIds, crmEdits: start.crmEdits });
      if (plan.googlePatch)
        event = await run.calendar.patch(link.eventId, plan.googlePatch, event.etag ?? null);
      if (plan.crmPatch) {
        const written = await run.crm.updateActivity(link.activityId, plan.crmPatch, {
          actor: run.actor,
          ifMatch: activity.version,
        });
        activity = written.record;
      }
      await run.state.saveLink({
        ...link,
        etag: event.etag ?? null,
        crmVersion: plan.holdsCrmVersion ? link.crmVersion : activity.version,
        base: plan.nextBase,
      });
      run.report.conflict(link.activityId, plan.conflicts);
      const counts = run.report.counts;
      if (plan.googlePatch) counts.toGoogle.updated += 1;
      if (plan.crmPatch) counts.toCrm.updated += 1;
      if (!plan.googlePatch && !plan.crmPatch) counts.unchanged += 1;
      return;
    } catch (error) {
      if (!isStaleWrite(error) || attempt >= STALE_WRITE_ATTEMPTS) throw error;
      const [fresh, current] = await Promise.all([
        run.calendar.get(link.eventId),
        run.crm.getActivity(link.activityId, run.actor),
      ]);
      if (!fresh) throw error;
      event = fresh;
      activity = current;
    }
  }
}

/**
 * syncLinkedPair for a pair that was just (re)linked or restored: that is what the run counts for it
 * (`count`), rather than the merge's own "unchanged".
 */
export async function syncLinkedPairCountedAs(
  run: ActivityRun,
  link: ActivityLink,
  start: LinkedPairStart,
  count: (counts: ActivityRun['report']['counts']) => void,
): Promise<void> {
  const unchanged = run.report.counts.unchanged;
  await syncLinkedPair(run, link, start);
  run.report.counts.unchanged = unchanged;
  count(run.report.counts);
}
