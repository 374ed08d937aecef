import type { ActivityLink } from '../../../core/sync/activities/plan.js';
import { isCrmNotFound } from '../runs/faults.js';
import type { ActivityRun } from './run.js';

/**
 * The event was cancelled or deleted in Google. On the organizer's copy that cancels the meeting: the
 * activity becomes `canceled`, nothing is deleted in the CRM (docs/behaviour.md#activity-deletion), and the link is kept (marked
 * cancelled) so that un-cancelling either side brings this event back. A participant's copy is
 * cancelled also when that participant was uninvited or removed it from their calendar, which does
 * not cancel the meeting for the others: the link is only cut.
 */
export async function cancelLinked(run: ActivityRun, link: ActivityLink): Promise<void> {
  if (!link.organizer) return run.state.deleteLink(link.activityId);
  let written: Awaited<ReturnType<typeof run.crm.updateActivity>>;
  try {
    written = await run.crm.updateActivity(link.activityId, { status: 'canceled' }, { actor: run.actor });
  } catch (error) {
    if (!isCrmNotFound(error)) throw error;
    return run.state.deleteLink(link.activityId);
  }
  if (written.changed) run.report.counts.toCrm.canceled = (run.report.counts.toCrm.canceled ?? 0) + 1;
  const { unlinked: _unlinked, ...kept } = link;
  await run.state.saveLink({ ...kept, cancelled: true, crmVersion: written.record.version });
}
