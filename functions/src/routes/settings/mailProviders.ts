import type { UserContext } from '../../http/handler.js';
import { invalidExample, named, unknownExample } from '../../http/routeDoc.js';
import type { Route } from '../../http/router.js';

/** `GET /settings/mail-providers`, `GET|PUT /settings/mail-providers/{id}` (docs/api.md): administrators only. */

const providers = () => import('../../app/mail/providers.js');
const shapes = () => import('../mailResponses.js');
const one = async () => ({ responses: { 200: (await shapes()).mailProvider } });
const unknownProvider = unknownExample('Only the gmail provider exists', { id: 'outlook' });

export const mailProviderRoutes: Route<UserContext>[] = [
  {
    method: 'GET',
    path: '/mail-providers',
    doc: {
      summary: 'The mail provider directory',
      description: 'Always holds the Gmail provider (`id: gmail`); its Client Secret is write-only.',
      success: [{ status: 200, description: 'Every provider (one list, no paging).' }],
      errors: ['unavailable'],
      examples: [{ name: 'list', summary: 'List the providers', status: 200 }],
      schemas: async () => ({ responses: { 200: (await shapes()).mailProviderList } }),
    },
    handle: async () => ({ status: 200, body: await (await providers()).listMailProviders() }),
  },
  {
    method: 'GET',
    path: '/mail-providers/:id',
    doc: {
      summary: 'A mail provider',
      success: [{ status: 200, description: 'The provider.' }],
      errors: ['not_found', 'unavailable'],
      examples: [
        { name: 'gmail', summary: 'The Gmail provider', params: { id: 'gmail' }, status: 200 },
        unknownProvider,
      ],
      schemas: one,
    },
    handle: async (_context, { id = '' }) => ({
      status: 200,
      body: await (await providers()).getMailProvider(id),
    }),
  },
  {
    method: 'PUT',
    path: '/mail-providers/:id',
    doc: {
      summary: 'Set a mail provider',
      description:
        'Hosts, ports and security (`ssl` = implicit TLS, `starttls`, or `none`, only for a loopback ' +
        'host) and the OAuth client of the provider. An omitted `clientSecret` keeps the stored one ' +
        '(unless the Client ID changes); a new one goes to Secret Manager (`gmail-oauth-client-secret`).',
      success: [{ status: 200, description: 'The provider now in force.' }],
      errors: ['invalid_argument', 'not_found', 'unavailable'],
      examples: [
        {
          name: 'gmail',
          summary: "Google's own hosts, with the administrator's OAuth client",
          params: { id: 'gmail' },
          body: {
            name: 'GMail',
            imap: { host: 'imap.gmail.com', port: 993, security: 'ssl' },
            smtp: { host: 'smtp.gmail.com', port: 465, security: 'ssl' },
            loginFormat: 'mailbox',
            auth: 'oauth2',
            clientId: '123456789012-abc123def456.apps.googleusercontent.com',
            clientSecret: 'GOCSPX-example-secret-0123456789',
            appendSentCopy: false,
          },
          status: 200,
        },
        invalidExample('plainTextRemote', 'security none is allowed only for a loopback host', {
          params: { id: 'gmail' },
          body: {
            imap: { host: 'imap.example.com', port: 143, security: 'none' },
            smtp: { host: 'smtp.gmail.com', port: 465, security: 'ssl' },
            loginFormat: 'mailbox',
            auth: 'oauth2',
            clientId: null,
            appendSentCopy: false,
          },
        }),
      ],
      schemas: async () => ({
        body: named('MailProviderInput', (await providers()).MailProviderInputSchema),
        ...(await one()),
      }),
    },
    handle: async ({ body, caller }, { id = '' }) => ({
      status: 200,
      body: await (await providers()).saveProvider(id, body ?? {}, caller.uid),
    }),
  },
];
