import type { UserContext } from '../../http/handler.js';
import type { Route } from '../../http/router.js';

/** `GET /api/me`: who the caller is. */
export const meRoutes: Route<UserContext>[] = [
  {
    method: 'GET',
    path: '/me',
    handle: ({ caller }) => ({
      status: 200,
      body: { uid: caller.uid, email: caller.email ?? null, contactId: null, admin: caller.admin },
    }),
  },
];
