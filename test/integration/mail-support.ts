import assert from 'node:assert/strict';
import { ImapFlow } from 'imapflow';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type Mail from 'nodemailer/lib/mailer/index.js';
import { api } from '../support/api.js';
import type { TestStack } from '../support/stack.js';
import type { TestUser } from '../support/users.js';
import {
  type Browser,
  browserOf,
  call,
  control,
  followCallback,
  followGoogle,
  resetToConfiguredApp,
} from './linking-support.js';

/** Shared steps of the mail suites: the Gmail provider, linking a mailbox, seeding messages, runs. */

export const GMAIL_CLIENT = {
  clientId: '123456789012-gmailmailtests.apps.googleusercontent.com',
  clientSecret: 'GOCSPX-gmail-mail-tests-secret',
};

/** Registers the Gmail client in the Google emulator and points the provider at this stack's servers. */
export async function configureGmail(stack: TestStack, admin: TestUser, imapPort = stack.dovecot.port) {
  await control(stack).createClient({ ...GMAIL_CLIENT, redirectUris: [`${stack.baseUrl}/oauthCallback`] });
  const saved = await call('PUT', '/settings/mail-providers/gmail', {
    user: admin,
    body: {
      name: 'GMail',
      imap: { host: '127.0.0.1', port: imapPort, security: 'none' },
      smtp: { host: '127.0.0.1', port: stack.smtp.port, security: 'none' },
      loginFormat: 'mailbox',
      auth: 'oauth2',
      clientId: GMAIL_CLIENT.clientId,
      clientSecret: GMAIL_CLIENT.clientSecret,
      appendSentCopy: true,
    },
  });
  assert.equal(saved.status, 200, saved.text);
}

export interface MailboxJson {
  id: string;
  providerId: string;
  email: string;
  status: string;
  linkedAt: string;
  autoSync: boolean;
  periodMinutes: number;
  syncSince: string;
  folders: string[];
  lastSync?: string;
}

/**
 * Asks to link `email` as `user` and plays the browser through Google (where `consentingAs` signs
 * in, the mailbox itself by default) and back to the callback: the app URL with the outcome.
 */
export async function linkMailbox(
  stack: TestStack,
  user: TestUser,
  email: string,
  options: { consentingAs?: string; scopes?: string[]; browser?: Browser } = {},
): Promise<URL> {
  const browser = options.browser ?? browserOf(user);
  const consentingAs = options.consentingAs ?? email;
  await control(stack).createAccount({ email: consentingAs });
  await control(stack).queueConsent({ action: 'grant', email: consentingAs, scopes: options.scopes });
  const started = await call('POST', '/api/me/mailboxes', { user, body: { providerId: 'gmail', email } });
  assert.equal(started.status, 200, started.text);
  browser.keep(started.headers);
  const callback = await followGoogle(
    new URL((started.json as { authorizationUrl: string }).authorizationUrl),
  );
  return followCallback(callback, browser);
}

export async function mailboxesOf(user: TestUser): Promise<MailboxJson[]> {
  const listed = await api(user, 'GET', '/me/mailboxes');
  assert.equal(listed.status, 200, JSON.stringify(listed.json));
  return listed.json.items as MailboxJson[];
}

/** Links `email` for `user` and answers its Mailbox. */
export async function linkedMailbox(stack: TestStack, user: TestUser, email: string): Promise<MailboxJson> {
  const outcome = await linkMailbox(stack, user, email);
  assert.equal(outcome.searchParams.get('mailbox'), 'ok', outcome.toString());
  const mailbox = (await mailboxesOf(user)).find((m) => m.email === email);
  assert.ok(mailbox, `mailbox ${email} listed`);
  return mailbox;
}

/** A raw RFC 5322 message built with nodemailer's composer (real MIME, real encodings). */
export async function rawMessage(mail: Mail.Options): Promise<Buffer> {
  return new MailComposer(mail).compile().build();
}

/** Puts a message into a folder of `owner`'s Dovecot mailbox, as delivery would (seeding password). */
export async function seedMessages(
  stack: TestStack,
  owner: string,
  folder: string,
  raws: Buffer[],
): Promise<void> {
  const client = new ImapFlow({
    host: '127.0.0.1',
    port: stack.dovecot.port,
    secure: false,
    doSTARTTLS: false,
    auth: { user: owner, pass: stack.dovecot.seedPassword },
    logger: false,
  });
  await client.connect();
  try {
    for (const raw of raws) await client.append(folder, raw);
  } finally {
    await client.logout();
  }
}

/** Empties a folder and makes Dovecot give it a new UIDVALIDITY (deleted and created again). */
export async function recreateFolder(stack: TestStack, owner: string, folder: string): Promise<void> {
  const client = new ImapFlow({
    host: '127.0.0.1',
    port: stack.dovecot.port,
    secure: false,
    doSTARTTLS: false,
    auth: { user: owner, pass: stack.dovecot.seedPassword },
    logger: false,
  });
  await client.connect();
  try {
    await client.mailboxDelete(folder);
    await client.mailboxCreate(folder);
  } finally {
    await client.logout();
  }
}

/** `syncNow {kinds}` as `user`, then waits for the run to finish; answers the run. */
export async function runSync(user: TestUser, kinds: string[] = ['mail']) {
  const queued = await call('POST', '/syncNow', { user, body: { kinds } });
  assert.equal(queued.status, 202, queued.text);
  const { runId } = queued.json as { runId: string };
  for (let i = 0; i < 200; i += 1) {
    const run = await api(user, 'GET', `/me/sync/runs/${runId}`);
    if (['succeeded', 'partial', 'failed'].includes(run.json.status)) return run.json;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`run ${runId} did not finish`);
}

/** The emails the API lists for a filter, all pages. */
export async function emailsWhere(user: TestUser, filter: Record<string, string> = {}) {
  const items: Array<Record<string, unknown>> = [];
  let pageToken: string | undefined;
  do {
    const query = new URLSearchParams({ ...filter, pageSize: '1000', ...(pageToken ? { pageToken } : {}) });
    const page = await api(user, 'GET', `/emails?${query}`);
    assert.equal(page.status, 200, JSON.stringify(page.json));
    items.push(...page.json.items);
    pageToken = page.json.nextPageToken;
  } while (pageToken);
  return items;
}

/** A CRM contact with this address. */
export async function contactWith(user: TestUser, address: string, givenName = 'Ada'): Promise<string> {
  const created = await api(user, 'POST', '/contacts', { givenName, emails: [{ address, type: 'work' }] });
  assert.equal(created.status, 201, JSON.stringify(created.json));
  return created.json.id as string;
}

/**
 * For a mail suite: no Firestore data, a fresh Google emulator with the OAuth clients, the Google
 * app and the Gmail provider configured by `admin`.
 */
export async function resetMailWorld(stack: TestStack, admin: TestUser): Promise<void> {
  await resetToConfiguredApp(stack, admin);
  await configureGmail(stack, admin);
}
