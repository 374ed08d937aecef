import type { RequestContext } from '../http/handler.js';
import type { Route } from '../http/router.js';

/**
 * `POST /syncTick` (SPEC §4.3) → `{dispatched}`. Cloud Scheduler posts an empty body (or whatever the
 * job's body is, JSON here); nothing in it is needed, so it is not read.
 */

const load = async () => {
  const [{ fanOutDueUsers }, { tickClock }] = await Promise.all([
    import('../app/sync/schedule/fanOut.js'),
    import('../app/sync/schedule/clock.js'),
  ]);
  return { fanOutDueUsers, tickClock };
};

export const syncTickRoutes: Route<RequestContext>[] = [
  {
    method: 'POST',
    path: '/',
    handle: async () => {
      const { fanOutDueUsers, tickClock } = await load();
      return { status: 200, body: await fanOutDueUsers({ nowMs: tickClock.now() }) };
    },
  },
];
