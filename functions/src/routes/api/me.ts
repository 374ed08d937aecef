import { getMe } from '../../app/crm/me.js';
import type { UserContext } from '../../http/handler.js';
import type { Route } from '../../http/router.js';

const shapes = () => import('../responses.js');

/** `GET /api/me`: who the caller is, with their own CRM contact (created on the first call). */
export const meRoutes: Route<UserContext>[] = [
  {
    method: 'GET',
    path: '/me',
    doc: {
      summary: 'Who I am',
      description:
        "The caller's identity and their own CRM contact, found by their sign-in email or created on " +
        'the first call. That contact cannot be deleted; organizer and attendee matching use it.',
      success: [{ status: 200, description: 'The caller.' }],
      errors: [],
      examples: [{ name: 'me', summary: 'The signed-in user', status: 200 }],
      schemas: async () => ({ responses: { 200: (await shapes()).me } }),
    },
    handle: async ({ caller }) => ({ status: 200, body: await getMe(caller) }),
  },
];
