import type { UserContext } from '../../http/handler.js';
import { invalidExample, named } from '../../http/routeDoc.js';
import type { Route } from '../../http/router.js';

/** `GET|PUT /api/me/sync-settings` (docs/api.md); the use case is loaded on first use. */

const settings = () => import('../../app/sync/settings/syncSettings.js');
const shapes = () => import('../responses.js');
const view = async () => ({ responses: { 200: (await shapes()).syncSettings } });

export const syncSettingsRoutes: Route<UserContext>[] = [
  {
    method: 'GET',
    path: '/me/sync-settings',
    doc: {
      summary: 'My sync settings',
      description: 'Per kind: automatic sync on or off, its period, and when the last completed sync ended.',
      success: [{ status: 200, description: 'The settings (defaults until the first PUT).' }],
      errors: [],
      examples: [{ name: 'read', summary: 'Read the settings', status: 200 }],
      schemas: view,
    },
    handle: async ({ caller }) => ({
      status: 200,
      body: await (await settings()).getSyncSettings(caller.uid),
    }),
  },
  {
    method: 'PUT',
    path: '/me/sync-settings',
    doc: {
      summary: 'Replace my sync settings',
      description:
        'Replaces `contacts` and `activities`; a field left out takes its default (auto-sync off, 60 ' +
        'minutes). Contact sync needs one of your personal tags (docs/behaviour.md#contacts); ' +
        'automatic activity sync needs `syncSince`. `lastSync` is read-only.',
      success: [{ status: 200, description: 'The settings now in force.' }],
      errors: ['invalid_argument'],
      examples: [
        {
          name: 'calendarOnly',
          summary: 'Sync the calendar every 15 minutes from 2030 on',
          body: {
            contacts: { autoSync: false, periodMinutes: 60, tagId: null },
            activities: { autoSync: true, periodMinutes: 15, syncSince: '2030-01-01' },
          },
          status: 200,
        },
        invalidExample(
          'badPeriod',
          'periodMinutes must be one of 5, 10, 15, 30, 60, 120, 240, 480, 720, 1440',
          {
            body: { contacts: { periodMinutes: 7 }, activities: {} },
          },
        ),
      ],
      schemas: async () => ({
        body: named('SyncSettingsInput', (await settings()).SyncSettingsSchema),
        ...(await view()),
      }),
    },
    handle: async ({ caller, body }) => ({
      status: 200,
      body: await (await settings()).putSyncSettings(caller, body),
    }),
  },
];
