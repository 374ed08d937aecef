import type { UserContext } from '../../http/handler.js';
import type { Route } from '../../http/router.js';

/** `GET /settings/mail-providers`, `GET|PUT /settings/mail-providers/{id}` (SPEC §4.3): administrators only. */

const providers = () => import('../../app/mail/providers.js');

export const mailProviderRoutes: Route<UserContext>[] = [
  {
    method: 'GET',
    path: '/mail-providers',
    handle: async () => ({ status: 200, body: await (await providers()).listMailProviders() }),
  },
  {
    method: 'GET',
    path: '/mail-providers/:id',
    handle: async (_context, { id = '' }) => ({
      status: 200,
      body: await (await providers()).getMailProvider(id),
    }),
  },
  {
    method: 'PUT',
    path: '/mail-providers/:id',
    handle: async ({ body, caller }, { id = '' }) => ({
      status: 200,
      body: await (await providers()).saveProvider(id, body ?? {}, caller.uid),
    }),
  },
];
