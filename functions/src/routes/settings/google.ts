import type { UserContext } from '../../http/handler.js';
import type { Route } from '../../http/router.js';

/** `GET|PUT /settings/google` (SPEC §4.3): administrators only (the `settings` function checks the claim). */

const settings = () => import('../../app/settings/googleSettings.js');

export const googleSettingsRoutes: Route<UserContext>[] = [
  {
    method: 'GET',
    path: '/google',
    handle: async () => ({ status: 200, body: await (await settings()).getGoogleSettings() }),
  },
  {
    method: 'PUT',
    path: '/google',
    handle: async ({ body, caller }) => ({
      status: 200,
      body: await (await settings()).saveGoogleSettings(body ?? {}, caller.uid),
    }),
  },
];
