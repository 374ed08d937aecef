import type { UserContext } from '../../http/handler.js';
import { invalidExample, named } from '../../http/routeDoc.js';
import type { Route } from '../../http/router.js';

/**
 * `GET|PUT /settings/schedule` (docs/api.md): the Cloud Scheduler job that calls `syncTick`;
 * administrators only (the `settings` function checks the claim).
 */

const schedule = () => import('../../app/settings/schedule.js');
const view = async () => ({ responses: { 200: (await import('../responses.js')).scheduleSettings } });

export const scheduleSettingsRoutes: Route<UserContext>[] = [
  {
    method: 'GET',
    path: '/schedule',
    doc: {
      summary: 'The automatic sync schedule',
      description:
        'The Cloud Scheduler job `sync-tick` itself, read through the Cloud Scheduler API: what it ' +
        'shows is what Google will do.',
      success: [{ status: 200, description: 'The schedule.' }],
      errors: ['not_found', 'unavailable'],
      examples: [{ name: 'read', summary: 'Read the schedule', status: 200, requires: ['syncTickJob'] }],
      schemas: view,
    },
    handle: async () => ({ status: 200, body: await (await schedule()).getScheduleSettings() }),
  },
  {
    method: 'PUT',
    path: '/schedule',
    doc: {
      summary: 'Pause, resume or reschedule automatic sync',
      description:
        '`paused: true` pauses the job for the whole deployment (manual runs still work); ' +
        '`lastAttemptTime` is read-only and ignored (docs/operations.md#pausing-sync).',
      success: [{ status: 200, description: 'The schedule now in force.' }],
      errors: ['invalid_argument', 'not_found', 'unavailable'],
      examples: [
        {
          name: 'everyMinute',
          summary: 'Run every minute in UTC (the default)',
          body: { paused: false, schedule: '* * * * *', timeZone: 'Etc/UTC' },
          status: 200,
          requires: ['syncTickJob'],
        },
        invalidExample('badCron', 'schedule must be a unix-cron expression', {
          body: { schedule: 'every minute' },
          requires: ['syncTickJob'],
        }),
      ],
      schemas: async () => ({
        body: named('ScheduleSettingsInput', (await schedule()).ScheduleInputSchema),
        ...(await view()),
      }),
    },
    handle: async ({ body, caller }) => ({
      status: 200,
      body: await (await schedule()).saveScheduleSettings(body ?? {}, caller.uid),
    }),
  },
];
