import { getMe } from '../../app/crm/me.js';
import type { UserContext } from '../../http/handler.js';
import type { Route } from '../../http/router.js';

/** `GET /api/me`: who the caller is, with their own CRM contact (created on the first call). */
export const meRoutes: Route<UserContext>[] = [
  {
    method: 'GET',
    path: '/me',
    handle: async ({ caller }) => ({ status: 200, body: await getMe(caller) }),
  },
];
