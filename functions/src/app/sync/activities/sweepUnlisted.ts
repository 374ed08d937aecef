import type { ListingSweep } from '../../../adapters/firestore/activitySyncState.js';
import type { ActivityLink } from '../../../core/sync/activities/plan.js';
import { decideUnlisted } from '../../../core/sync/activities/plan.js';
import { log } from '../../../logging.js';
import { cancelLinked } from './cancelLinked.js';
import type { ActivityRun } from './run.js';

/** Links read per page: memory stays flat however many events are linked. */
const PAGE_SIZE = 300;

/**
 * After a complete full listing (the first one, or after Google answered 410 to the sync token),
 * events deleted while no token was valid are missing from it: a full listing leaves cancelled events
 * out (`showDeleted` is false, https://developers.google.com/workspace/calendar/api/v3/reference/events/list).
 * So every link the listing did not stamp (docs/architecture.md#nango, Nango's generations) is checked with events.get,
 * which also returns cancelled events: gone or cancelled → docs/behaviour.md#activity-deletion; still there → left alone.
 *
 * An EMPTY listing while links exist is not taken at its word (docs/architecture.md#two-way-sync-vdirsyncer, StorageEmpty): each link is
 * still checked on its own, and the first event found alive where the listing should have shown it
 * proves the listing wrong: the check stops with an item error and the next run lists in full again.
 * The check resumes after a crash where it stopped (the sweep is stored with the new sync token).
 */
export async function sweepUnlisted(run: ActivityRun): Promise<void> {
  const { sweep } = await run.state.cursor();
  if (!sweep) return;
  let after = sweep.after;
  for (;;) {
    const links = await run.state.linksAfter(after, PAGE_SIZE);
    for (const link of links) {
      if (link.unlinked || link.cancelled || link.listedIn === sweep.generation) continue;
      if ((await checkUnlisted(run, link, sweep)) === 'listingIncomplete') return distrust(run, link);
    }
    if (links.length < PAGE_SIZE) break;
    after = (links.at(-1) as ActivityLink).activityId;
    if (!run.report.holdsCursor) await run.state.saveCursor({ sweep: { ...sweep, after } });
  }
  if (!run.report.holdsCursor) await run.state.saveCursor({ sweep: null });
}

async function checkUnlisted(run: ActivityRun, link: ActivityLink, sweep: ListingSweep) {
  let decision: ReturnType<typeof decideUnlisted> | undefined;
  await run.report.perItem(link.activityId, async () => {
    const event = await run.calendar.get(link.eventId);
    decision = decideUnlisted(event, { empty: !sweep.listed, window: run.window });
    if (decision === 'cancel') await cancelLinked(run, link);
  });
  return decision;
}

/** The listing omitted a live event: forget its sync token (the next run lists in full) and stop. */
async function distrust(run: ActivityRun, link: ActivityLink): Promise<void> {
  log.warn('the full Calendar listing was empty although linked events exist; not trusted', {
    uid: run.uid,
    activityId: link.activityId,
  });
  run.report.itemProblem(
    link.activityId,
    'calendar_listing_incomplete',
    'Google listed no events although this linked event still exists; no activity was canceled ' +
      'on the strength of that listing, and the calendar is listed in full again',
  );
  await run.state.saveCursor({ syncToken: null, sweep: null });
}
