import assert from 'node:assert/strict';
import { wirePubSubPush } from '../../scripts/local/wiring.js';
import { api } from '../support/api.js';
import { type TestStack, testStack } from '../support/stack.js';
import { createUser, type TestUser } from '../support/users.js';
import { contactWith, emailsWhere, linkedMailbox, resetMailWorld, runSync } from './mail-support.js';

/**
 * The README's mail walkthrough ("Mail: link a mailbox, import a contact's mail, send a reply"),
 * step by step against the test stack: two CRM users link their mailboxes, Ada writes to Alice,
 * Alice imports her mail and answers in the thread with an Idempotency-Key.
 */

describe("mail walkthrough (README): link a mailbox, import a contact's mail, reply", function () {
  this.timeout(180_000);
  let stack: TestStack;
  let alice: TestUser;
  let ada: TestUser;

  before(async () => {
    stack = await testStack();
    const admin = await createUser(stack, { admin: true });
    alice = await createUser(stack);
    ada = await createUser(stack);
    await wirePubSubPush(stack.projectId, stack.baseUrl);
    await resetMailWorld(stack, admin);
  });

  it('when Ada writes to Alice and Alice imports and replies, then one thread of two Emails links the contact', async () => {
    const aliceAddress = `walk-alice-${Date.now()}@example.com`;
    const adaAddress = `walk-ada-${Date.now()}@example.org`;
    const adaContact = await contactWith(alice, adaAddress);
    const aliceBox = await linkedMailbox(stack, alice, aliceAddress);
    const adaBox = await linkedMailbox(stack, ada, adaAddress);
    const question = await api(ada, 'POST', '/emails', {
      mailboxId: adaBox.id,
      to: [aliceAddress],
      subject: 'Engine review',
      text: 'Can we move it to Thursday?',
    });
    assert.equal(question.status, 201, JSON.stringify(question.json));

    const run = await runSync(alice, ['mail']);
    assert.equal(run.status, 'succeeded', JSON.stringify(run));
    // Ada's sending recorded the Email already; Alice's import adds her mailbox to it.
    assert.deepEqual(run.counts.mail, { imported: 0, linked: 1, skipped: 0, failed: 0 });
    const [received] = await emailsWhere(alice, { contactId: adaContact });
    assert.deepEqual(received?.mailboxIds, [adaBox.id, aliceBox.id]);

    const reply = {
      mailboxId: aliceBox.id,
      to: [adaAddress],
      subject: 'Re: Engine review',
      text: 'Thursday is fine.',
      inReplyTo: received?.id,
    };
    const sent = await api(alice, 'POST', '/emails', reply, { 'idempotency-key': 'reply-1' });
    assert.equal(sent.status, 201, JSON.stringify(sent.json));
    const again = await api(alice, 'POST', '/emails', reply, { 'idempotency-key': 'reply-1' });
    assert.deepEqual(again.json, sent.json);
    const thread = await emailsWhere(alice, { contactId: adaContact, threadId: String(received?.threadId) });
    assert.deepEqual(
      thread.map((e) => e.subject),
      ['Engine review', 'Re: Engine review'],
    );
    assert.equal(stack.smtp.delivered.filter((d) => d.to.includes(adaAddress)).length, 1);
  });
});
