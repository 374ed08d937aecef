import { parsePageSize } from '../../domain/crm/paging.js';
import { invalid } from '../../domain/crm/validation.js';
import type { UserContext } from '../../http/handler.js';
import type { Route } from '../../http/router.js';

/**
 * The caller's linked Google accounts (SPEC §4.3): list, link, remove. The use cases (and with them
 * Secret Manager and google-auth-library) are imported on first use, so the CRM endpoints of `api`
 * do not pay for them at cold start.
 */

const linking = () => import('../../app/linking/startLinking.js');
const accounts = () => import('../../app/accounts/linkedAccounts.js');

export const accountRoutes: Route<UserContext>[] = [
  {
    method: 'GET',
    path: '/me/accounts',
    handle: async ({ caller, query }) => {
      // A list like any other (SPEC §4.3), though it never needs a second page: a user has at most
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
    handle: async ({ caller }) => {
      const { authorizationUrl, setCookie } = await (await linking()).startLinking(caller);
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
    handle: async ({ caller }, { id = '' }) => {
      await (await accounts()).removeLinkedAccount(caller.uid, id);
      return { status: 204 };
    },
  },
];
