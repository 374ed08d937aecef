import { parsePageSize } from '../../domain/crm/paging.js';
import { invalid } from '../../domain/crm/validation.js';
import type { UserContext } from '../../http/handler.js';
import { EXAMPLE_IDS, invalidExample, unknownExample } from '../../http/routeDoc.js';
import type { Route } from '../../http/router.js';

/**
 * The caller's linked Google accounts (docs/api.md): list, link, remove. The use cases (and with them
 * Secret Manager and google-auth-library) are imported on first use, so the CRM endpoints of `api`
 * do not pay for them at cold start.
 */

const linking = () => import('../../app/linking/startLinking.js');
const accounts = () => import('../../app/accounts/linkedAccounts.js');
const shapes = () => import('../responses.js');

export const accountRoutes: Route<UserContext>[] = [
  {
    method: 'GET',
    path: '/me/accounts',
    doc: {
      summary: 'My linked Google accounts',
      description:
        'At most one account: linking again replaces it. `status` is `reauthRequired` when Google ' +
        'refused its refresh token or the OAuth app changed since it was linked; then link again.',
      success: [{ status: 200, description: 'A list (never more than one page).' }],
      errors: ['invalid_argument'],
      examples: [
        {
          name: 'list',
          summary: 'The caller with one linked account',
          status: 200,
          requires: ['linkedAccount'],
        },
        invalidExample('badPageSize', 'pageSize must be a whole number from 1 to 1000', {
          query: { pageSize: '0' },
        }),
      ],
      schemas: async () => {
        const { paging, linkedAccountPage } = await shapes();
        return { query: paging, responses: { 200: linkedAccountPage } };
      },
    },
    handle: async ({ caller, query }) => {
      // A list like any other (docs/api.md), though it never needs a second page: a user has at most
      // one linked account, so no page token is ever issued and any token sent is not ours.
      parsePageSize(query.get('pageSize'));
      if (query.get('pageToken')) throw invalid({ pageToken: 'is not a page token of this list' });
      return { status: 200, body: await (await accounts()).listLinkedAccounts(caller.uid) };
    },
  },
  {
    // Answers 200, not 201: nothing the client can address is created, only a URL to follow.
    method: 'POST',
    path: '/me/accounts/google',
    doc: {
      summary: 'Start linking a Google account',
      description:
        "Answers Google's authorization URL (offline access, consent, PKCE, a signed single-use state " +
        'that expires in 10 minutes) and sets a `__session` cookie that binds the flow to this browser. ' +
        'Open the URL in the same browser; Google comes back to `oauthCallback`.',
      success: [
        {
          status: 200,
          description: 'The URL to open.',
          headers: { 'Set-Cookie': 'Binds the OAuth flow to this browser (HttpOnly, Secure, SameSite=Lax).' },
        },
      ],
      errors: ['google_app_not_configured', 'unavailable'],
      examples: [
        {
          name: 'start',
          summary: 'The administrator configured the Google app',
          status: 200,
          requires: ['googleApp'],
        },
        {
          name: 'notConfigured',
          summary: 'No OAuth app is configured yet',
          status: 409,
          code: 'google_app_not_configured',
        },
      ],
      schemas: async () => ({ responses: { 200: (await shapes()).authorizationUrl } }),
    },
    handle: async ({ caller, req }) => {
      const { authorizationUrl, setCookie } = await (await linking()).startLinking(caller, req.get('cookie'));
      // The URL is per user and per attempt: no cache may keep it, nor the cookie that goes with it.
      return {
        status: 200,
        body: { authorizationUrl },
        headers: { 'set-cookie': setCookie, 'cache-control': 'no-store' },
      };
    },
  },
  {
    method: 'DELETE',
    path: '/me/accounts/:id',
    doc: {
      summary: 'Remove my linked Google account',
      description:
        'Revokes the refresh token at Google, deletes it with the sync cursors and mappings of the ' +
        'account and stops automatic sync. CRM data stays as it is (docs/behaviour.md#removing-an-account).',
      success: [{ status: 204, description: 'Removed.' }],
      errors: ['not_found'],
      examples: [
        {
          name: 'remove',
          summary: 'Remove the linked account',
          params: { id: EXAMPLE_IDS.account },
          status: 204,
          requires: ['linkedAccount'],
        },
        unknownExample('No linked account of yours has that id'),
      ],
    },
    handle: async ({ caller }, { id = '' }) => {
      await (await accounts()).removeLinkedAccount(caller.uid, id);
      return { status: 204 };
    },
  },
];
