import { randomBytes } from 'node:crypto';
import { ImapFlow } from 'imapflow';
import { runUserSync } from '../../functions/src/app/sync/runs/runUserSync.js';
import { Browser, control, followCallback, followGoogle } from '../../test/integration/linking-support.js';
import { GMAIL_CLIENT, rawMessage } from '../../test/integration/mail-support.js';
import { resetFirestore } from '../../test/support/stack.js';
import { createUser } from '../../test/support/users.js';
import { type ImapTap, startImapTap } from '../local/imapTap.js';
import type { Result } from './report.js';
import { inParallel, measuredMemory, type SyncScenario, type SyncWorld } from './syncWorld.js';

/**
 * `mail-import-<N>` (docs/behaviour.md#mail-import, issue #12 point 8): one mail run importing N business messages of
 * a real Dovecot INBOX, a tenth with a 200 KB attachment. `calls` are the IMAP commands the import
 * sent (counted by a relay in front of Dovecot); `lowerBound` the fewest a correct import needs:
 * AUTHENTICATE and LOGOUT, per folder one EXAMINE and one SEARCH, and per batch of 200 UIDs two
 * FETCHes (structure and headers, then the text parts: a text part's section is known only from the
 * structure). Memory: `peakRssMiB` and the heap growth of the run; 5,000 against 1,000 shows whether
 * the import streams (`memoryGrowthRatio` of the peak RSS, which should stay ≤ 1.2; `heapGrowthRatio`
 * of the sampled heap growth, which depends on when V8 collects).
 */

const BATCH = 200;
let mailboxes = 0;

async function seedInbox(world: SyncWorld, owner: string, sender: string, count: number): Promise<void> {
  const attachment = randomBytes(200_000);
  const client = new ImapFlow({
    host: '127.0.0.1',
    port: world.dovecot.port,
    secure: false,
    doSTARTTLS: false,
    auth: { user: owner, pass: world.dovecot.seedPassword },
    logger: false,
  });
  await client.connect();
  try {
    await inParallel(count, 1, async (index) => {
      const raw = await rawMessage({
        from: sender,
        to: owner,
        subject: `Offer ${index}`,
        text: `Dear customer, offer number ${index}. `.repeat(30),
        messageId: `<offer-${index}-${owner}>`,
        ...(index % 10 === 0
          ? { attachments: [{ filename: `offer-${index}.pdf`, content: attachment }] }
          : {}),
      });
      await client.append('INBOX', raw);
    });
  } finally {
    await client.logout();
  }
}

/** A user with one linked mailbox whose INBOX holds `count` messages of a CRM contact, read through `tap`. */
async function mailboxWith(world: SyncWorld, tap: ImapTap, count: number) {
  await resetFirestore(world);
  await control(world).reset();
  mailboxes += 1;
  const owner = `bench-mail${mailboxes}-${Date.now()}@example.com`;
  const sender = `customer${mailboxes}@example.org`;
  await control(world).createClient({ ...GMAIL_CLIENT, redirectUris: [`${world.baseUrl}/oauthCallback`] });
  const call = async (token: string, method: string, path: string, body?: unknown) => {
    const response = await fetch(`${world.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return response;
  };
  await call(world.admin.idToken, 'PUT', '/settings/mail-providers/gmail', {
    name: 'GMail',
    imap: { host: '127.0.0.1', port: tap.port, security: 'none' },
    smtp: { host: '127.0.0.1', port: world.smtp.port, security: 'none' },
    loginFormat: 'mailbox',
    auth: 'oauth2',
    clientId: GMAIL_CLIENT.clientId,
    clientSecret: GMAIL_CLIENT.clientSecret,
    appendSentCopy: true,
  });
  const user = await createUser(world);
  await call(user.idToken, 'POST', '/api/contacts', {
    givenName: 'Customer',
    emails: [{ address: sender, type: 'work' }],
  });
  await control(world).createAccount({ email: owner });
  await control(world).queueConsent({ action: 'grant', email: owner });
  const browser = new Browser();
  const started = await call(user.idToken, 'POST', '/api/me/mailboxes', {
    providerId: 'gmail',
    email: owner,
  });
  browser.keep(started.headers);
  const { authorizationUrl } = (await started.json()) as { authorizationUrl: string };
  const outcome = await followCallback(await followGoogle(new URL(authorizationUrl)), browser);
  if (outcome.searchParams.get('mailbox') !== 'ok') throw new Error(`linking the mailbox failed: ${outcome}`);
  await seedInbox(world, owner, sender, count);
  return user;
}

/** Peak RSS and heap growth of each size, to compare 5,000 with 1,000. */
const memoryOf = new Map<number, { peakRssMiB: number; heapGrowthMiB: number }>();

async function mailImport(world: SyncWorld, count: number): Promise<Result> {
  const tap = await startImapTap({ host: '127.0.0.1', port: world.dovecot.port });
  try {
    const user = await mailboxWith(world, tap, count);
    tap.reset();
    const dueMinute = Math.floor(Date.now() / 60_000);
    const measured = await measuredMemory(() =>
      runUserSync({ trigger: 'schedule', uid: user.uid, kinds: ['mail'], dueMinute }),
    );
    const handled = measured.result;
    if (
      handled.outcome !== 'ran' ||
      handled.run.status !== 'succeeded' ||
      handled.run.counts.mail?.imported !== count
    ) {
      throw new Error(`the mail run did not import ${count} messages: ${JSON.stringify(handled)}`);
    }
    const folders = 2; // INBOX and Sent
    const lowerBound = 2 + 2 * folders + 2 * Math.ceil(count / BATCH);
    memoryOf.set(count, { peakRssMiB: measured.peakRssMiB, heapGrowthMiB: measured.heapGrowthMiB });
    const smaller = memoryOf.get(1000);
    const ratio = (a: number, b: number) => Number((a / Math.max(1, b)).toFixed(2));
    return {
      scenario: `mail-import-${count}`,
      calls: tap.totalCommands(),
      lowerBound,
      wallMs: measured.wallMs,
      peakRssMiB: measured.peakRssMiB,
      heapGrowthMiB: measured.heapGrowthMiB,
      commands: Object.fromEntries(tap.commands),
      counts: handled.run.counts.mail,
      ...(count !== 1000 && smaller
        ? {
            memoryGrowthRatio: ratio(measured.peakRssMiB, smaller.peakRssMiB),
            heapGrowthRatio: ratio(measured.heapGrowthMiB, smaller.heapGrowthMiB),
          }
        : {}),
    };
  } finally {
    await tap.close();
  }
}

export const MAIL_SCENARIOS: SyncScenario[] = [
  { name: 'mail-import-1000', run: (world) => mailImport(world, 1000) },
  { name: 'mail-import-5000', run: (world) => mailImport(world, 5000) },
];
