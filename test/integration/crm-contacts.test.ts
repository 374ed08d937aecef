import assert from 'node:assert/strict';
import { firestore } from '../../functions/src/adapters/firestore/client.js';
import { type ApiReply, api, callApi, type Json } from '../support/api.js';
import { resetFirestore, type TestStack, testStack } from '../support/stack.js';
import { createUser, type TestUser } from '../support/users.js';

/** Contacts, tags and `GET /api/me` through the gateway against the Firestore and Auth emulators. */

let stack: TestStack;

/** Every document of a collection, to prove a refused request wrote nothing. */
async function snapshotOf(...collections: string[]): Promise<string> {
  const parts = await Promise.all(
    collections.map(async (name) => {
      const docs = (await firestore().collection(name).get()).docs;
      return docs.map((doc) => `${doc.ref.path}:${JSON.stringify(doc.data())}`).sort();
    }),
  );
  return JSON.stringify(parts);
}

function assertInvalid(reply: ApiReply, field: string) {
  assert.equal(reply.status, 400, JSON.stringify(reply.json));
  assert.equal(reply.json.error.code, 'invalid_argument');
  assert.ok(
    reply.json.error.details.fields[field],
    `expected field ${field} in ${JSON.stringify(reply.json)}`,
  );
}

describe('CRM contacts and tags API', function () {
  this.timeout(180_000);
  let alice: TestUser;
  let bob: TestUser;
  let admin: TestUser;

  before(async () => {
    stack = await testStack();
    await resetFirestore(stack);
    [alice, bob, admin] = await Promise.all([
      createUser(stack),
      createUser(stack),
      createUser(stack, { admin: true }),
    ]);
  });

  describe('GET /api/me', () => {
    it('when a user calls it for the first time concurrently, then exactly one own contact is created', async () => {
      const carol = await createUser(stack);
      const replies = await Promise.all([1, 2, 3, 4].map(() => api(carol, 'GET', '/me')));
      const ids = new Set(replies.map((reply) => reply.json.contactId));
      assert.equal(ids.size, 1);
      for (const reply of replies) assert.equal(reply.status, 200);
      const [contactId] = [...ids];
      const matching = await firestore()
        .collection('crmContacts')
        .where('emailKeys', 'array-contains', carol.email)
        .get();
      assert.equal(matching.size, 1);
      const me = replies[0]?.json;
      assert.deepEqual(me, { uid: carol.uid, email: carol.email, contactId, admin: false });
      const contact = await api(carol, 'GET', `/contacts/${contactId}`);
      assert.equal(contact.json.emails[0].address, carol.email);
      assert.equal(contact.json.displayName, carol.email);
    });

    it("when a contact with the sign-in email already exists, then it becomes the user's own contact", async () => {
      const dave = await createUser(stack);
      const existing = await api(alice, 'POST', '/contacts', {
        givenName: 'Dave',
        emails: [{ address: dave.email.toUpperCase() }],
      });
      assert.equal(existing.status, 201);
      const me = await api(dave, 'GET', '/me');
      assert.equal(me.json.contactId, existing.json.id);
      const again = await api(dave, 'GET', '/me');
      assert.equal(again.json.contactId, existing.json.id);
    });

    it('when the sign-in email is not verified, then an existing contact with it is not adopted: the user gets a new own contact and the existing one is unchanged', async () => {
      const email = `unverified-${Date.now()}@example.com`;
      const existing = await api(alice, 'POST', '/contacts', {
        givenName: 'Victim',
        emails: [{ address: email }],
      });
      assert.equal(existing.status, 201);
      const mallory = await createUser(stack, { email, emailVerified: false });
      const me = await api(mallory, 'GET', '/me');
      assert.equal(me.status, 200, JSON.stringify(me.json));
      assert.notEqual(me.json.contactId, existing.json.id);
      const after = await api(alice, 'GET', `/contacts/${existing.json.id}`);
      assert.deepEqual(after.json, existing.json, 'the existing contact was not touched');
      const deleted = await api(alice, 'DELETE', `/contacts/${existing.json.id}`);
      assert.equal(deleted.status, 204, "it is nobody's own contact, so it can still be deleted");
    });

    it("when a verified user signs in with an address another user's own contact carries, then that contact stays the other user's", async () => {
      const email = `shared-${Date.now()}@example.com`;
      const first = await createUser(stack, { email: `first-${email}` });
      const firstContact = (await api(first, 'GET', '/me')).json.contactId;
      const patched = await api(first, 'PATCH', `/contacts/${firstContact}`, {
        emails: [{ address: `first-${email}` }, { address: email }],
      });
      assert.equal(patched.status, 200, JSON.stringify(patched.json));
      const second = await createUser(stack, { email });
      const me = await api(second, 'GET', '/me');
      assert.notEqual(me.json.contactId, firstContact);
    });

    it("when someone deletes a user's own contact, then 409 and it stays", async () => {
      const me = await api(alice, 'GET', '/me');
      const reply = await api(bob, 'DELETE', `/contacts/${me.json.contactId}`);
      assert.equal(reply.status, 409);
      assert.equal(reply.json.error.code, 'conflict');
      assert.equal((await api(alice, 'GET', `/contacts/${me.json.contactId}`)).status, 200);
    });

    it("when a PATCH would drop a user's sign-in email from their own contact, then 400 naming emails, whoever sends it", async () => {
      const erin = await createUser(stack);
      const contactId = (await api(erin, 'GET', '/me')).json.contactId;
      // With a name, the contact would stay valid without emails.
      assert.equal((await api(erin, 'PATCH', `/contacts/${contactId}`, { givenName: 'Erin' })).status, 200);
      const before = await api(erin, 'GET', `/contacts/${contactId}`);
      for (const [who, patch] of [
        [erin, { emails: [] }],
        [bob, { emails: [] }],
        [admin, { emails: [{ address: 'someone-else@example.com' }] }],
        [erin, { emails: null }],
      ] as const) {
        const reply = await api(who, 'PATCH', `/contacts/${contactId}`, patch);
        assertInvalid(reply, 'emails');
        assert.match(reply.json.error.message, /sign-in email/);
      }
      assert.deepEqual((await api(erin, 'GET', `/contacts/${contactId}`)).json, before.json);
      // Keeping it (in any case), adding others or changing other fields is fine.
      const kept = await api(bob, 'PATCH', `/contacts/${contactId}`, {
        familyName: 'Example',
        emails: [{ address: 'erin@example.org' }, { address: erin.email.toUpperCase(), primary: true }],
      });
      assert.equal(kept.status, 200, JSON.stringify(kept.json));
      assert.equal(kept.json.emails.length, 2);

      // A contact that became a user's own by its email is held to the same rule.
      const fred = await createUser(stack);
      const existing = await api(alice, 'POST', '/contacts', {
        givenName: 'Fred',
        emails: [{ address: fred.email.toUpperCase() }],
      });
      assert.equal((await api(fred, 'GET', '/me')).json.contactId, existing.json.id);
      assertInvalid(
        await api(alice, 'PATCH', `/contacts/${existing.json.id}`, {
          emails: [{ address: 'x@example.com' }],
        }),
        'emails',
      );
      // Other contacts can still lose their emails.
      const plain = await api(alice, 'POST', '/contacts', {
        givenName: 'P',
        emails: [{ address: 'p@example.com' }],
      });
      assert.equal((await api(alice, 'PATCH', `/contacts/${plain.json.id}`, { emails: [] })).status, 200);
    });

    it('when the admin calls it, then admin is true', async () => {
      assert.equal((await api(admin, 'GET', '/me')).json.admin, true);
    });
  });

  describe('contacts CRUD', () => {
    it('when a contact is created, then 201 with version 1, ETag, derived displayName and server times', async () => {
      const reply = await api(alice, 'POST', '/contacts', {
        givenName: 'Ada',
        familyName: 'Lovelace',
        emails: [{ address: 'ada@example.com', type: 'work', primary: true }],
        phones: [{ number: '+44 20 7946 0000', type: 'mobile' }],
        organization: { name: 'Analytical Engines', title: 'Countess' },
        addresses: [{ type: 'home', city: 'London', country: 'GB' }],
        birthday: '1815-12-10',
        notes: 'First programmer',
        websites: ['https://example.com/ada'],
      });
      assert.equal(reply.status, 201);
      assert.equal(reply.etag, '"1"');
      const contact = reply.json;
      assert.equal(contact.version, 1);
      assert.equal(contact.displayName, 'Ada Lovelace');
      assert.deepEqual(contact.tagIds, []);
      assert.deepEqual(contact.emails, [{ address: 'ada@example.com', type: 'work', primary: true }]);
      assert.deepEqual(contact.phones, [{ number: '+44 20 7946 0000', type: 'mobile' }]);
      assert.match(contact.createdAt, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      assert.equal(contact.createdAt, contact.modifiedAt);
      const read = await api(alice, 'GET', `/contacts/${contact.id}`);
      assert.equal(read.status, 200);
      assert.equal(read.etag, '"1"');
      assert.deepEqual(read.json, contact);
    });

    it('when a contact is patched, then the merge patch applies, null removes, version and modifiedAt advance', async () => {
      const created = (
        await api(alice, 'POST', '/contacts', {
          givenName: 'Grace',
          familyName: 'Hopper',
          notes: 'Navy',
          organization: { name: 'Navy', title: 'Admiral' },
        })
      ).json;
      const patched = await api(alice, 'PATCH', `/contacts/${created.id}`, {
        notes: null,
        familyName: 'Murray Hopper',
        organization: { title: null, department: 'Computing' },
      });
      assert.equal(patched.status, 200, JSON.stringify(patched.json));
      assert.equal(patched.etag, '"2"');
      assert.equal(patched.json.version, 2);
      assert.equal(patched.json.notes, undefined);
      assert.equal(patched.json.displayName, 'Grace Murray Hopper');
      assert.deepEqual(patched.json.organization, { name: 'Navy', department: 'Computing' });
      assert.ok(patched.json.modifiedAt > created.modifiedAt);
      assert.equal(patched.json.createdAt, created.createdAt);
      const same = await api(alice, 'PATCH', `/contacts/${created.id}`, { familyName: 'Murray Hopper' });
      assert.equal(same.json.version, 2, 'a patch that changes nothing keeps the version');
    });

    it('when If-Match names an old version, then PATCH and DELETE answer 412 and change nothing', async () => {
      const created = (await api(alice, 'POST', '/contacts', { givenName: 'Old' })).json;
      await api(alice, 'PATCH', `/contacts/${created.id}`, { givenName: 'New' });
      const before = await snapshotOf('crmContacts', 'crmChanges');
      const stale = await api(
        bob,
        'PATCH',
        `/contacts/${created.id}`,
        { givenName: 'Stale' },
        { 'if-match': '"1"' },
      );
      assert.equal(stale.status, 412);
      assert.equal(stale.json.error.code, 'precondition_failed');
      const staleDelete = await api(bob, 'DELETE', `/contacts/${created.id}`, undefined, {
        'if-match': '"1"',
      });
      assert.equal(staleDelete.status, 412);
      assert.equal(await snapshotOf('crmContacts', 'crmChanges'), before);
      const fresh = await api(
        bob,
        'PATCH',
        `/contacts/${created.id}`,
        { givenName: 'Fresh' },
        { 'if-match': '"2"' },
      );
      assert.equal(fresh.status, 200);
      const deleted = await api(bob, 'DELETE', `/contacts/${created.id}`, undefined, { 'if-match': '"3"' });
      assert.equal(deleted.status, 204);
      assert.equal((await api(bob, 'GET', `/contacts/${created.id}`)).status, 404);
      assert.equal((await api(bob, 'DELETE', `/contacts/${created.id}`)).status, 404);
      assert.equal((await api(bob, 'PATCH', `/contacts/${created.id}`, { givenName: 'x' })).status, 404);
    });

    const invalidCreates: Array<[string, unknown, string]> = [
      ['no name, email, phone or organization', { notes: 'nobody' }, 'displayName'],
      ['a malformed email', { emails: [{ address: 'not-an-email' }] }, 'emails.0.address'],
      ['a malformed phone', { phones: [{ number: 'call me maybe' }] }, 'phones.0.number'],
      [
        'two primary emails',
        {
          emails: [
            { address: 'a@x.com', primary: true },
            { address: 'b@x.com', primary: true },
          ],
        },
        'emails',
      ],
      ['an impossible birthday', { givenName: 'X', birthday: '2023-02-30' }, 'birthday'],
      ['a too long name', { givenName: 'x'.repeat(101) }, 'givenName'],
      [
        'too many emails',
        { emails: Array.from({ length: 21 }, (_, i) => ({ address: `u${i}@x.com` })) },
        'emails',
      ],
      ['an unknown field', { givenName: 'X', nickname: 'x' }, 'nickname'],
      ['an unknown nested field', { organization: { name: 'X', ceo: 'Y' } }, 'organization.ceo'],
      ['a read-only field', { givenName: 'X', version: 3 }, 'version'],
      ['a non-http website', { givenName: 'X', websites: ['ftp://example.com'] }, 'websites.0'],
      ['a wrong type', { givenName: 42 }, 'givenName'],
    ];
    for (const [name, body, field] of invalidCreates) {
      it(`when POST /contacts has ${name}, then 400 naming ${field} and nothing is written`, async () => {
        const before = await snapshotOf('crmContacts', 'crmChanges');
        assertInvalid(await api(alice, 'POST', '/contacts', body), field);
        assert.equal(await snapshotOf('crmContacts', 'crmChanges'), before);
      });
    }

    const invalidPatches: Array<[string, unknown, string]> = [
      ['a read-only id', { id: 'x' }, 'id'],
      ['read-only createdAt', { createdAt: '2020-01-01T00:00:00Z' }, 'createdAt'],
      ['tagIds (use the tags endpoints)', { tagIds: [] }, 'tagIds'],
      ['an unknown field', { shoeSize: 44 }, 'shoeSize'],
      ['a bad email', { emails: [{ address: '@nope' }] }, 'emails.0.address'],
      ['removing the only name', { givenName: null }, 'displayName'],
      ['a non-object body', [1, 2], 'body'],
    ];
    for (const [name, body, field] of invalidPatches) {
      it(`when PATCH /contacts/{id} has ${name}, then 400 naming ${field} and nothing changes`, async () => {
        const created = (await api(alice, 'POST', '/contacts', { givenName: 'Patchy' })).json;
        const before = await snapshotOf('crmContacts', 'crmChanges');
        assertInvalid(await api(alice, 'PATCH', `/contacts/${created.id}`, body), field);
        assert.equal(await snapshotOf('crmContacts', 'crmChanges'), before);
      });
    }

    it('when the body is not JSON, then 415; when there is no token, then 401', async () => {
      const response = await callApi('POST', '/api/contacts', {
        token: alice.idToken,
        headers: { 'content-type': 'text/plain' },
        rawBody: 'hello',
      });
      assert.equal(response.status, 415);
      assert.equal((await api(undefined, 'GET', '/contacts')).status, 401);
    });
  });

  describe('paging', () => {
    it('when contacts are listed page by page, then every contact comes once, ordered by createdAt then id', async () => {
      await resetFirestore(stack);
      for (let i = 0; i < 7; i += 1) await api(alice, 'POST', '/contacts', { givenName: `P${i}` });
      const seen: Json[] = [];
      let token: string | undefined;
      let pages = 0;
      do {
        const reply = await api(
          alice,
          'GET',
          `/contacts?pageSize=3${token ? `&pageToken=${encodeURIComponent(token)}` : ''}`,
        );
        assert.equal(reply.status, 200);
        assert.ok(reply.json.items.length <= 3);
        seen.push(...reply.json.items);
        token = reply.json.nextPageToken;
        pages += 1;
      } while (token);
      assert.equal(pages, 3);
      assert.deepEqual(
        seen.map((c) => c.givenName),
        ['P0', 'P1', 'P2', 'P3', 'P4', 'P5', 'P6'],
      );
      const sorted = [...seen].sort(
        (a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id),
      );
      assert.deepEqual(
        seen.map((c) => c.id),
        sorted.map((c) => c.id),
      );
      const all = await api(alice, 'GET', '/contacts');
      assert.equal(all.json.items.length, 7);
      assert.equal(all.json.nextPageToken, undefined);
    });

    it('when pageSize or pageToken is bad, then 400 naming it', async () => {
      assertInvalid(await api(alice, 'GET', '/contacts?pageSize=0'), 'pageSize');
      assertInvalid(await api(alice, 'GET', '/contacts?pageSize=1001'), 'pageSize');
      assertInvalid(await api(alice, 'GET', '/contacts?pageSize=abc'), 'pageSize');
      assertInvalid(await api(alice, 'GET', '/contacts?pageToken=garbage'), 'pageToken');
      const first = await api(alice, 'GET', '/tags?pageSize=1');
      assert.equal(first.status, 200);
      const page = await api(alice, 'GET', '/contacts?pageSize=1');
      assertInvalid(await api(alice, 'GET', `/tags?pageToken=${page.json.nextPageToken}`), 'pageToken');
      assert.equal((await api(alice, 'GET', '/contacts?pageSize=1000')).status, 200);
    });

    it('when a crafted pageToken has the wrong shape or types, then 400 naming it (never 500 or an empty page)', async () => {
      const craft = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
      const page = await api(alice, 'GET', '/contacts?pageSize=1');
      assert.ok(page.json.nextPageToken);
      const { k, i } = JSON.parse(Buffer.from(page.json.nextPageToken, 'base64url').toString('utf8'));
      const next = await api(
        alice,
        'GET',
        `/contacts?pageSize=1&pageToken=${craft({ s: 'contacts', k, i })}`,
      );
      assert.equal(next.status, 200, 'a token written the same way still works');
      for (const token of [
        { s: 'contacts', k: [[1e20, 5]], i: 'x' },
        { s: 'contacts', k: [[1, 1e12]], i: 'x' },
        { s: 'contacts', k: [...k, ...k], i },
        { s: 'contacts', k: [], i },
        { s: 'contacts', k: [{ seconds: 1, nanos: 0 }], i },
        { s: 'contacts', k, i: 'a/b' },
        { s: 'contacts', k, i: '__x__' },
        { s: 'contacts', k, i, extra: true },
      ]) {
        assertInvalid(await api(alice, 'GET', `/contacts?pageToken=${craft(token)}`), 'pageToken');
      }
      // A range query sorts by three timestamps: its scope with one key is refused too.
      const range = 'from=2025-01-01&to=2025-02-01';
      const scope = `activities:${Date.UTC(2025, 0, 1)}-${Date.UTC(2025, 1, 1)}`;
      const activities = await api(
        alice,
        'GET',
        `/activities?${range}&pageToken=${craft({ s: scope, k, i })}`,
      );
      assertInvalid(activities, 'pageToken');
    });
  });

  describe('tags', () => {
    it('when users create tags, then personal ones are their own and shared ones need an admin', async () => {
      const personal = await api(alice, 'POST', '/tags', { name: 'My clients', type: 'personal' });
      assert.equal(personal.status, 201);
      assert.equal(personal.etag, '"1"');
      assert.deepEqual(personal.json, {
        id: personal.json.id,
        name: 'My clients',
        type: 'personal',
        ownerUid: alice.uid,
      });
      const refused = await api(alice, 'POST', '/tags', { name: 'VIP', type: 'corporate' });
      assert.equal(refused.status, 403);
      assert.equal(refused.json.error.code, 'permission_denied');
      assert.equal((await api(alice, 'POST', '/tags', { name: 'Press', type: 'public' })).status, 403);
      const corporate = await api(admin, 'POST', '/tags', { name: 'VIP', type: 'corporate' });
      assert.equal(corporate.status, 201);
      assert.deepEqual(corporate.json, { id: corporate.json.id, name: 'VIP', type: 'corporate' });
      assertInvalid(await api(alice, 'POST', '/tags', { name: '', type: 'personal' }), 'name');
      assertInvalid(await api(alice, 'POST', '/tags', { name: 'x', type: 'secret' }), 'type');
      assertInvalid(
        await api(alice, 'POST', '/tags', { name: 'x', type: 'personal', ownerUid: bob.uid }),
        'ownerUid',
      );
      assertInvalid(await api(alice, 'POST', '/tags', { name: 'x'.repeat(101), type: 'personal' }), 'name');
    });

    it('when a contact is tagged, then each user sees only shared tags and their own personal tags', async () => {
      const mine = (await api(alice, 'POST', '/tags', { name: 'Alice only', type: 'personal' })).json;
      const bobs = (await api(bob, 'POST', '/tags', { name: 'Bob only', type: 'personal' })).json;
      const shared = (await api(admin, 'POST', '/tags', { name: 'Partners', type: 'public' })).json;
      const contact = (
        await api(alice, 'POST', '/contacts', { givenName: 'Shared', tagIds: [mine.id, shared.id] })
      ).json;
      assert.equal(contact.version, 1);
      assert.deepEqual(contact.tagIds, [mine.id, shared.id]);
      const tagged = await api(bob, 'POST', `/contacts/${contact.id}/tags`, { tagId: bobs.id });
      assert.equal(tagged.status, 201);
      assert.equal(tagged.etag, '"2"');
      assert.deepEqual(tagged.json.tagIds, [shared.id, bobs.id], "Bob does not see Alice's personal tag");
      const again = await api(bob, 'POST', `/contacts/${contact.id}/tags`, { tagId: bobs.id });
      assert.equal(again.status, 200, 'tagging twice changes nothing');
      assert.equal(again.json.version, 2);
      assert.deepEqual((await api(alice, 'GET', `/contacts/${contact.id}`)).json.tagIds, [
        mine.id,
        shared.id,
      ]);
      const aliceTags = (await api(alice, 'GET', '/tags')).json.items.map((t: Json) => t.id);
      assert.ok(aliceTags.includes(mine.id) && aliceTags.includes(shared.id) && !aliceTags.includes(bobs.id));
      // Another user's personal tag is "not found", exactly like a missing one.
      for (const reply of [
        await api(alice, 'POST', `/contacts/${contact.id}/tags`, { tagId: bobs.id }),
        await api(alice, 'DELETE', `/contacts/${contact.id}/tags/${bobs.id}`),
        await api(alice, 'GET', `/tags/${bobs.id}`),
        await api(alice, 'DELETE', `/tags/${bobs.id}`),
        await api(alice, 'GET', `/contacts?tagId=${bobs.id}`),
        await api(alice, 'POST', '/contacts', { givenName: 'x', tagIds: [bobs.id] }),
        await api(alice, 'POST', `/contacts/${contact.id}/tags`, { tagId: 'noSuchTag' }),
      ]) {
        assert.equal(reply.status, 404, JSON.stringify(reply.json));
        assert.equal(reply.json.error.code, 'not_found');
        assert.ok(!JSON.stringify(reply.json).includes('Bob only'));
      }
      const byTag = await api(alice, 'GET', `/contacts?tagId=${mine.id}`);
      assert.deepEqual(
        byTag.json.items.map((c: Json) => c.id),
        [contact.id],
      );
      const untag = await api(bob, 'DELETE', `/contacts/${contact.id}/tags/${bobs.id}`);
      assert.equal(untag.status, 204);
      assert.equal((await api(bob, 'DELETE', `/contacts/${contact.id}/tags/${bobs.id}`)).status, 404);
      assert.deepEqual((await api(bob, 'GET', `/contacts/${contact.id}`)).json.tagIds, [shared.id]);
      assertInvalid(await api(bob, 'POST', `/contacts/${contact.id}/tags`, {}), 'tagId');
      assertInvalid(
        await api(bob, 'POST', `/contacts/${contact.id}/tags`, { tagId: shared.id, extra: 1 }),
        'extra',
      );
      assert.equal(
        (await api(bob, 'POST', '/contacts/noSuchContact/tags', { tagId: shared.id })).status,
        404,
      );
    });

    it('when a tag is deleted, then it leaves every contact and contact sync that used it is turned off', async () => {
      const tag = (await api(alice, 'POST', '/tags', { name: 'Sync me', type: 'personal' })).json;
      const other = (await api(alice, 'POST', '/tags', { name: 'Keep', type: 'personal' })).json;
      const contacts = [];
      for (let i = 0; i < 3; i += 1) {
        contacts.push(
          (await api(alice, 'POST', '/contacts', { givenName: `T${i}`, tagIds: [tag.id, other.id] })).json,
        );
      }
      await firestore()
        .doc(`users/${alice.uid}`)
        .set({
          syncSettings: {
            contacts: { autoSync: true, periodMinutes: 60, tagId: tag.id },
            activities: { autoSync: true },
          },
        });
      await firestore()
        .doc(`users/${bob.uid}`)
        .set({
          syncSettings: { contacts: { autoSync: true, periodMinutes: 60, tagId: 'someOtherTag' } },
        });
      assert.equal((await api(bob, 'DELETE', `/tags/${tag.id}`)).status, 404, 'only the owner sees it');
      assert.equal(
        (await api(alice, 'DELETE', `/tags/${tag.id}`, undefined, { 'if-match': '"7"' })).status,
        412,
      );
      assert.equal(
        (await api(alice, 'DELETE', `/tags/${tag.id}`, undefined, { 'if-match': '"1"' })).status,
        204,
      );
      for (const contact of contacts) {
        const read = (await api(alice, 'GET', `/contacts/${contact.id}`)).json;
        assert.deepEqual(read.tagIds, [other.id]);
        assert.equal(read.version, 2);
      }
      assert.equal((await api(alice, 'GET', `/tags/${tag.id}`)).status, 404);
      const settings = (await firestore().doc(`users/${alice.uid}`).get()).data();
      assert.deepEqual(settings?.syncSettings.contacts, { autoSync: false, periodMinutes: 60, tagId: null });
      assert.equal(settings?.syncSettings.activities.autoSync, true);
      const bobs = (await firestore().doc(`users/${bob.uid}`).get()).data();
      assert.equal(bobs?.syncSettings.contacts.autoSync, true);
    });

    it('when a shared tag is deleted, then only an administrator may', async () => {
      const shared = (await api(admin, 'POST', '/tags', { name: 'Temp', type: 'corporate' })).json;
      assert.equal((await api(alice, 'DELETE', `/tags/${shared.id}`)).status, 403);
      assert.equal((await api(admin, 'DELETE', `/tags/${shared.id}`)).status, 204);
      assert.equal((await api(admin, 'DELETE', `/tags/${shared.id}`)).status, 404);
    });
  });
});
