import { etag } from '../../domain/crm/common.js';
import type { UserContext } from '../../http/handler.js';
import { EXAMPLE_IDS, invalidExample, named, unknownExample } from '../../http/routeDoc.js';
import type { Route } from '../../http/router.js';
import { IF_MATCH, RECORD_ETAG } from './recordHeaders.js';

/** The caller's mailboxes (docs/api.md): list, link, change the import settings, remove. */

const mailboxes = () => import('../../app/mail/mailboxes.js');
const linking = () => import('../../app/mail/startMailboxLinking.js');
const shapes = () => import('../mailResponses.js');
const mailboxId = { id: EXAMPLE_IDS.mailbox };
const unknownMailbox = unknownExample('No mailbox of yours has that id');

export const mailboxRoutes: Route<UserContext>[] = [
  {
    method: 'GET',
    path: '/me/mailboxes',
    doc: {
      summary: 'My mailboxes',
      description: 'The mailboxes you linked, one per address (never more than one page).',
      success: [{ status: 200, description: 'A list.' }],
      errors: ['invalid_argument'],
      examples: [
        { name: 'list', summary: 'The caller with one mailbox', status: 200, requires: ['linkedMailbox'] },
      ],
      schemas: async () => {
        const { paging, mailboxList } = await shapes();
        return { query: paging, responses: { 200: mailboxList } };
      },
    },
    handle: async ({ caller, query }) => ({
      status: 200,
      body: await (await mailboxes()).listOwnMailboxes(caller.uid, query),
    }),
  },
  {
    // 200 like the account link: nothing is created until the callback, only a URL to follow.
    method: 'POST',
    path: '/me/mailboxes',
    doc: {
      summary: 'Start linking a mailbox',
      description:
        "Answers Google's authorization URL for the mail provider's OAuth client (scope " +
        '`https://mail.google.com/` plus `openid email`, `login_hint` = the mailbox, PKCE, a signed ' +
        'single-use state) and binds the flow to this browser with a cookie. The grant is separate ' +
        'from the Google account link (docs/behaviour.md#mailbox-linking); linking the same address ' +
        'again replaces its grant.',
      success: [
        {
          status: 200,
          description: 'The URL to open.',
          headers: { 'Set-Cookie': 'Binds the OAuth flow to this browser (HttpOnly, Secure, SameSite=Lax).' },
        },
      ],
      errors: ['invalid_argument', 'google_app_not_configured', 'unavailable'],
      examples: [
        {
          name: 'gmail',
          summary: 'Link a Gmail mailbox',
          body: { providerId: 'gmail', email: 'ada@example.com' },
          status: 200,
          requires: ['mailApp'],
        },
        invalidExample('unknownProvider', 'providerId must be "gmail", the only mail provider', {
          body: { providerId: 'outlook', email: 'ada@example.com' },
        }),
      ],
      schemas: async () => ({
        body: named('MailboxLink', (await linking()).MailboxLinkSchema),
        responses: { 200: (await shapes()).authorizationUrl },
      }),
    },
    handle: async ({ caller, body, req }) => {
      const { authorizationUrl, setCookie } = await (await linking()).startMailboxLinking(
        caller,
        body,
        req.get('cookie'),
      );
      return {
        status: 200,
        body: { authorizationUrl },
        headers: { 'set-cookie': setCookie, 'cache-control': 'no-store' },
      };
    },
  },
  {
    method: 'PATCH',
    path: '/me/mailboxes/:id',
    doc: {
      summary: "Change a mailbox's import settings",
      description:
        'A merge patch of `autoSync`, `periodMinutes`, `syncSince` and `folders` (a new list replaces ' +
        'the old one; `\\Sent` stands for the SPECIAL-USE Sent folder). Other fields are read-only.',
      requestHeaders: { 'If-Match': IF_MATCH },
      success: [{ status: 200, description: 'The mailbox as changed.', headers: RECORD_ETAG }],
      errors: ['invalid_argument', 'not_found', 'precondition_failed'],
      examples: [
        {
          name: 'hourly',
          summary: 'Import every hour from March 2030 on',
          params: mailboxId,
          body: { autoSync: true, periodMinutes: 60, syncSince: '2030-03-01' },
          status: 200,
          requires: ['linkedMailbox'],
        },
        invalidExample('readOnly', 'email is read-only', {
          params: mailboxId,
          body: { email: 'other@example.com' },
          requires: ['linkedMailbox'],
        }),
        unknownMailbox,
      ],
      schemas: async () => ({
        body: named('MailboxPatch', (await mailboxes()).MailboxPatchSchema),
        responses: { 200: (await shapes()).mailbox },
      }),
    },
    handle: async ({ caller, body, ifMatch }, { id = '' }) => {
      const app = await mailboxes();
      const updated = await app.patchMailbox(caller.uid, id, body, ifMatch);
      return { status: 200, body: app.toMailboxView(updated), headers: { etag: etag(updated.version) } };
    },
  },
  {
    method: 'DELETE',
    path: '/me/mailboxes/:id',
    doc: {
      summary: 'Remove a mailbox',
      description: 'Revokes its grant at Google and deletes it with its cursors; imported emails stay.',
      requestHeaders: { 'If-Match': IF_MATCH },
      success: [{ status: 204, description: 'Removed.' }],
      errors: ['not_found', 'precondition_failed', 'unavailable'],
      examples: [
        {
          name: 'remove',
          summary: 'Remove a mailbox',
          params: mailboxId,
          status: 204,
          requires: ['linkedMailbox'],
        },
        unknownMailbox,
      ],
    },
    handle: async ({ caller, ifMatch }, { id = '' }) => {
      await (await mailboxes()).removeMailbox(caller.uid, id, ifMatch);
      return { status: 204 };
    },
  },
];
