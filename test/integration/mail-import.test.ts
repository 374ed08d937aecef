import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startImapTap } from '../../scripts/local/imapTap.js';
import { wirePubSubPush } from '../../scripts/local/wiring.js';
import { api } from '../support/api.js';
import { type TestStack, testStack } from '../support/stack.js';
import { createUser, type TestUser } from '../support/users.js';
import { CLIENT_ID, call, control } from './linking-support.js';
import {
  configureGmail,
  contactWith,
  emailsWhere,
  linkedMailbox,
  linkMailbox,
  mailboxesOf,
  rawMessage,
  recreateFolder,
  resetMailWorld,
  runSync,
  seedMessages,
} from './mail-support.js';

/**
 * docs/behaviour.md#mailbox-linking, docs/behaviour.md#mail-import against the real Dovecot of the test stack: linking a mailbox, then importing
 * business mail as Emails. Every test uses addresses of its own (Dovecot keeps mailboxes between
 * tests; Firestore and the Google emulator are reset).
 */

const today = () => new Date().toISOString().slice(0, 10);
let serial = 0;
const unique = (name: string) => `${name}${++serial}-${Date.now()}`;

describe('mail: linking a mailbox and importing business mail over IMAP', function () {
  this.timeout(180_000);
  let stack: TestStack;
  let admin: TestUser;
  let alice: TestUser;
  let bob: TestUser;

  before(async () => {
    stack = await testStack();
    admin = await createUser(stack, { admin: true });
    alice = await createUser(stack);
    bob = await createUser(stack);
    await wirePubSubPush(stack.projectId, stack.baseUrl);
  });

  beforeEach(async () => {
    await resetMailWorld(stack, admin);
  });

  it('when a user links a mailbox, then it is listed with its defaults and the Sent folder by name', async () => {
    const address = `${unique('alice')}@example.com`;
    const mailbox = await linkedMailbox(stack, alice, address);
    const thirtyDaysAgo = new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10);
    assert.deepEqual(
      { ...mailbox, id: undefined, linkedAt: undefined },
      {
        id: undefined,
        linkedAt: undefined,
        providerId: 'gmail',
        email: address,
        status: 'active',
        autoSync: false,
        periodMinutes: 60,
        syncSince: thirtyDaysAgo,
        folders: ['INBOX', 'Sent'],
      },
    );
    // The grant is its own: the mail scope, for the Gmail provider's client.
    const grants = (
      (await control(stack).dump()) as {
        grants: Array<{ clientId: string; email: string; scopes: string[] }>;
      }
    ).grants;
    const grant = grants.find((g) => g.email === address);
    assert.ok(grant?.scopes.includes('https://mail.google.com/'), JSON.stringify(grants));
    assert.notEqual(grant?.clientId, CLIENT_ID);
  });

  it('when another Google account consents than the mailbox asked for, then mailbox_mismatch and nothing is linked', async () => {
    const outcome = await linkMailbox(stack, alice, `${unique('alice')}@example.com`, {
      consentingAs: `${unique('mallory')}@example.com`,
    });
    assert.deepEqual(Object.fromEntries(outcome.searchParams), {
      mailbox: 'error',
      code: 'mailbox_mismatch',
    });
    assert.deepEqual(await mailboxesOf(alice), []);
  });

  it('when the mail scope is not granted, then missing_scopes and nothing is linked', async () => {
    const outcome = await linkMailbox(stack, alice, `${unique('alice')}@example.com`, {
      scopes: ['openid', 'email'],
    });
    assert.deepEqual(Object.fromEntries(outcome.searchParams), { mailbox: 'error', code: 'missing_scopes' });
    assert.deepEqual(await mailboxesOf(alice), []);
  });

  it('when the run imports, then only business mail becomes Emails, with text, attachments as metadata and no attachment bytes fetched', async () => {
    const address = `${unique('alice')}@example.com`;
    const ada = `${unique('ada')}@example.org`;
    const adaId = await contactWith(alice, ada);
    const mailbox = await linkedMailbox(stack, alice, address);
    const attachment = randomBytes(300_000);
    await seedMessages(stack, address, 'INBOX', [
      await rawMessage({
        from: `Ada <${ada}>`,
        to: address,
        subject: 'Engine plans',
        text: 'Here are the plans.',
        messageId: `<${unique('plans')}@example.org>`,
        attachments: [
          { filename: 'plans.bin', content: attachment, contentType: 'application/octet-stream' },
        ],
      }),
      await rawMessage({
        from: `${unique('stranger')}@example.net`,
        to: address,
        subject: 'Private',
        text: 'hi',
      }),
      await rawMessage({
        from: ada,
        to: address,
        subject: 'Old news',
        text: 'long ago',
        date: new Date('2001-01-01T00:00:00Z'),
      }),
    ]);
    await seedMessages(stack, address, 'Sent', [
      await rawMessage({
        from: address,
        to: ada,
        subject: 'Re: Engine plans',
        html: '<p>Thanks <b>Ada</b>!</p>',
        messageId: `<${unique('reply')}@example.com>`,
      }),
    ]);
    const run = await runSync(alice);
    assert.equal(run.status, 'succeeded', JSON.stringify(run));
    assert.deepEqual(run.counts.mail, { imported: 2, linked: 0, skipped: 2, failed: 0 });

    const emails = await emailsWhere(alice, { contactId: adaId });
    const incoming = emails.find((e) => e.subject === 'Engine plans');
    const outgoing = emails.find((e) => e.subject === 'Re: Engine plans');
    assert.equal(emails.length, 2);
    assert.equal(incoming?.direction, 'incoming');
    assert.equal(incoming?.bodyText, 'Here are the plans.');
    const [file] = (incoming?.attachments ?? []) as Array<{
      filename: string;
      contentType: string;
      size: number;
    }>;
    assert.deepEqual(
      { ...file, size: undefined },
      { filename: 'plans.bin', contentType: 'application/octet-stream', size: undefined },
    );
    // Estimated from the encoded size (the bytes are never fetched): within 1 %.
    assert.ok(
      Math.abs((file?.size ?? 0) - attachment.length) < attachment.length / 100,
      `size ${file?.size}`,
    );
    assert.deepEqual(incoming?.mailboxIds, [mailbox.id]);
    assert.ok(!String(incoming?.messageId).includes('<'));
    assert.equal(outgoing?.direction, 'outgoing');
    assert.match(String(outgoing?.bodyText), /Thanks Ada/i);
    // Dovecot's own counters: the sessions of this mailbox fetched far less than the attachment.
    const fetched = stack.dovecot.sessions(address).reduce((sum, s) => sum + s.fetchBodyBytes, 0);
    assert.ok(fetched < 10_000, `fetched ${fetched} body bytes`);

    // Nothing new: nothing imported again.
    const again = await runSync(alice);
    assert.deepEqual(again.counts.mail, { imported: 0, linked: 0, skipped: 0, failed: 0 });
    const one = await api(alice, 'GET', `/emails/${incoming?.id}`);
    assert.equal(one.status, 200);
    assert.equal(one.json.subject, 'Engine plans');
  });

  it('when UIDVALIDITY changes, then the folder is read again from syncSince and nothing is duplicated', async () => {
    const address = `${unique('alice')}@example.com`;
    const ada = `${unique('ada')}@example.org`;
    const adaId = await contactWith(alice, ada);
    await linkedMailbox(stack, alice, address);
    const first = await rawMessage({
      from: address,
      to: ada,
      subject: 'First',
      text: '1',
      messageId: `<${unique('m')}@x>`,
    });
    await seedMessages(stack, address, 'Sent', [first]);
    assert.equal((await runSync(alice)).counts.mail.imported, 1);
    await recreateFolder(stack, address, 'Sent');
    const second = await rawMessage({
      from: address,
      to: ada,
      subject: 'Second',
      text: '2',
      messageId: `<${unique('m')}@x>`,
    });
    await seedMessages(stack, address, 'Sent', [first, second]);
    const run = await runSync(alice);
    assert.deepEqual(run.counts.mail, { imported: 1, linked: 0, skipped: 0, failed: 0 });
    const subjects = (await emailsWhere(alice, { contactId: adaId })).map((e) => e.subject).sort();
    assert.deepEqual(subjects, ['First', 'Second']);
  });

  it('when a folder of the settings does not exist on the server, then the run names it and the other folders are imported', async () => {
    const address = `${unique('alice')}@example.com`;
    const ada = `${unique('ada')}@example.org`;
    await contactWith(alice, ada);
    const mailbox = await linkedMailbox(stack, alice, address);
    const patched = await api(alice, 'PATCH', `/me/mailboxes/${mailbox.id}`, {
      folders: ['INBOX', 'Nowhere'],
    });
    assert.equal(patched.status, 200, JSON.stringify(patched.json));
    await seedMessages(stack, address, 'INBOX', [
      await rawMessage({ from: ada, to: address, subject: 'Hi', text: 'x', messageId: `<${unique('m')}@x>` }),
    ]);
    const run = await runSync(alice);
    assert.equal(run.counts.mail?.imported, 1, JSON.stringify(run));
    const missing = run.errors.filter((e: { code: string }) => e.code === 'folder_not_found');
    assert.equal(missing.length, 1, JSON.stringify(run.errors));
    assert.match(missing[0].message, /"Nowhere" does not exist/);
    assert.equal(missing[0].recordId, mailbox.id);
  });

  it("when the same message is in two users' mailboxes, then it is one Email that lists both", async () => {
    const aliceAddress = `${unique('alice')}@example.com`;
    const bobAddress = `${unique('bob')}@example.com`;
    const ada = `${unique('ada')}@example.org`;
    const adaId = await contactWith(alice, ada);
    const aliceBox = await linkedMailbox(stack, alice, aliceAddress);
    const bobBox = await linkedMailbox(stack, bob, bobAddress);
    const shared = await rawMessage({
      from: ada,
      to: [aliceAddress, bobAddress],
      subject: 'To you both',
      text: 'Hello',
      messageId: `<${unique('shared')}@example.org>`,
    });
    await seedMessages(stack, aliceAddress, 'INBOX', [shared]);
    await seedMessages(stack, bobAddress, 'INBOX', [shared]);
    assert.deepEqual((await runSync(alice)).counts.mail, { imported: 1, linked: 0, skipped: 0, failed: 0 });
    assert.deepEqual((await runSync(bob)).counts.mail, { imported: 0, linked: 1, skipped: 0, failed: 0 });
    const emails = await emailsWhere(bob, { contactId: adaId });
    assert.equal(emails.length, 1);
    assert.deepEqual(emails[0]?.mailboxIds, [aliceBox.id, bobBox.id]);
    assert.equal((await emailsWhere(bob, { contactId: adaId, mailboxId: bobBox.id })).length, 1);
  });

  it('when the connection drops in the middle of a FETCH, then the run resumes from the saved cursor without duplicates', async () => {
    const address = `${unique('alice')}@example.com`;
    const ada = `${unique('ada')}@example.org`;
    const adaId = await contactWith(alice, ada);
    await linkedMailbox(stack, alice, address);
    const raws = await Promise.all(
      Array.from({ length: 450 }, (_, i) =>
        rawMessage({
          from: ada,
          to: address,
          subject: `Note ${i}`,
          text: `note ${i} `.repeat(20),
          messageId: `<${unique('n')}@x>`,
        }),
      ),
    );
    await seedMessages(stack, address, 'INBOX', raws);
    const tap = await startImapTap({ host: '127.0.0.1', port: stack.dovecot.port });
    try {
      await configureGmail(stack, admin, tap.port);
      tap.dropNextAfter(40_000); // inside the first batch's FETCH
      const run = await runSync(alice);
      assert.equal(run.status, 'succeeded', JSON.stringify(run));
      assert.deepEqual(run.counts.mail, { imported: 450, linked: 0, skipped: 0, failed: 0 });
      assert.ok((tap.commands.get('AUTHENTICATE') ?? 0) >= 2, 'it logged in again after the drop');
    } finally {
      await tap.close();
    }
    const subjects = new Set((await emailsWhere(alice, { contactId: adaId })).map((e) => e.subject));
    assert.equal(subjects.size, 450);
  });

  it('when a user without mailboxes runs mail, then 409 no_mailbox; PATCH folders replaces the list; bad fields are 400', async () => {
    const noMailbox = await call('POST', '/syncNow', { user: alice, body: { kinds: ['mail'] } });
    assert.equal(noMailbox.status, 409, noMailbox.text);
    assert.equal((noMailbox.json as { error: { code: string } }).error.code, 'no_mailbox');
    const mailbox = await linkedMailbox(stack, alice, `${unique('alice')}@example.com`);
    const patched = await api(alice, 'PATCH', `/me/mailboxes/${mailbox.id}`, {
      folders: ['INBOX'],
      syncSince: today(),
    });
    assert.equal(patched.status, 200, JSON.stringify(patched.json));
    assert.deepEqual(patched.json.folders, ['INBOX']);
    const bad = await api(alice, 'PATCH', `/me/mailboxes/${mailbox.id}`, {
      periodMinutes: 7,
      email: 'x@y.z',
    });
    assert.equal(bad.status, 400);
    assert.ok(bad.json.error.details.fields.email, JSON.stringify(bad.json));
    const foreign = await api(bob, 'PATCH', `/me/mailboxes/${mailbox.id}`, { autoSync: true });
    assert.equal(foreign.status, 403);
  });
});
