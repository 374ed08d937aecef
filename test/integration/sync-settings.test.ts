import assert from 'node:assert/strict';
import { firestore } from '../../functions/src/adapters/firestore/client.js';
import { recordKindCompleted } from '../../functions/src/adapters/firestore/syncSettings.js';
import { api, type Json } from '../support/api.js';
import { resetFirestore, type TestStack } from '../support/stack.js';
import type { TestUser } from '../support/users.js';
import { suiteUsers } from './linking-support.js';
import { personalTag, putSyncSettings } from './sync-support.js';

/** `GET|PUT /api/me/sync-settings` (docs/behaviour.md#sync-settings, docs/api.md). */

const DEFAULTS = {
  contacts: { autoSync: false, periodMinutes: 60, tagId: null },
  activities: { autoSync: false, periodMinutes: 60, syncSince: null },
  lastSync: { contacts: null, activities: null },
};

function assertInvalid(reply: { status: number; json: Json }, field: string): void {
  assert.equal(reply.status, 400, JSON.stringify(reply.json));
  assert.equal(reply.json.error.code, 'invalid_argument');
  assert.ok(reply.json.error.details.fields[field], `expected ${field} in ${JSON.stringify(reply.json)}`);
}

async function storedSettings(uid: string): Promise<unknown> {
  return (await firestore().doc(`users/${uid}`).get()).get('syncSettings');
}

describe('sync settings API', function () {
  this.timeout(120_000);
  let stack: TestStack;
  let admin: TestUser;
  let alice: TestUser;
  let bob: TestUser;

  before(async () => {
    ({ stack, admin, user: alice, other: bob } = await suiteUsers());
  });

  beforeEach(async () => {
    await resetFirestore(stack);
  });

  it('when a user never saved settings, then GET answers the defaults and no last sync', async () => {
    const reply = await api(alice, 'GET', '/me/sync-settings');
    assert.equal(reply.status, 200);
    assert.deepEqual(reply.json, DEFAULTS);
    // Never without a signed-in caller.
    assert.equal((await api(undefined, 'GET', '/me/sync-settings')).status, 401);
  });

  it('when a user saves settings with their personal tag, then GET shows them and they are stored at users/{uid}', async () => {
    const tagId = await personalTag(alice);
    const body = {
      contacts: { autoSync: true, periodMinutes: 15, tagId },
      activities: { autoSync: true, periodMinutes: 1440, syncSince: '2024-02-29' },
    };
    const saved = await putSyncSettings(alice, body);
    assert.deepEqual(saved, { ...body, lastSync: DEFAULTS.lastSync });
    assert.deepEqual((await api(alice, 'GET', '/me/sync-settings')).json, saved);
    assert.deepEqual(await storedSettings(alice.uid), body);
    assert.deepEqual((await api(bob, 'GET', '/me/sync-settings')).json, DEFAULTS, "bob's are his own");
  });

  it('when a PUT leaves fields out, then they take their defaults (a PUT replaces both kinds)', async () => {
    const tagId = await personalTag(alice);
    await putSyncSettings(alice, {
      contacts: { autoSync: true, periodMinutes: 5, tagId },
      activities: { autoSync: true, periodMinutes: 5, syncSince: '2024-01-01' },
    });
    const saved = await putSyncSettings(alice, { contacts: {}, activities: { syncSince: '2025-06-01' } });
    assert.deepEqual(saved.contacts, DEFAULTS.contacts);
    assert.deepEqual(saved.activities, { autoSync: false, periodMinutes: 60, syncSince: '2025-06-01' });
  });

  it('when the body is invalid, then 400 names each bad field and nothing changes', async () => {
    const tagId = await personalTag(alice);
    const good = {
      contacts: { autoSync: true, periodMinutes: 30, tagId },
      activities: { autoSync: false, periodMinutes: 60, syncSince: null },
    };
    await putSyncSettings(alice, good);
    const cases: [string, unknown][] = [
      ['contacts.periodMinutes', { ...good, contacts: { ...good.contacts, periodMinutes: 7 } }],
      ['contacts.periodMinutes', { ...good, contacts: { ...good.contacts, periodMinutes: '60' } }],
      ['contacts.autoSync', { ...good, contacts: { ...good.contacts, autoSync: 'yes' } }],
      ['contacts.tagId', { ...good, contacts: { ...good.contacts, tagId: 'no/such' } }],
      ['contacts.color', { ...good, contacts: { ...good.contacts, color: 'red' } }],
      ['activities', { contacts: good.contacts }],
      ['extra', { ...good, extra: true }],
      ['activities.syncSince', { ...good, activities: { ...good.activities, syncSince: '2024-02-30' } }],
      [
        'activities.syncSince',
        { ...good, activities: { ...good.activities, syncSince: '2024-02-03T00:00:00Z' } },
      ],
      ['lastSync', { ...good, lastSync: DEFAULTS.lastSync }],
      ['body', [good]],
    ];
    for (const [field, body] of cases)
      assertInvalid(await api(alice, 'PUT', '/me/sync-settings', body), field);
    assert.deepEqual(await storedSettings(alice.uid), good);
  });

  it('when auto-sync is turned on without its tag or start date, then 400 names the missing field', async () => {
    assertInvalid(
      await api(alice, 'PUT', '/me/sync-settings', {
        contacts: { autoSync: true, periodMinutes: 60, tagId: null },
        activities: { autoSync: false },
      }),
      'contacts.tagId',
    );
    assertInvalid(
      await api(alice, 'PUT', '/me/sync-settings', {
        contacts: { autoSync: false },
        activities: { autoSync: true, periodMinutes: 60 },
      }),
      'activities.syncSince',
    );
    assert.equal(await storedSettings(alice.uid), undefined);
  });

  it("when the tag is another user's personal tag, or a shared one, then 400 names contacts.tagId without revealing it", async () => {
    const bobs = await personalTag(bob, 'Bob only');
    const corporate = (await api(admin, 'POST', '/tags', { name: 'Customers', type: 'corporate' })).json.id;
    const missing = await api(alice, 'PUT', '/me/sync-settings', {
      contacts: { autoSync: false, tagId: 'noSuchTag' },
      activities: {},
    });
    const others = await api(alice, 'PUT', '/me/sync-settings', {
      contacts: { autoSync: false, tagId: bobs },
      activities: {},
    });
    assertInvalid(others, 'contacts.tagId');
    assertInvalid(missing, 'contacts.tagId');
    assert.deepEqual(others.json, missing.json, "bob's tag answers exactly as a missing one");
    const shared = await api(alice, 'PUT', '/me/sync-settings', {
      contacts: { autoSync: true, tagId: corporate },
      activities: {},
    });
    assertInvalid(shared, 'contacts.tagId');
    assert.match(shared.json.error.message, /corporate/);
    assert.equal(await storedSettings(alice.uid), undefined);
  });

  it('when the tag that contact sync uses is deleted, then GET shows contact sync off and the activity settings kept', async () => {
    const tagId = await personalTag(alice);
    await putSyncSettings(alice, {
      contacts: { autoSync: true, periodMinutes: 10, tagId },
      activities: { autoSync: true, periodMinutes: 120, syncSince: '2024-05-01' },
    });
    assert.equal((await api(alice, 'DELETE', `/tags/${tagId}`)).status, 204);
    const read = (await api(alice, 'GET', '/me/sync-settings')).json;
    assert.deepEqual(read.contacts, { autoSync: false, periodMinutes: 10, tagId: null });
    assert.deepEqual(read.activities, { autoSync: true, periodMinutes: 120, syncSince: '2024-05-01' });
  });

  it('when a sync kind completed, then GET shows when (lastSync is read from the run bookkeeping)', async () => {
    const at = new Date('2025-03-04T05:06:07.000Z');
    await recordKindCompleted(alice.uid, 'activities', at);
    const read = (await api(alice, 'GET', '/me/sync-settings')).json;
    assert.deepEqual(read.lastSync, { contacts: null, activities: at.toISOString() });
    // Saving the settings keeps it.
    await putSyncSettings(alice, { contacts: {}, activities: {} });
    assert.equal((await api(alice, 'GET', '/me/sync-settings')).json.lastSync.activities, at.toISOString());
  });
});
