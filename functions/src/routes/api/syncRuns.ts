import type { UserContext } from '../../http/handler.js';
import type { Route } from '../../http/router.js';

/** The caller's sync runs (SPEC §4.3 `GET /api/me/sync/runs[/{runId}]`), loaded on first use. */

const history = () => import('../../app/sync/runs/runHistory.js');

export const syncRunRoutes: Route<UserContext>[] = [
  {
    method: 'GET',
    path: '/me/sync/runs',
    handle: async ({ caller, query }) => ({
      status: 200,
      body: await (await history()).listSyncRuns(caller.uid, query),
    }),
  },
  {
    method: 'GET',
    path: '/me/sync/runs/:runId',
    handle: async ({ caller }, { runId = '' }) => ({
      status: 200,
      body: await (await history()).getSyncRun(caller.uid, runId),
    }),
  },
];
