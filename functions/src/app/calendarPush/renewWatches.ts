import { linkedAccountsPage } from '../../adapters/firestore/accounts.js';
import {
  readBackfillState,
  readCalendarWatch,
  saveBackfillState,
  watchesDue,
} from '../../adapters/firestore/calendarWatches.js';
import { log } from '../../logging.js';
import { watchCalendar } from './watchCalendar.js';

/**
 * `syncTick`'s share of push (docs/behaviour.md#near-real-time-calendar): renew the channels that are due (a day before they
 * expire) and retry watches that failed; and, once per deployment, watch the accounts that were
 * linked before push existed, a page per tick. The work of one tick is bounded, so the fan-out keeps
 * its pace; what is left is done by the next ticks.
 */

const RENEWALS_PER_TICK = 200;
const BACKFILL_PAGE = 200;
/** Watches opened at once (each is a token refresh and one events.watch call). */
const PARALLEL = 8;

export interface RenewalResult {
  renewed: number;
  backfilled: number;
}

async function inParallel<T>(items: T[], work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, items.length) }, worker));
}

export async function renewCalendarWatches(nowMs: number): Promise<RenewalResult> {
  const now = () => nowMs;
  const due = await watchesDue(nowMs, RENEWALS_PER_TICK);
  let renewed = 0;
  await inParallel(due, async (uid) => {
    if ((await watchCalendar(uid, { now })) === 'opened') renewed += 1;
  });
  const backfilled = await backfillPage(now);
  if (renewed + backfilled + due.length > 0)
    log.info('calendar watches renewed', { due: due.length, renewed, backfilled });
  return { renewed, backfilled };
}

async function backfillPage(now: () => number): Promise<number> {
  const state = await readBackfillState();
  if (state.done) return 0;
  const { accounts, last } = await linkedAccountsPage(state.after, BACKFILL_PAGE);
  const unwatched: string[] = [];
  for (const account of accounts) {
    if (account.status !== 'active' || !account.capabilities.calendar) continue;
    if (!(await readCalendarWatch(account.uid))) unwatched.push(account.uid);
  }
  let opened = 0;
  await inParallel(unwatched, async (uid) => {
    if ((await watchCalendar(uid, { now })) === 'opened') opened += 1;
  });
  await saveBackfillState(
    accounts.length < BACKFILL_PAGE || !last ? { done: true } : { done: false, after: last },
  );
  return opened;
}
