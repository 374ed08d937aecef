import { GoogleApiFailure } from '../../../adapters/google/apiErrors.js';
import type { ListPosition } from '../../../adapters/google/calendar.js';
import type { CalendarEvent } from '../../../core/sync/activities/fields.js';
import { type ActivityLink, decideEvent } from '../../../core/sync/activities/plan.js';
import { AppError } from '../../../errors.js';
import { log } from '../../../logging.js';
import { importEvent } from './importEvent.js';
import { syncLinkedPair } from './linkedPair.js';
import { removeFromCalendar } from './pushToGoogle.js';
import { type ActivityRun, perItem } from './run.js';

/**
 * Google → CRM (§3.5.2, §3.5.4, §3.5.5): the primary calendar's changes since the stored sync token
 * (a full listing from syncSince the first time, or when Google answers 410), page by page so that
 * memory stays flat. After each page the position is saved, so a crashed run resumes there; once an
 * item failed, positions are no longer saved in this run, so the next run sees that item again.
 */
export async function pullFromGoogle(run: ActivityRun): Promise<void> {
  const cursor = await run.state.cursor();
  const fresh = (): ListPosition =>
    cursor.syncToken
      ? { mode: 'incremental', syncToken: cursor.syncToken }
      : { mode: 'full', timeMin: new Date(run.window.since).toISOString() };
  let position = cursor.listing ?? fresh();
  for (;;) {
    let page: Awaited<ReturnType<typeof run.calendar.listPage>>;
    try {
      page = await run.calendar.listPage(position);
    } catch (error) {
      const restart = restartFrom(error, position, cursor.listing !== undefined);
      if (!restart) throw error;
      position =
        restart === 'full' ? { mode: 'full', timeMin: new Date(run.window.since).toISOString() } : fresh();
      cursor.listing = undefined;
      if (restart === 'full') cursor.syncToken = undefined;
      continue;
    }
    await applyEvents(run, page.items);
    if (page.nextPageToken) {
      position = { ...position, pageToken: page.nextPageToken };
      if (!run.failed) await run.state.saveCursor({ listing: position });
      continue;
    }
    if (!run.failed) await run.state.saveCursor({ syncToken: page.nextSyncToken ?? null, listing: null });
    return;
  }
}

/**
 * What to do after a listing call failed: 410 `fullSyncRequired` → list everything again (the links
 * stored meanwhile make that free of duplicates: linked events merge, unchanged ones are skipped,
 * https://developers.google.com/calendar/api/guides/sync#full_sync_required_by_server); a resumed
 * page token Google no longer takes → start the listing over. Anything else fails the kind.
 */
function restartFrom(error: unknown, position: ListPosition, resumed: boolean): 'full' | 'over' | undefined {
  if (!(error instanceof GoogleApiFailure)) return undefined;
  if (error.kind === 'sync_token_expired') {
    log.info('the Calendar sync token expired; listing the calendar in full', { mode: position.mode });
    return 'full';
  }
  if (resumed && position.pageToken && error.kind === 'invalid') return 'over';
  return undefined;
}

/** Applies one page of events (links read in bulk). */
export async function applyEvents(run: ActivityRun, events: CalendarEvent[]): Promise<void> {
  const links = await run.state.linksOfEvents(events.map((event) => String(event.id)));
  for (const event of events) {
    await perItem(run, String(event.id), () => applyEvent(run, event, links.get(String(event.id))));
  }
}

async function applyEvent(run: ActivityRun, event: CalendarEvent, link: ActivityLink | undefined) {
  const decision = decideEvent(event, link, run.window);
  switch (decision.kind) {
    case 'skip':
      return;
    case 'unchanged':
      run.result.counts.unchanged += 1;
      return;
    case 'cancel':
      return cancelLinked(run, link as ActivityLink);
    case 'cancelSeries': {
      const occurrences = await run.state.linksOfSeries(decision.seriesId);
      for (const occurrence of occurrences) await cancelLinked(run, occurrence);
      if (occurrences.length) await run.state.forgetSeries(decision.seriesId);
      return;
    }
    case 'import':
      return importEvent(run, event);
    case 'merge': {
      const current = link as ActivityLink;
      const activity = await run.crm.getActivity(current.activityId, run.actor).catch((error) => {
        if (error instanceof AppError && error.code === 'not_found') return undefined;
        throw error;
      });
      // Deleted in the CRM and not seen by the CRM pass yet: that pass's rule applies (§3.5.5).
      if (!activity) return removeFromCalendar(run, current);
      return syncLinkedPair(run, current, { activity, event });
    }
  }
}

/**
 * The event was cancelled or deleted in Google. On the organizer's copy that cancels the meeting: the
 * activity becomes `canceled`, nothing is deleted in the CRM (§3.5.5). A participant's copy is
 * cancelled also when that participant was uninvited or removed it from their calendar, which does
 * not cancel the meeting for the others: the link is only cut.
 */
async function cancelLinked(run: ActivityRun, link: ActivityLink): Promise<void> {
  if (link.organizer) {
    try {
      const { changed } = await run.crm.updateActivity(
        link.activityId,
        { status: 'canceled' },
        { actor: run.actor },
      );
      if (changed) run.result.counts.toCrm.canceled = (run.result.counts.toCrm.canceled ?? 0) + 1;
    } catch (error) {
      if (!(error instanceof AppError && error.code === 'not_found')) throw error;
    }
  }
  await run.state.deleteLink(link.activityId);
}
