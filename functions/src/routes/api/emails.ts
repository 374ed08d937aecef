import { z } from 'zod';
import type { UserContext } from '../../http/handler.js';
import { EXAMPLE_IDS, invalidExample, named, unknownExample } from '../../http/routeDoc.js';
import type { Route } from '../../http/router.js';

/** Emails (docs/api.md): list, read, send. */

const emails = () => import('../../app/mail/emails.js');
const sending = () => import('../../app/mail/sendEmail.js');
const sendInput = () => import('../../app/mail/sendInput.js');
const shapes = () => import('../mailResponses.js');

export const emailRoutes: Route<UserContext>[] = [
  {
    method: 'GET',
    path: '/emails',
    doc: {
      summary: 'Emails',
      description:
        'Imported and sent emails, company data like activities, oldest first; filter by contact, ' +
        'mailbox and thread (docs/behaviour.md#mail).',
      success: [{ status: 200, description: 'A page of emails.' }],
      errors: ['invalid_argument'],
      examples: [
        {
          name: 'ofContact',
          summary: "A contact's emails",
          query: { contactId: EXAMPLE_IDS.contact },
          status: 200,
        },
        invalidExample('badContactId', 'contactId must be a record id', {
          query: { contactId: 'not/an id' },
        }),
      ],
      schemas: async () => {
        const { paging, emailPage } = await shapes();
        const id = z.string().optional();
        return {
          query: { ...paging, contactId: id, mailboxId: id, threadId: id },
          responses: { 200: emailPage },
        };
      },
    },
    handle: async ({ query }) => ({ status: 200, body: await (await emails()).listEmailsFor(query) }),
  },
  {
    method: 'GET',
    path: '/emails/:id',
    doc: {
      summary: 'One email',
      success: [{ status: 200, description: 'The email.' }],
      errors: ['not_found'],
      examples: [unknownExample('No email has that id')],
      schemas: async () => ({ responses: { 200: (await shapes()).email } }),
    },
    handle: async (_context, { id = '' }) => ({ status: 200, body: await (await emails()).emailById(id) }),
  },
  {
    method: 'POST',
    path: '/emails',
    doc: {
      summary: 'Send an email',
      description:
        "Sends through one of the caller's own mailboxes over the provider's SMTP with XOAUTH2, with a " +
        'Message-ID of the product, so the copy in Sent is the same Email. A permanent SMTP refusal is ' +
        '422 `mail_rejected` with the server reply, a transient one 503; neither records an Email.',
      requestHeaders: {
        'Idempotency-Key':
          'Optional. The same key within 24 hours answers the first answer again and sends nothing.',
      },
      success: [{ status: 201, description: 'Sent; the Email as recorded.' }],
      errors: [
        'invalid_argument',
        'permission_denied',
        'not_found',
        'conflict',
        'mail_rejected',
        'unavailable',
      ],
      examples: [
        invalidExample('badAddress', 'to.0 must be a valid email address', {
          body: { mailboxId: EXAMPLE_IDS.mailbox, to: ['not an address'], subject: 'Hello', text: 'Hi' },
        }),
        invalidExample('headerInjection', 'subject must not contain line breaks', {
          body: {
            mailboxId: EXAMPLE_IDS.mailbox,
            to: ['ada@example.org'],
            subject: 'Hi\r\nBcc: x@y.z',
            text: 'Hi',
          },
        }),
        {
          name: 'unknownMailbox',
          summary: 'No mailbox has that id',
          body: { mailboxId: EXAMPLE_IDS.missing, to: ['ada@example.org'], subject: 'Hello', text: 'Hi' },
          status: 404,
          code: 'not_found',
        },
      ],
      schemas: async () => ({
        body: named('EmailToSend', (await sendInput()).SendSchema),
        responses: { 201: (await shapes()).email },
      }),
    },
    handle: async ({ caller, body, req }) => {
      const answer = await (await sending()).sendEmail(caller, body, req.get('idempotency-key'));
      return { status: answer.status, body: answer.body };
    },
  },
];
