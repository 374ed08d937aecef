import type { UserContext } from '../../http/handler.js';
import { invalidExample, named } from '../../http/routeDoc.js';
import type { Route } from '../../http/router.js';

/** `GET|PUT /settings/google` (docs/api.md): administrators only (the `settings` function checks the claim). */

const settings = () => import('../../app/settings/googleSettings.js');
const view = async () => ({ responses: { 200: (await import('../responses.js')).googleSettings } });

export const googleSettingsRoutes: Route<UserContext>[] = [
  {
    method: 'GET',
    path: '/google',
    doc: {
      summary: 'The Google OAuth app',
      description:
        'The Client ID in force and whether a Client Secret is stored; the secret itself is never shown.',
      success: [{ status: 200, description: 'The settings.' }],
      errors: ['unavailable'],
      examples: [{ name: 'read', summary: 'Read the settings', status: 200 }],
      schemas: view,
    },
    handle: async () => ({ status: 200, body: await (await settings()).getGoogleSettings() }),
  },
  {
    method: 'PUT',
    path: '/google',
    doc: {
      summary: 'Set the Google OAuth app',
      description:
        'The secret goes into Secret Manager as a new version (older ones are disabled); omit it to ' +
        'keep the stored one, unless the Client ID changes. Accounts linked with another app become ' +
        '`reauthRequired`. Setup: docs/operations.md#google-oauth-app.',
      success: [{ status: 200, description: 'The settings now in force.' }],
      errors: ['invalid_argument', 'unavailable'],
      examples: [
        {
          name: 'ownApp',
          summary: "The administrator's own OAuth client, for one Workspace domain",
          body: {
            clientId: '123456789012-abc123def456.apps.googleusercontent.com',
            clientSecret: 'GOCSPX-example-secret-0123456789',
            useSharedApp: false,
            allowedDomains: ['example.com'],
          },
          status: 200,
        },
        invalidExample(
          'badClientId',
          'clientId must look like 123456789012-abc123.apps.googleusercontent.com',
          {
            body: { clientId: 'my-app', useSharedApp: false, allowedDomains: [] },
          },
        ),
        {
          name: 'notAdmin',
          summary: 'Only administrators can use this endpoint',
          as: 'user',
          body: { useSharedApp: false, allowedDomains: [] },
          status: 403,
          code: 'permission_denied',
        },
      ],
      schemas: async () => ({
        body: named('GoogleSettingsInput', (await settings()).GoogleSettingsInputSchema),
        ...(await view()),
      }),
    },
    handle: async ({ body, caller }) => ({
      status: 200,
      body: await (await settings()).saveGoogleSettings(body ?? {}, caller.uid),
    }),
  },
];
