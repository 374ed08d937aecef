import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  bareMessageId,
  decideImport,
  directionOf,
  emailContentOf,
  emailIdOf,
  type FetchedMessage,
  folderStart,
  messageKeyOf,
  skipReason,
  threadIdOf,
  truncateUtf8,
  uidBatches,
} from '../../functions/src/core/mail/plan.js';
import { MAX_BODY_BYTES } from '../../functions/src/domain/mail/email.js';

/** docs/behaviour.md#mail-import: the pure rules of the mail import, one named case per branch. */

function message(overrides: Partial<FetchedMessage> = {}): FetchedMessage {
  return {
    uid: 1,
    messageId: '<m1@example.org>',
    date: new Date('2030-01-02T10:00:00Z'),
    internalDate: new Date('2030-01-02T10:00:05Z'),
    from: { address: 'ada@example.org', name: 'Ada' },
    to: [{ address: 'alice@example.com' }],
    cc: [],
    subject: 'Plans',
    references: [],
    text: 'Hello',
    textCut: false,
    attachments: [],
    ...overrides,
  };
}

const since = new Date('2030-01-01T00:00:00Z');
const contacts = new Set(['ada@example.org']);

describe('mail planner (core/mail/plan.ts)', () => {
  it('when another party is a CRM contact, then the message is business mail', () => {
    assert.equal(skipReason(message(), 'alice@example.com', since, contacts), undefined);
  });

  it('when no other party is a CRM contact, then it is private and skipped', () => {
    assert.equal(
      skipReason(message({ from: { address: 'x@y.net' } }), 'alice@example.com', since, contacts),
      'private',
    );
  });

  it('when the only contact among the parties is the mailbox itself, then it is private', () => {
    const own = message({ from: { address: 'Alice@Example.com' }, to: [{ address: 'bob@else.net' }] });
    assert.equal(skipReason(own, 'alice@example.com', since, new Set(['alice@example.com'])), 'private');
  });

  it('when the Date is before syncSince, then it is skipped; without a Date, INTERNALDATE counts', () => {
    const old = message({ date: new Date('2029-12-31T23:59:59Z') });
    assert.equal(skipReason(old, 'alice@example.com', since, contacts), 'before_sync_since');
    const undated = message({ date: undefined, internalDate: new Date('2029-06-01T00:00:00Z') });
    assert.equal(skipReason(undated, 'alice@example.com', since, contacts), 'before_sync_since');
  });

  it('when a message has a Message-ID, then it is its key without brackets; else a hash of Date, From, Subject, body', () => {
    assert.equal(messageKeyOf(message()), 'm1@example.org');
    const a = messageKeyOf(message({ messageId: undefined }));
    assert.match(a, /^hash:[0-9a-f]{64}$/);
    assert.equal(a, messageKeyOf(message({ messageId: undefined, uid: 9 })), 'the UID does not matter');
    assert.notEqual(a, messageKeyOf(message({ messageId: undefined, text: 'Other' })));
    assert.equal(bareMessageId(' <<x@y>> '), 'x@y');
  });

  it('when Gmail gives X-GM-THRID, then it is the thread; else the References root, else In-Reply-To, else itself', () => {
    assert.equal(threadIdOf(message({ gmailThreadId: '123' }), 'k'), 'gm:123');
    assert.equal(
      threadIdOf(message({ references: ['<root@x>', '<mid@x>'], inReplyTo: '<mid@x>' }), 'k'),
      'root@x',
    );
    assert.equal(threadIdOf(message({ inReplyTo: '<parent@x>' }), 'k'), 'parent@x');
    assert.equal(threadIdOf(message(), 'k'), 'k');
  });

  it('when the text is over 64 KiB of UTF-8, then it is cut at a character boundary and marked truncated', () => {
    const long = 'é'.repeat(MAX_BODY_BYTES); // two bytes each
    const cut = truncateUtf8(long);
    assert.equal(cut.truncated, true);
    assert.ok(Buffer.byteLength(cut.text, 'utf8') <= MAX_BODY_BYTES);
    assert.ok(!cut.text.includes('\uFFFD'));
    assert.deepEqual(truncateUtf8('short'), { text: 'short', truncated: false });
    assert.equal(emailContentOf(message({ textCut: true })).bodyTruncated, true);
  });

  it('property: truncation never exceeds the limit and keeps a prefix', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 300 }),
        fc.integer({ min: 0, max: 400 }),
        (text, limit) => {
          const cut = truncateUtf8(text, limit);
          const bytes = Buffer.byteLength(text, 'utf8');
          assert.ok(Buffer.byteLength(cut.text, 'utf8') <= (cut.truncated ? limit : bytes));
          assert.ok(text.startsWith(cut.text));
          assert.equal(cut.truncated, bytes > limit);
        },
      ),
    );
  });

  it('when From is one of the mailboxes, then outgoing; else incoming', () => {
    assert.equal(directionOf({ address: 'Alice@example.com' }, ['alice@example.com']), 'outgoing');
    assert.equal(directionOf({ address: 'ada@example.org' }, ['alice@example.com']), 'incoming');
  });

  it('when the Email is new, then create; seen in another mailbox, link (direction recomputed); seen here, unchanged', () => {
    const from = { address: 'bob@example.com' };
    assert.deepEqual(decideImport({ from }, { id: 'a', address: 'alice@example.com' }, undefined), {
      action: 'create',
      mailboxIds: ['a'],
      mailboxAddresses: ['alice@example.com'],
      direction: 'incoming',
    });
    assert.deepEqual(
      decideImport(
        { from },
        { id: 'b', address: 'bob@example.com' },
        { mailboxIds: ['a'], mailboxAddresses: ['alice@example.com'] },
      ),
      {
        action: 'link',
        mailboxIds: ['a', 'b'],
        mailboxAddresses: ['alice@example.com', 'bob@example.com'],
        direction: 'outgoing',
      },
    );
    assert.deepEqual(
      decideImport(
        { from },
        { id: 'a', address: 'alice@example.com' },
        { mailboxIds: ['a'], mailboxAddresses: ['alice@example.com'] },
      ),
      { action: 'unchanged' },
    );
  });

  it('when UIDVALIDITY is unchanged, then the folder continues after the last UID; changed or unknown, from syncSince', () => {
    assert.deepEqual(folderStart({ uidValidity: '7', lastUid: 41 }, '7'), { from: 'afterUid', uid: 41 });
    assert.deepEqual(folderStart({ uidValidity: '7', lastUid: 41 }, '8'), { from: 'syncSince' });
    assert.deepEqual(folderStart(undefined, '8'), { from: 'syncSince' });
  });

  it('property: UID batches cover every UID once, ascending, none larger than the batch size', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: 10_000 })),
        fc.integer({ min: 1, max: 50 }),
        (uids, size) => {
          const batches = uidBatches(uids, size);
          assert.deepEqual(
            batches.flat(),
            [...uids].sort((a, b) => a - b),
          );
          assert.ok(batches.every((batch) => batch.length > 0 && batch.length <= size));
        },
      ),
    );
  });

  it('property: the Email id depends on the message key only', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), (key) => {
        assert.equal(emailIdOf(key), emailIdOf(key));
        assert.match(emailIdOf(key), /^[A-Za-z0-9_-]{32}$/);
      }),
    );
  });
});
