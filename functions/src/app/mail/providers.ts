import { isIP } from 'node:net';
import { z } from 'zod';
import {
  readMailProvider,
  type StoredMailProvider,
  saveMailProvider,
} from '../../adapters/firestore/mailProviders.js';
import type { OAuthApp } from '../../adapters/google/oauth.js';
import { SECRET_IDS, type Secrets, secretManagerSecrets } from '../../adapters/secrets/secretManager.js';
import { config, GOOGLE_CLIENT_ID_PATTERN } from '../../config.js';
import type { MailProvider } from '../../domain/mail/email.js';
import { AppError, invalidArgument, notFound } from '../../errors.js';
import { log } from '../../logging.js';
import { fieldErrors } from '../../validation.js';

/**
 * The mail provider directory (docs/behaviour.md#mail-providers, docs/api.md `MailProvider`): the Gmail entry always exists,
 * preset with Google's hosts (https://developers.google.com/workspace/gmail/imap/imap-smtp: IMAP
 * imap.gmail.com:993 and SMTP smtp.gmail.com:465, both SSL/TLS) or, in the local stack only, with
 * the local mail servers. Its Client Secret lives in Secret Manager as `gmail-oauth-client-secret`
 * and is write-only.
 */

export const GMAIL = 'gmail';

function preset(): StoredMailProvider {
  const local = config().localMail;
  return {
    name: 'GMail',
    imap: local
      ? { host: '127.0.0.1', port: local.imapPort, security: 'none' }
      : { host: 'imap.gmail.com', port: 993, security: 'ssl' },
    smtp: local
      ? { host: '127.0.0.1', port: local.smtpPort, security: 'none' }
      : { host: 'smtp.gmail.com', port: 465, security: 'ssl' },
    loginFormat: 'mailbox',
    auth: 'oauth2',
    clientId: null,
    // Gmail files what is submitted over SMTP in Sent itself; the local servers do not.
    appendSentCopy: local !== undefined,
  };
}

/** Plain-text mail travels only inside this machine. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (bare === 'localhost') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  return bare === '::1' || bare === '0:0:0:0:0:0:0:1';
}

// A DNS name or an IP literal.
const HOST =
  /^(?:\[[0-9a-fA-F:.]+\]|[0-9a-fA-F:]+:[0-9a-fA-F:.]*|[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*)$/;

const Endpoint = z
  .strictObject({
    host: z.string().trim().min(1, 'is required').max(253).regex(HOST, 'must be a host name or IP address'),
    port: z.number().int('must be a whole number').min(1).max(65535, 'must be a port number (1–65535)'),
    security: z.enum(['ssl', 'starttls', 'none'], { error: 'must be ssl, starttls or none' }),
  })
  .refine((endpoint) => endpoint.security !== 'none' || isLoopbackHost(endpoint.host), {
    message: 'security none is allowed only for a loopback host (127.0.0.1, ::1, localhost)',
    path: ['security'],
  });

/** Body of `PUT /settings/mail-providers/{id}` (the OpenAPI document shows it too). */
export const MailProviderInputSchema = z.strictObject({
  name: z.string().trim().min(1, 'is required').max(100, 'is at most 100 characters'),
  imap: Endpoint,
  smtp: Endpoint,
  loginFormat: z.literal('mailbox', { error: 'must be "mailbox" (the login is the mailbox address)' }),
  auth: z.literal('oauth2', { error: 'must be "oauth2"' }),
  clientId: z
    .string()
    .trim()
    .regex(GOOGLE_CLIENT_ID_PATTERN, 'must look like 123456789012-abc123.apps.googleusercontent.com')
    .nullable(),
  clientSecret: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(1024, 'is too long')
    .regex(/^[\x21-\x7e]+$/, 'must be the Client Secret as Google shows it (no spaces)')
    .optional(),
  appendSentCopy: z.boolean({ error: 'must be true or false' }),
});

const secretIdOf = (id: string) => {
  if (id !== GMAIL) throw notFound(`Mail provider "${id}"`);
  return SECRET_IDS.gmailOAuthClientSecret;
};

async function storedOrPreset(id: string): Promise<StoredMailProvider> {
  secretIdOf(id);
  return (await readMailProvider(id)) ?? preset();
}

export async function getMailProvider(
  id: string,
  secrets: Secrets = secretManagerSecrets,
): Promise<MailProvider> {
  const secretId = secretIdOf(id);
  await secrets.ensureSecret(secretId);
  const [stored, secret] = await Promise.all([storedOrPreset(id), secrets.access(secretId)]);
  return { id, ...stored, clientSecretSet: secret !== undefined };
}

export async function listMailProviders(): Promise<{ items: MailProvider[] }> {
  return { items: [await getMailProvider(GMAIL)] };
}

export async function saveProvider(
  id: string,
  input: unknown,
  updatedBy: string,
  secrets: Secrets = secretManagerSecrets,
): Promise<MailProvider> {
  const secretId = secretIdOf(id);
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw invalidArgument('Send the mail provider as a JSON object.', { body: 'must be a JSON object' });
  }
  const parsed = MailProviderInputSchema.safeParse(input);
  if (!parsed.success) throw invalidArgument('The mail provider is invalid.', fieldErrors(parsed.error));
  const { clientSecret, ...next } = parsed.data;
  const current = await storedOrPreset(id);
  // A Client Secret belongs to one Client ID: a new ID with the old secret could never work.
  if (next.clientId && current.clientId && next.clientId !== current.clientId && !clientSecret) {
    throw invalidArgument('Enter the Client Secret of the new Client ID too.', {
      clientSecret: 'is required when the Client ID changes',
    });
  }
  await secrets.ensureSecret(secretId);
  if (clientSecret) {
    await secrets.addVersion(secretId, Buffer.from(clientSecret, 'utf8'), { disableOlder: true });
  }
  await saveMailProvider(id, next, updatedBy);
  log.info('mail provider saved', {
    updatedBy,
    providerId: id,
    imapHost: next.imap.host,
    smtpHost: next.smtp.host,
    newClientKeyStored: clientSecret !== undefined,
  });
  return getMailProvider(id, secrets);
}

export interface MailApp extends OAuthApp {
  provider: MailProvider;
}

/** The provider with its OAuth client and secret; 409 `google_app_not_configured` until both are saved. */
export async function resolveMailApp(id: string, secrets: Secrets = secretManagerSecrets): Promise<MailApp> {
  const secretId = secretIdOf(id);
  const [stored, secret] = await Promise.all([storedOrPreset(id), secrets.access(secretId)]);
  if (!stored.clientId || !secret) {
    throw new AppError(
      'google_app_not_configured',
      'The Gmail provider is not configured yet: an administrator must enter its OAuth Client ID and Client Secret.',
    );
  }
  return {
    clientId: stored.clientId,
    clientSecret: secret.data.toString('utf8'),
    provider: { id, ...stored, clientSecretSet: true },
  };
}
