import type { UserContext } from '../../http/handler.js';
import type { Route } from '../../http/router.js';

/**
 * `GET|PUT /settings/schedule` (SPEC §4.3): the Cloud Scheduler job that calls `syncTick`;
 * administrators only (the `settings` function checks the claim).
 */

const schedule = () => import('../../app/settings/schedule.js');

export const scheduleSettingsRoutes: Route<UserContext>[] = [
  {
    method: 'GET',
    path: '/schedule',
    handle: async () => ({ status: 200, body: await (await schedule()).getScheduleSettings() }),
  },
  {
    method: 'PUT',
    path: '/schedule',
    handle: async ({ body, caller }) => ({
      status: 200,
      body: await (await schedule()).saveScheduleSettings(body ?? {}, caller.uid),
    }),
  },
];
