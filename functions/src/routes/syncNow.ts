import { requestSync, SyncNowBodySchema } from '../app/sync/runs/requestSync.js';
import type { HttpFunctionSpec, UserContext } from '../http/handler.js';
import { invalidExample, named } from '../http/routeDoc.js';
import type { Route } from '../http/router.js';

/**
 * `POST /syncNow` `{kinds?}` → 202 `{runId}`, or `{runId, coalesced: true}` naming the caller's run
 * that is already queued or running (docs/api.md).
 */
export const syncNowRoutes: Route<UserContext>[] = [
  {
    method: 'POST',
    path: '/',
    doc: {
      summary: 'Run my sync now',
      description:
        'Queues a run of the given kinds (all configured kinds when left out) and answers at once; ' +
        'poll `GET /api/me/sync/runs/{runId}`. While a run of yours is queued or running, answers ' +
        'that run with `coalesced: true` instead of queueing another. Kinds not configured are skipped ' +
        'and the run says so.',
      success: [{ status: 202, description: 'Queued (or coalesced with the run already queued).' }],
      errors: ['invalid_argument', 'no_linked_account', 'unavailable'],
      examples: [
        {
          name: 'contacts',
          summary: 'Sync contacts now',
          body: { kinds: ['contacts'] },
          status: 202,
          requires: ['linkedAccount'],
        },
        {
          name: 'notLinked',
          summary: 'Link a Google account before running the sync',
          body: {},
          status: 409,
          code: 'no_linked_account',
        },
        invalidExample('unknownKind', 'kinds lists contacts, activities', {
          body: { kinds: ['faxes'] },
        }),
      ],
      schemas: async () => ({
        body: named('SyncNowRequest', SyncNowBodySchema),
        responses: { 202: (await import('./responses.js')).runQueued },
      }),
    },
    handle: async ({ caller, body }) => {
      const { runId, coalesced } = await requestSync(caller.uid, body);
      return { status: 202, body: coalesced ? { runId, coalesced } : { runId } };
    },
  },
];

export const syncNowFunction: HttpFunctionSpec<UserContext> = {
  name: 'syncNow',
  description: "The caller's manual sync: queues a run and answers its id at once.",
  access: 'user',
  routes: syncNowRoutes,
};
