import type { UserContext } from '../../http/handler.js';
import type { Route } from '../../http/router.js';

/** `GET|PUT /api/me/sync-settings` (SPEC §4.3); the use case is loaded on first use. */

const settings = () => import('../../app/sync/settings/syncSettings.js');

export const syncSettingsRoutes: Route<UserContext>[] = [
  {
    method: 'GET',
    path: '/me/sync-settings',
    handle: async ({ caller }) => ({
      status: 200,
      body: await (await settings()).getSyncSettings(caller.uid),
    }),
  },
  {
    method: 'PUT',
    path: '/me/sync-settings',
    handle: async ({ caller, body }) => ({
      status: 200,
      body: await (await settings()).putSyncSettings(caller, body),
    }),
  },
];
