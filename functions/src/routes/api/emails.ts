import type { UserContext } from '../../http/handler.js';
import type { Route } from '../../http/router.js';

/** Emails (SPEC §4.3): list, read, send. */

const emails = () => import('../../app/mail/emails.js');
const sending = () => import('../../app/mail/sendEmail.js');

export const emailRoutes: Route<UserContext>[] = [
  {
    method: 'GET',
    path: '/emails',
    handle: async ({ query }) => ({ status: 200, body: await (await emails()).listEmailsFor(query) }),
  },
  {
    method: 'GET',
    path: '/emails/:id',
    handle: async (_context, { id = '' }) => ({ status: 200, body: await (await emails()).emailById(id) }),
  },
  {
    method: 'POST',
    path: '/emails',
    handle: async ({ caller, body, req }) => {
      const answer = await (await sending()).sendEmail(caller, body, req.get('idempotency-key'));
      return { status: answer.status, body: answer.body };
    },
  },
];
