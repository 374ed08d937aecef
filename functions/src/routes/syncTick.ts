import type { RequestContext } from '../http/handler.js';
import type { Route } from '../http/router.js';

/**
 * `POST /syncTick` (SPEC §4.3) → `{dispatched}`. Cloud Scheduler posts an empty body (or whatever the
 * job's body is, JSON here); nothing in it is needed, so it is not read.
 */

const load = async () => {
  const [{ fanOutDueUsers }, { tickClock }, { renewCalendarWatches }, { log }] = await Promise.all([
    import('../app/sync/schedule/fanOut.js'),
    import('../app/sync/schedule/clock.js'),
    import('../app/calendarPush/renewWatches.js'),
    import('../logging.js'),
  ]);
  return { fanOutDueUsers, tickClock, renewCalendarWatches, log };
};

export const syncTickRoutes: Route<RequestContext>[] = [
  {
    method: 'POST',
    path: '/',
    handle: async () => {
      const { fanOutDueUsers, tickClock, renewCalendarWatches, log } = await load();
      const nowMs = tickClock.now();
      const fanOut = await fanOutDueUsers({ nowMs });
      // Calendar channels due for renewal (SPEC §3.10); a failure here must not fail the tick.
      await renewCalendarWatches(nowMs).catch((error: unknown) =>
        log.warn('syncTick could not renew the calendar watches', { error }),
      );
      return { status: 200, body: fanOut };
    },
  },
];
