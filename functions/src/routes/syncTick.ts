import type { HttpFunctionSpec, RequestContext } from '../http/handler.js';
import type { Route } from '../http/router.js';

/**
 * `POST /syncTick` (docs/api.md) → `{dispatched}`. Cloud Scheduler posts an empty body (or whatever the
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
    doc: {
      summary: 'Fan out the due automatic syncs',
      description:
        'Called by Cloud Scheduler every minute (the `sync-tick` job): publishes one sync request per ' +
        'user whose automatic sync is due. Not public in the cloud: Cloud Run IAM admits only the ' +
        "Scheduler's service account (OIDC), so the code checks no token itself.",
      success: [{ status: 200, description: 'How many sync requests were published.' }],
      errors: ['unavailable'],
      examples: [{ name: 'tick', summary: 'One tick of the Scheduler', status: 200 }],
      schemas: async () => ({ responses: { 200: (await import('./responses.js')).dispatched } }),
    },
    handle: async () => {
      const { fanOutDueUsers, tickClock, renewCalendarWatches, log } = await load();
      const nowMs = tickClock.now();
      const fanOut = await fanOutDueUsers({ nowMs });
      // Calendar channels due for renewal (docs/behaviour.md#near-real-time-calendar); a failure here must not fail the tick.
      await renewCalendarWatches(nowMs).catch((error: unknown) =>
        log.warn('syncTick could not renew the calendar watches', { error }),
      );
      return { status: 200, body: fanOut };
    },
  },
];

export const syncTickFunction: HttpFunctionSpec<RequestContext> = {
  name: 'syncTick',
  description: 'Called by Cloud Scheduler every minute; fans out the due automatic syncs.',
  access: 'public',
  routes: syncTickRoutes,
};
