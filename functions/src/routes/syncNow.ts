import { requestSync } from '../app/sync/runs/requestSync.js';
import type { UserContext } from '../http/handler.js';
import type { Route } from '../http/router.js';

/**
 * `POST /syncNow` `{kinds?}` → 202 `{runId}`, or `{runId, coalesced: true}` naming the caller's run
 * that is already queued or running (SPEC §4.3).
 */
export const syncNowRoutes: Route<UserContext>[] = [
  {
    method: 'POST',
    path: '/',
    handle: async ({ caller, body }) => {
      const { runId, coalesced } = await requestSync(caller.uid, body);
      return { status: 202, body: coalesced ? { runId, coalesced } : { runId } };
    },
  },
];
