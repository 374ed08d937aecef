import { randomUUID } from 'node:crypto';
import { GoogleApiFailure } from '../../../adapters/google/apiErrors.js';
import type { ListPosition } from '../../../adapters/google/calendar.js';
import type { CalendarEvent } from '../../../core/sync/activities/fields.js';
import { type ActivityLink, decideEvent } from '../../../core/sync/activities/plan.js';
import { unplanned } from '../../../core/sync/unplanned.js';
import { log } from '../../../logging.js';
import { unlessNotFound } from '../runs/faults.js';
import { cancelLinked } from './cancelLinked.js';
import { importEvent } from './importEvent.js';
import { syncLinkedPair } from './linkedPair.js';
import { removeFromCalendar } from './pushToGoogle.js';
import type { ActivityRun } from './run.js';

/**
 * Google → CRM (docs/behaviour.md#events-from-google, docs/behaviour.md#incremental-activity-sync, docs/behaviour.md#activity-deletion): the primary calendar's changes since the stored sync token
 * (a full listing from syncSince the first time, or when Google answers 410), page by page so that
 * memory stays flat. After each page the position is saved, so a crashed run resumes there; once an
 * item failed, positions are no longer saved in this run, so the next run sees that item again.
 * A full listing stamps the links of what it lists, for the check that follows it (sweepUnlisted.ts).
 */
export async function pullFromGoogle(run: ActivityRun): Promise<void> {
  const cursor = await run.state.cursor();
  const full = (): ListPosition => ({ mode: 'full', timeMin: new Date(run.window.since).toISOString() });
  const fresh = (): ListPosition =>
    cursor.syncToken ? { mode: 'incremental', syncToken: cursor.syncToken } : full();
  let position = cursor.listing ?? fresh();
  // A resumed full listing keeps the generation its first pages stamped.
  let sweep = position.mode === 'full' && cursor.listing ? cursor.sweep : undefined;
  for (;;) {
    let page: Awaited<ReturnType<typeof run.calendar.listPage>>;
    try {
      page = await run.calendar.listPage(position);
    } catch (error) {
      const restart = restartFrom(error, position, cursor.listing !== undefined);
      if (!restart) throw error;
      position = restart === 'full' ? full() : fresh();
      cursor.listing = undefined;
      if (restart === 'full') cursor.syncToken = undefined;
      continue;
    }
    if (position.mode === 'full') {
      sweep ??= { generation: randomUUID(), listed: false };
      sweep.listed ||= page.items.length > 0;
    }
    await applyEvents(run, page.items);
    // Stamped after the page is applied: links it created or deleted are then as they stay.
    if (sweep)
      await run.state.markListed(
        page.items.map((event) => String(event.id)),
        sweep.generation,
      );
    if (page.nextPageToken) {
      position = { ...position, pageToken: page.nextPageToken };
      if (!run.report.holdsCursor)
        await run.state.saveCursor({ listing: position, ...(sweep ? { sweep } : {}) });
      continue;
    }
    // The sweep is saved with the token of the complete listing, so a crash cannot lose it.
    if (!run.report.holdsCursor)
      await run.state.saveCursor({
        syncToken: page.nextSyncToken ?? null,
        listing: null,
        ...(sweep ? { sweep } : {}),
      });
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
    await run.report.perItem(String(event.id), () => applyEvent(run, event, links.get(String(event.id))));
  }
}

async function applyEvent(run: ActivityRun, event: CalendarEvent, link: ActivityLink | undefined) {
  const decision = decideEvent(event, link, run.window);
  switch (decision.kind) {
    case 'skip':
      return;
    case 'unchanged':
      run.report.counts.unchanged += 1;
      return;
    case 'cancel':
      return cancelLinked(run, decision.link);
    case 'cancelSeries': {
      const occurrences = await run.state.linksOfSeries(decision.seriesId);
      for (const occurrence of occurrences) await cancelLinked(run, occurrence);
      if (occurrences.length) await run.state.forgetSeries(decision.seriesId);
      return;
    }
    case 'import':
      return importEvent(run, event);
    case 'uncancel':
      return uncancelLinked(run, decision.link, event);
    case 'merge': {
      const current = decision.link;
      const activity = await unlessNotFound(run.crm.getActivity(current.activityId, run.actor));
      // Deleted in the CRM and not seen by the CRM pass yet: that pass's rule applies (docs/behaviour.md#activity-deletion).
      if (!activity) return removeFromCalendar(run, current);
      // Who changed the CRM side is the CRM pass's to tell (docs/behaviour.md#collective-activities): its changes wait for it.
      return syncLinkedPair(run, current, { activity, event, crmEdits: 'hold' });
    }
    default:
      return unplanned(decision);
  }
}

/**
 * The organizer restored in Google an event whose meeting was cancelled on both sides: the activity
 * is planned again (the mirror of docs/behaviour.md#activity-deletion), then the pair is merged as any changed pair.
 */
async function uncancelLinked(run: ActivityRun, link: ActivityLink, event: CalendarEvent): Promise<void> {
  const { cancelled: _cancelled, ...live } = link;
  let activity = await unlessNotFound(run.crm.getActivity(link.activityId, run.actor));
  if (!activity) return removeFromCalendar(run, live);
  if (activity.status === 'canceled') {
    ({ record: activity } = await run.crm.updateActivity(
      activity.id,
      { status: 'planned' },
      { actor: run.actor, ifMatch: activity.version },
    ));
    run.report.counts.toCrm.updated += 1;
  }
  return syncLinkedPair(run, live, { activity, event, crmEdits: 'hold' });
}
