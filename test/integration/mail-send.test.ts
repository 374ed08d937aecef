import assert from 'node:assert/strict';
import { wirePubSubPush } from '../../scripts/local/wiring.js';
import { api } from '../support/api.js';
import { type TestStack, testStack } from '../support/stack.js';
import { createUser, type TestUser } from '../support/users.js';
import { control } from './linking-support.js';
import {
  contactWith,
  emailsWhere,
  linkedMailbox,
  type MailboxJson,
  resetMailWorld,
  runSync,
} from './mail-support.js';
import { linkGoogleAccount, personalTag, putSyncSettings } from './sync-support.js';

/**
 * docs/behaviour.md#sending-mail and the bad-input rules: sending through the caller's own mailbox over the local SMTP
 * server (XOAUTH2), which delivers into the recipient's Dovecot INBOX.
 */

let serial = 0;
const unique = (name: string) => `${name}${++serial}-${Date.now()}`;

describe('mail: sending with POST /api/emails', function () {
  this.timeout(180_000);
  let stack: TestStack;
  let admin: TestUser;
  let alice: TestUser;
  let bob: TestUser;
  let aliceAddress: string;
  let ada: string;
  let adaId: string;
  let mailbox: MailboxJson;

  before(async () => {
    stack = await testStack();
    admin = await createUser(stack, { admin: true });
    alice = await createUser(stack);
    bob = await createUser(stack);
    await wirePubSubPush(stack.projectId, stack.baseUrl);
  });

  beforeEach(async () => {
    stack.smtp.clearRefusals();
    await resetMailWorld(stack, admin);
    aliceAddress = `${unique('alice')}@example.com`;
    ada = `${unique('ada')}@example.org`;
    adaId = await contactWith(alice, ada);
    mailbox = await linkedMailbox(stack, alice, aliceAddress);
  });

  const deliveredTo = (address: string) => stack.smtp.delivered.filter((d) => d.to.includes(address));

  it('when a user sends with an Idempotency-Key, then it goes out once, the retry answers the same, and the Sent copy is the same Email', async () => {
    const body = { mailboxId: mailbox.id, to: [ada], subject: 'Proposal', text: 'Dear Ada, here it is.' };
    const key = { 'idempotency-key': unique('key') };
    const sent = await api(alice, 'POST', '/emails', body, key);
    assert.equal(sent.status, 201, JSON.stringify(sent.json));
    assert.equal(sent.json.direction, 'outgoing');
    assert.deepEqual(sent.json.contactIds, [adaId]);
    assert.deepEqual(sent.json.mailboxIds, [mailbox.id]);
    assert.equal(deliveredTo(ada).length, 1);
    // The message in Ada's mailbox carries the product's Message-ID.
    assert.ok(deliveredTo(ada)[0]?.raw.toString().includes(`Message-ID: <${sent.json.messageId}>`));

    const retried = await api(alice, 'POST', '/emails', body, key);
    assert.equal(retried.status, 201);
    assert.deepEqual(retried.json, sent.json);
    assert.equal(deliveredTo(ada).length, 1, 'nothing sent again');

    // The copy appended to Sent comes back through the import as the same Email.
    const run = await runSync(alice);
    assert.equal(run.status, 'succeeded', JSON.stringify(run));
    assert.equal(run.counts.mail.imported, 0, JSON.stringify(run.counts));
    const emails = await emailsWhere(alice, { contactId: adaId });
    assert.deepEqual(
      emails.map((e) => e.id),
      [sent.json.id],
    );

    // A reply in the thread.
    const reply = await api(alice, 'POST', '/emails', {
      ...body,
      subject: 'Re: Proposal',
      inReplyTo: sent.json.id,
    });
    assert.equal(reply.status, 201, JSON.stringify(reply.json));
    assert.equal(reply.json.threadId, sent.json.threadId);
    assert.ok(deliveredTo(ada)[1]?.raw.toString().includes(`In-Reply-To: <${sent.json.messageId}>`));
  });

  it('when the server refuses permanently, then 422 mail_rejected with its reply; transiently, 503; nothing is stored', async () => {
    stack.smtp.refuseRecipient(ada, 550, '5.1.1 No such user here');
    const rejected = await api(alice, 'POST', '/emails', {
      mailboxId: mailbox.id,
      to: [ada],
      subject: 'x',
      text: 'y',
    });
    assert.equal(rejected.status, 422, JSON.stringify(rejected.json));
    assert.equal(rejected.json.error.code, 'mail_rejected');
    assert.match(rejected.json.error.message, /No such user/);
    stack.smtp.refuseRecipient(ada, 451, '4.3.0 Try again later');
    const transient = await api(alice, 'POST', '/emails', {
      mailboxId: mailbox.id,
      to: [ada],
      subject: 'x',
      text: 'y',
    });
    assert.equal(transient.status, 503, JSON.stringify(transient.json));
    assert.equal(transient.json.error.code, 'unavailable');
    assert.deepEqual(await emailsWhere(alice), []);
    assert.equal(deliveredTo(ada).length, 0);
  });

  it('when the input is bad, then a 4xx names the field, and nothing is sent or stored', async () => {
    const good = { mailboxId: mailbox.id, to: [ada], subject: 'Hello', text: 'Hi' };
    const cases: Array<[Record<string, unknown>, number, string]> = [
      [{ ...good, to: ['not an address'] }, 400, 'to.0'],
      [{ ...good, cc: ['ada@example.org\r\nBcc: eve@example.net'] }, 400, 'cc.0'],
      [{ ...good, subject: 'Hi\r\nBcc: eve@example.net' }, 400, 'subject'],
      [{ ...good, text: 'x'.repeat(300 * 1024) }, 400, 'text'],
      [{ ...good, to: [] }, 400, 'to'],
      [{ ...good, mailboxId: 'nosuchmailbox' }, 404, 'mailboxId'],
      [{ ...good, inReplyTo: 'nosuchemail' }, 400, 'inReplyTo'],
      [{ ...good, from: 'eve@example.net' }, 400, 'from'],
    ];
    for (const [body, status, field] of cases) {
      const answer = await api(alice, 'POST', '/emails', body);
      assert.equal(answer.status, status, `${field}: ${JSON.stringify(answer.json)}`);
      assert.ok(
        answer.json.error.details?.fields?.[field],
        `${field} named in ${JSON.stringify(answer.json)}`,
      );
    }
    // Another user's mailbox: 403, naming the field.
    const foreign = await api(bob, 'POST', '/emails', good);
    assert.equal(foreign.status, 403);
    assert.ok(foreign.json.error.details.fields.mailboxId);
    assert.equal(stack.smtp.delivered.filter((d) => d.from === aliceAddress).length, 0);
    assert.deepEqual(await emailsWhere(alice), []);
  });

  it('when the mailbox grant is revoked, then the mailbox needs reauthorization while contact sync still works', async () => {
    await linkGoogleAccount(stack, alice);
    const tag = await personalTag(alice);
    await putSyncSettings(alice, {
      contacts: { autoSync: false, periodMinutes: 60, tagId: tag },
      activities: { autoSync: false, periodMinutes: 60, syncSince: null },
    });
    await control(stack).revokeGrant(aliceAddress);
    const run = await runSync(alice, ['contacts', 'mail']);
    assert.equal(run.status, 'partial', JSON.stringify(run));
    assert.ok(run.counts.contacts, 'contacts ran');
    assert.ok(
      run.errors.some(
        (e: { kind: string; code: string; recordId?: string }) =>
          e.kind === 'mail' && e.code === 'reauth_required' && e.recordId === mailbox.id,
      ),
      JSON.stringify(run.errors),
    );
    const listed = await api(alice, 'GET', '/me/mailboxes');
    assert.equal(listed.json.items[0].status, 'reauthRequired');
    const refused = await api(alice, 'POST', '/emails', {
      mailboxId: mailbox.id,
      to: [ada],
      subject: 'x',
      text: 'y',
    });
    assert.equal(refused.status, 409);
    assert.equal(deliveredTo(ada).length, 0);
  });

  it('when the user removes the mailbox, then its grant is revoked and its emails stay', async () => {
    const sent = await api(alice, 'POST', '/emails', {
      mailboxId: mailbox.id,
      to: [ada],
      subject: 'Keep me',
      text: '.',
    });
    assert.equal(sent.status, 201);
    const removed = await api(alice, 'DELETE', `/me/mailboxes/${mailbox.id}`);
    assert.equal(removed.status, 204);
    assert.deepEqual((await api(alice, 'GET', '/me/mailboxes')).json.items, []);
    const grants = ((await control(stack).dump()) as { grants: Array<{ email: string; revoked: boolean }> })
      .grants;
    assert.ok(
      grants.filter((g) => g.email === aliceAddress).every((g) => g.revoked),
      JSON.stringify(grants),
    );
    assert.equal((await api(alice, 'GET', `/emails/${sent.json.id}`)).status, 200);
  });
});
