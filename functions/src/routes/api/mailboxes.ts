import { etag } from '../../domain/crm/common.js';
import type { UserContext } from '../../http/handler.js';
import type { Route } from '../../http/router.js';

/** The caller's mailboxes (SPEC §4.3): list, link, change the import settings, remove. */

const mailboxes = () => import('../../app/mail/mailboxes.js');
const linking = () => import('../../app/mail/startMailboxLinking.js');

export const mailboxRoutes: Route<UserContext>[] = [
  {
    method: 'GET',
    path: '/me/mailboxes',
    handle: async ({ caller, query }) => ({
      status: 200,
      body: await (await mailboxes()).listOwnMailboxes(caller.uid, query),
    }),
  },
  {
    // 200 like the account link: nothing is created until the callback, only a URL to follow.
    method: 'POST',
    path: '/me/mailboxes',
    handle: async ({ caller, body }) => {
      const { authorizationUrl, setCookie } = await (await linking()).startMailboxLinking(caller, body);
      return {
        status: 200,
        body: { authorizationUrl },
        headers: { 'set-cookie': setCookie, 'cache-control': 'no-store' },
      };
    },
  },
  {
    method: 'PATCH',
    path: '/me/mailboxes/:id',
    handle: async ({ caller, body, ifMatch }, { id = '' }) => {
      const app = await mailboxes();
      const updated = await app.patchMailbox(caller.uid, id, body, ifMatch);
      return { status: 200, body: app.toMailboxView(updated), headers: { etag: etag(updated.version) } };
    },
  },
  {
    method: 'DELETE',
    path: '/me/mailboxes/:id',
    handle: async ({ caller, ifMatch }, { id = '' }) => {
      await (await mailboxes()).removeMailbox(caller.uid, id, ifMatch);
      return { status: 204 };
    },
  },
];
