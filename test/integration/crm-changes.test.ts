import assert from 'node:assert/strict';
import { DocumentReference, Query, Transaction } from '@google-cloud/firestore';
import { firestore } from '../../functions/src/adapters/firestore/client.js';
import { recordContactChange } from '../../functions/src/adapters/firestore/crm/changeLog.js';
import { FirestoreCrmStore } from '../../functions/src/adapters/firestore/crm/store.js';
import type { ChangeBatch } from '../../functions/src/domain/crm/changes.js';
import type { Actor } from '../../functions/src/domain/crm/common.js';
import { api } from '../support/api.js';
import { resetFirestore, type TestStack, testStack } from '../support/stack.js';
import { createUser, type TestUser } from '../support/users.js';

/** The CRM change feed the sync reads (per user, incremental, safe for out-of-order commits). */

let stack: TestStack;

const summary = (batch: ChangeBatch) =>
  batch.changes.map(
    (c) => `${c.recordId}:${c.op}:v${c.version}:${c.wasInScope ? 'in' : 'out'}->${c.inScope ? 'in' : 'out'}`,
  );

describe('CRM change feed', function () {
  this.timeout(180_000);
  let store: FirestoreCrmStore;
  let alice: TestUser;
  let bob: TestUser;
  let aliceTag: string;
  let bobTag: string;

  before(async () => {
    stack = await testStack();
    await resetFirestore(stack);
    store = new FirestoreCrmStore(firestore());
    [alice, bob] = await Promise.all([createUser(stack), createUser(stack)]);
    aliceTag = (await api(alice, 'POST', '/tags', { name: 'Alice sync', type: 'personal' })).json.id;
    bobTag = (await api(bob, 'POST', '/tags', { name: 'Bob sync', type: 'personal' })).json.id;
  });

  it('when a tagged contact is created, updated, untagged, retagged and deleted, then the owner reads each in order', async () => {
    const start = await store.changeCursorNow();
    const untracked = (await api(alice, 'POST', '/contacts', { givenName: 'Untracked' })).json;
    await api(alice, 'PATCH', `/contacts/${untracked.id}`, { familyName: 'Still untracked' });
    const c = (await api(alice, 'POST', '/contacts', { givenName: 'Tracked', tagIds: [aliceTag] })).json;
    await api(bob, 'PATCH', `/contacts/${c.id}`, { familyName: 'Edited by Bob' });
    await api(alice, 'DELETE', `/contacts/${c.id}/tags/${aliceTag}`);
    await api(alice, 'PATCH', `/contacts/${c.id}`, { familyName: 'Out of scope edit' });
    await api(alice, 'POST', `/contacts/${c.id}/tags`, { tagId: aliceTag });
    await api(alice, 'DELETE', `/contacts/${c.id}`);
    const batch = await store.readContactChanges({
      uid: alice.uid,
      tagId: aliceTag,
      cursor: start,
      limit: 100,
    });
    assert.deepEqual(summary(batch), [
      `${c.id}:created:v1:out->in`,
      `${c.id}:updated:v2:in->in`,
      `${c.id}:untagged:v3:in->out`,
      `${c.id}:tagged:v5:out->in`,
      `${c.id}:deleted:v5:in->out`,
    ]);
    assert.equal(batch.hasMore, false);
    const times = batch.changes.map((change) => change.changedAt);
    assert.deepEqual([...times].sort(), times);
    const none = await store.readContactChanges({
      uid: alice.uid,
      tagId: aliceTag,
      cursor: batch.nextCursor,
      limit: 100,
    });
    assert.deepEqual(none.changes, []);
    const bobs = await store.readContactChanges({ uid: bob.uid, tagId: bobTag, cursor: start, limit: 100 });
    assert.deepEqual(bobs.changes, [], "Bob's feed holds only contacts with Bob's tag");
  });

  it('when nothing changed, then reading the feed costs one query that returns nothing', async () => {
    const cursor = await store.changeCursorNow();
    const originalQueryGet = Query.prototype.get;
    const originalDocGet = DocumentReference.prototype.get;
    const originalTxGet = Transaction.prototype.get;
    let queries = 0;
    let documents = 0;
    let other = 0;
    Query.prototype.get = async function (this: Query) {
      queries += 1;
      const snapshot = await originalQueryGet.call(this);
      documents += snapshot.size;
      return snapshot;
    } as typeof Query.prototype.get;
    DocumentReference.prototype.get = function (this: DocumentReference) {
      other += 1;
      return originalDocGet.call(this);
    } as typeof DocumentReference.prototype.get;
    Transaction.prototype.get = function (this: Transaction, ...args: Parameters<Transaction['get']>) {
      other += 1;
      return (originalTxGet as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof Transaction.prototype.get;
    let batch: ChangeBatch;
    try {
      batch = await store.readContactChanges({ uid: alice.uid, tagId: aliceTag, cursor, limit: 500 });
      await store.readActivityChanges({ uid: alice.uid, cursor, limit: 500 });
    } finally {
      Query.prototype.get = originalQueryGet;
      DocumentReference.prototype.get = originalDocGet;
      Transaction.prototype.get = originalTxGet;
    }
    assert.equal(queries, 2, 'one query per feed');
    assert.equal(documents, 0);
    assert.equal(other, 0);
    assert.deepEqual(batch.changes, []);
    assert.notEqual(batch.nextCursor, '');
  });

  it('when two transactions overlap and the later one commits first, then neither change is skipped', async () => {
    const contact = (await api(alice, 'POST', '/contacts', { givenName: 'Slow', tagIds: [aliceTag] })).json;
    const other = (await api(alice, 'POST', '/contacts', { givenName: 'Fast' })).json;
    const cursor0 = await store.changeCursorNow();
    const db = firestore();
    const actor: Actor = { uid: alice.uid, admin: false, by: 'user' };
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let began!: () => void;
    const started = new Promise<void>((resolve) => {
      began = resolve;
    });
    // T1 starts first and reads, then waits: its commit (and commit timestamp) comes last.
    const slow = db.runTransaction(
      async (tx) => {
        const snapshot = await tx.get(db.collection('crmContacts').doc(contact.id));
        began();
        await gate;
        const version = (snapshot.get('version') as number) + 1;
        tx.update(snapshot.ref, { familyName: 'Committed last', version });
        recordContactChange(db, tx, actor, {
          recordId: contact.id,
          op: 'updated',
          version,
          tagsBefore: [aliceTag],
          tagsAfter: [aliceTag],
        });
      },
      { maxAttempts: 1 },
    );
    await started;
    // T2 starts later and commits first.
    await store.tagContact(other.id, aliceTag, { actor });
    const first = await store.readContactChanges({
      uid: alice.uid,
      tagId: aliceTag,
      cursor: cursor0,
      limit: 100,
    });
    assert.deepEqual(summary(first), [`${other.id}:tagged:v2:out->in`]);
    release();
    await slow;
    const second = await store.readContactChanges({
      uid: alice.uid,
      tagId: aliceTag,
      cursor: first.nextCursor,
      limit: 100,
    });
    assert.deepEqual(summary(second), [`${contact.id}:updated:v2:in->in`]);
    // The slow transaction's entry is stamped with its commit time, after the first read's cursor.
    assert.ok((second.changes[0]?.changedAt ?? '') >= (first.changes[0]?.changedAt ?? 'z'));
  });

  it("when the sync writes for a user, then that user's feed skips it and other users still see it", async () => {
    const contact = (await api(alice, 'POST', '/contacts', { givenName: 'Both', tagIds: [aliceTag] })).json;
    await api(bob, 'POST', `/contacts/${contact.id}/tags`, { tagId: bobTag });
    const cursor = await store.changeCursorNow();
    const aliceSync: Actor = { uid: alice.uid, admin: false, by: 'sync' };
    const written = await store.updateContact(
      contact.id,
      { notes: 'from Google' },
      { actor: aliceSync, ifMatch: 2 },
    );
    assert.equal(written.changed, true);
    assert.deepEqual(written.record.tagIds, [aliceTag], "the sync sees its user's tags only");
    const created = await store.createContact(
      { givenName: 'Imported', emails: [], phones: [], addresses: [], websites: [], tagIds: [aliceTag] },
      { actor: aliceSync },
    );
    await api(alice, 'PATCH', `/contacts/${contact.id}`, { notes: 'edited by Alice' });
    const alices = await store.readContactChanges({ uid: alice.uid, tagId: aliceTag, cursor, limit: 100 });
    assert.deepEqual(summary(alices), [`${contact.id}:updated:v4:in->in`]);
    const bobs = await store.readContactChanges({ uid: bob.uid, tagId: bobTag, cursor, limit: 100 });
    assert.deepEqual(summary(bobs), [`${contact.id}:updated:v3:in->in`, `${contact.id}:updated:v4:in->in`]);
    assert.ok(!summary(bobs).some((line) => line.startsWith(created.id)));
  });

  it('when more changes wait than the limit, then batches continue exactly where the last one stopped', async () => {
    const cursor = await store.changeCursorNow();
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      ids.push(
        (await api(alice, 'POST', '/contacts', { givenName: `Batch${i}`, tagIds: [aliceTag] })).json.id,
      );
    }
    const seen: string[] = [];
    let next = cursor;
    let batches = 0;
    for (;;) {
      const batch = await store.readContactChanges({
        uid: alice.uid,
        tagId: aliceTag,
        cursor: next,
        limit: 2,
      });
      seen.push(...batch.changes.map((c) => c.recordId));
      next = batch.nextCursor;
      batches += 1;
      if (!batch.hasMore) break;
    }
    assert.deepEqual(seen, ids);
    assert.equal(batches, 3);
    await assert.rejects(
      store.readContactChanges({ uid: alice.uid, tagId: aliceTag, cursor: 'bogus', limit: 2 }),
      /cursor/,
    );
  });

  it("when a personal tag is deleted, then its owner's feed shows each contact leaving the scope", async () => {
    const tag = (await api(alice, 'POST', '/tags', { name: 'Short-lived', type: 'personal' })).json.id;
    const a = (await api(alice, 'POST', '/contacts', { givenName: 'A', tagIds: [tag] })).json.id;
    const b = (await api(alice, 'POST', '/contacts', { givenName: 'B', tagIds: [tag] })).json.id;
    const cursor = await store.changeCursorNow();
    assert.equal((await api(alice, 'DELETE', `/tags/${tag}`)).status, 204);
    const batch = await store.readContactChanges({ uid: alice.uid, tagId: tag, cursor, limit: 100 });
    assert.deepEqual(summary(batch).sort(), [`${a}:untagged:v2:in->out`, `${b}:untagged:v2:in->out`].sort());
  });

  it('when activities change, then the calendar feed has those shown in the calendar before or after', async () => {
    const cursor = await store.changeCursorNow();
    const times = { start: '2025-09-01T10:00:00Z', end: '2025-09-01T11:00:00Z' };
    const hidden = (await api(alice, 'POST', '/activities', { title: 'Hidden', ...times })).json.id;
    await api(alice, 'PATCH', `/activities/${hidden}`, { title: 'Still hidden' });
    const shown = (
      await api(alice, 'POST', '/activities', { title: 'Shown', showInCalendar: true, ...times })
    ).json.id;
    await api(alice, 'PATCH', `/activities/${shown}`, { showInCalendar: false });
    await api(alice, 'PATCH', `/activities/${hidden}`, { showInCalendar: true });
    await api(alice, 'DELETE', `/activities/${hidden}`);
    await store.updateActivity(
      shown,
      { showInCalendar: true },
      { actor: { uid: bob.uid, admin: false, by: 'sync' } },
    );
    const alices = await store.readActivityChanges({ uid: alice.uid, cursor, limit: 100 });
    assert.deepEqual(summary(alices), [
      `${shown}:created:v1:out->in`,
      `${shown}:updated:v2:in->out`,
      `${hidden}:updated:v3:out->in`,
      `${hidden}:deleted:v3:in->out`,
      `${shown}:updated:v3:out->in`,
    ]);
    const bobs = await store.readActivityChanges({ uid: bob.uid, cursor, limit: 100 });
    assert.equal(bobs.changes.length, 4, "Bob's own sync write is skipped in his feed");
  });
});
