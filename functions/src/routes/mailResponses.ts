import { z } from 'zod';
import { named } from '../http/routeDoc.js';
import { date, instant, page } from './responses.js';

/** What the mail routes share with the others. */
export { authorizationUrl, paging } from './responses.js';

/**
 * The shapes the mail routes answer with (docs/behaviour.md#mail), for the OpenAPI document like
 * `responses.ts`: loaded only when the document is built.
 */

const endpoint = z.strictObject({
  host: z.string(),
  port: z.number().int(),
  security: z.enum(['ssl', 'starttls', 'none']),
});

const MailProviderSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  imap: endpoint,
  smtp: endpoint,
  loginFormat: z.literal('mailbox'),
  auth: z.literal('oauth2'),
  clientId: z.string().nullable(),
  clientSecretSet: z.boolean().describe('The secret itself is write-only.'),
  appendSentCopy: z.boolean().describe('Append what is sent to the \\Sent folder (Gmail does it itself).'),
});

export const mailProvider = named('MailProvider', MailProviderSchema);
export const mailProviderList = named(
  'MailProviderList',
  z.strictObject({ items: z.array(MailProviderSchema) }),
);

const MailboxSchema = z.strictObject({
  id: z.string(),
  providerId: z.string(),
  email: z.string(),
  status: z.enum(['active', 'reauthRequired']),
  linkedAt: instant,
  autoSync: z.boolean(),
  periodMinutes: z.number().int(),
  syncSince: date,
  folders: z.array(z.string()),
  lastSync: instant.optional(),
});

export const mailbox = named('Mailbox', MailboxSchema);
export const mailboxList = named('MailboxList', z.strictObject({ items: z.array(MailboxSchema) }));

const address = z.strictObject({ address: z.string(), name: z.string().optional() });

const EmailSchema = z.strictObject({
  id: z.string(),
  messageId: z.string().describe('The Message-ID header without angle brackets.'),
  threadId: z.string().describe("Gmail's X-GM-THRID (`gm:<id>`) where advertised, else the References root."),
  mailboxIds: z.array(z.string()).describe('Every mailbox the message was seen in.'),
  from: address,
  to: z.array(address),
  cc: z.array(address),
  subject: z.string(),
  sentAt: instant,
  direction: z.enum(['incoming', 'outgoing']),
  bodyText: z.string().describe('The text/plain part, else the HTML as text; at most 64 KiB of UTF-8.'),
  bodyTruncated: z.boolean(),
  attachments: z
    .array(z.strictObject({ filename: z.string(), contentType: z.string(), size: z.number().int() }))
    .describe('Metadata only: attachment bytes are never downloaded.'),
  contactIds: z.array(z.string()),
  createdAt: instant,
});

export const email = named('Email', EmailSchema);
export const emailPage = named('EmailPage', page(EmailSchema));
