import type { UserContext } from '../../http/handler.js';
import { EXAMPLE_IDS, invalidExample, unknownExample } from '../../http/routeDoc.js';
import type { Route } from '../../http/router.js';

/** The caller's sync runs (docs/api.md `GET /api/me/sync/runs[/{runId}]`), loaded on first use. */

const history = () => import('../../app/sync/runs/runHistory.js');
const shapes = () => import('../responses.js');

export const syncRunRoutes: Route<UserContext>[] = [
  {
    method: 'GET',
    path: '/me/sync/runs',
    doc: {
      summary: 'My sync runs',
      description: 'Manual and scheduled runs, oldest first, with their counts, conflicts and errors.',
      success: [{ status: 200, description: 'A page of runs.' }],
      errors: ['invalid_argument'],
      examples: [
        { name: 'list', summary: 'The first page', query: { pageSize: '20' }, status: 200 },
        invalidExample('foreignToken', 'A page token of another list is refused', {
          query: { pageToken: 'bm90LWEtdG9rZW4' },
        }),
      ],
      schemas: async () => {
        const { paging, syncRunPage } = await shapes();
        return { query: paging, responses: { 200: syncRunPage } };
      },
    },
    handle: async ({ caller, query }) => ({
      status: 200,
      body: await (await history()).listSyncRuns(caller.uid, query),
    }),
  },
  {
    method: 'GET',
    path: '/me/sync/runs/:runId',
    doc: {
      summary: 'One of my sync runs',
      description: 'Poll it after `POST /syncNow` until `status` is `succeeded`, `partial` or `failed`.',
      success: [{ status: 200, description: 'The run.' }],
      errors: ['not_found'],
      examples: [
        {
          name: 'run',
          summary: 'A run queued by syncNow',
          params: { runId: EXAMPLE_IDS.run },
          status: 200,
          requires: ['syncRun'],
        },
        unknownExample('No run of yours has that id', { runId: EXAMPLE_IDS.missing }),
      ],
      schemas: async () => ({ responses: { 200: (await shapes()).syncRun } }),
    },
    handle: async ({ caller }, { runId = '' }) => ({
      status: 200,
      body: await (await history()).getSyncRun(caller.uid, runId),
    }),
  },
];
