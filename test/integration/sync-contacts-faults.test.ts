import assert from 'node:assert/strict';
import { api } from '../support/api.js';
import {
  clientData,
  crmAll,
  crmCreate,
  crmGet,
  crmPatch,
  crmTagged,
  freshWorld,
  googleContacts,
  googleCreate,
  googleFind,
  googleGroups,
  inGroup,
  peopleCalls,
  runSync,
  type SyncUser,
  syncGroup,
  syncUser,
} from './contact-sync-support.js';
import { callsOf, control, type SuiteUsers, suiteUsers } from './linking-support.js';

/**
 * The contact sync under faults (docs/behaviour.md#running-syncs, docs/architecture.md#quality-bars): throttling, outages, lost answers, crashes at every
 * step, expired sync tokens, a deleted group. After each, the next run must leave both sides
 * complete: no duplicates, no lost edits, nothing deleted.
 */

describe('Contact sync under faults', function () {
  this.timeout(180_000);
  let users: SuiteUsers;
  let su: SyncUser;

  before(async () => {
    users = await suiteUsers();
  });

  beforeEach(async () => {
    await freshWorld(users.stack, users.admin);
    su = await syncUser(users.stack, users.user);
  });

  const google = () => googleContacts(users.stack, su.email);
  const emulator = () => control(users.stack);
  const crash = () => {
    throw new Error('simulated crash');
  };

  it('when the sync token has expired, then the run lists everything again, carries the changes and duplicates nothing', async () => {
    const ann = await crmCreate(su, { givenName: 'Ann' });
    await runSync(su);
    const group = await syncGroup(users.stack, su.email);
    await googleCreate(users.stack, su.email, { names: [{ givenName: 'Gwen' }] }, group.resourceName ?? '');
    const [annPerson] = googleFind(await google(), 'Ann');
    await emulator().updateContact(su.email, annPerson?.resourceName ?? '', {
      names: [{ givenName: 'Ann', familyName: 'Edited' }],
    });
    await emulator().expirePeopleSyncTokens(su.email);

    const outcome = await runSync(su);

    assert.deepEqual(outcome.errors, []);
    assert.equal((await crmGet(su, ann.id)).familyName, 'Edited');
    assert.equal((await crmTagged(su)).length, 2);
    assert.equal((await google()).length, 2);
    assert.equal(outcome.counts.toGoogle.created, 0);
    const calls = await callsOf(users.stack, 'people.people.connections.list');
    assert.ok(calls.total >= 3, 'the expired token was refused, then a full listing followed');
    const again = await runSync(su);
    assert.deepEqual(again.counts.toCrm, { created: 0, updated: 0, linked: 0, untagged: 0 });
  });

  it('when Google throttles (429) and is briefly unavailable (503) with Retry-After, then the calls are retried after the wait asked for', async () => {
    await crmCreate(su, { givenName: 'Ann' });
    await emulator().addFault({
      match: { apiMethod: 'people.people.connections.list' },
      status: 429,
      retryAfter: 2,
      times: 1,
    });
    await emulator().addFault({
      match: { apiMethod: 'people.contactGroups.list' },
      status: 503,
      retryAfter: 1,
      times: 1,
    });

    const outcome = await runSync(su);

    assert.deepEqual(outcome.errors, []);
    assert.deepEqual(outcome.sleeps.sort(), [1000, 2000]);
    assert.equal(googleFind(await google(), 'Ann').length, 1);
    assert.equal((await callsOf(users.stack, 'people.people.connections.list')).faulted, 1);
  });

  it('when batchCreateContacts answers 500 after creating, then it is not repeated, and the next run links instead of creating again', async () => {
    const ann = await crmCreate(su, { givenName: 'Ann' });
    const bob = await crmCreate(su, { givenName: 'Bob' });
    await emulator().addFault({
      match: { apiMethod: 'people.people.batchCreateContacts' },
      status: 500,
      afterWork: true,
      times: 1,
    });

    const first = await runSync(su);

    assert.deepEqual(
      first.errors.map((e) => [e.recordId, e.code]).sort(),
      [
        [ann.id, 'google_unavailable'],
        [bob.id, 'google_unavailable'],
      ].sort(),
    );
    assert.equal((await callsOf(users.stack, 'people.people.batchCreateContacts')).total, 1);
    assert.equal((await google()).length, 2, 'Google did create them');

    const second = await runSync(su);

    assert.deepEqual(second.errors, []);
    assert.equal((await callsOf(users.stack, 'people.people.batchCreateContacts')).total, 1);
    assert.equal((await google()).length, 2, 'no duplicate');
    await crmPatch(su, ann.id, { familyName: 'Linked' });
    await runSync(su);
    assert.equal(googleFind(await google(), 'Ann')[0]?.names?.[0]?.familyName, 'Linked');
  });

  it('when batchCreateContacts fails with 503 before creating, then the next run creates the contacts once', async () => {
    await crmCreate(su, { givenName: 'Ann' });
    await emulator().addFault({
      match: { apiMethod: 'people.people.batchCreateContacts' },
      status: 503,
      times: 1,
    });
    const first = await runSync(su);
    assert.equal(first.errors.length, 1);
    assert.equal((await google()).length, 0);

    const second = await runSync(su);

    assert.deepEqual(second.errors, []);
    assert.equal(second.counts.toGoogle.created, 1);
    assert.equal(googleFind(await google(), 'Ann').length, 1);
  });

  it('when a run crashes after Google created contacts and before their links were saved, then the next run creates no duplicate', async () => {
    await crmCreate(su, { givenName: 'Ann' });
    await crmCreate(su, { givenName: 'Bob' });
    await assert.rejects(runSync(su, { hooks: { afterGoogleCreate: crash } }), /simulated crash/);
    assert.equal((await google()).length, 2);

    const outcome = await runSync(su);

    assert.deepEqual(outcome.errors, []);
    assert.equal((await google()).length, 2);
    assert.equal((await crmAll(su)).length, 2);
    assert.equal((await runSync(su)).counts.toGoogle.created, 0);
  });

  it('when a run crashes after Google got the CRM id of an import and before the CRM commit, then the next run imports it once under that id', async () => {
    await runSync(su);
    const group = await syncGroup(users.stack, su.email);
    await googleCreate(users.stack, su.email, { names: [{ givenName: 'Ivo' }] }, group.resourceName ?? '');
    await assert.rejects(runSync(su, { hooks: { afterCrmImport: crash } }), /simulated crash/);
    // The contact, its change entry and its link commit together: none of them is there.
    assert.deepEqual(await crmTagged(su), []);
    const [promised] = clientData(googleFind(await google(), 'Ivo')[0]);
    assert.equal(promised?.key, 'crmContactId');

    const outcome = await runSync(su);

    assert.deepEqual(outcome.errors, []);
    assert.deepEqual(
      (await crmAll(su)).map((contact) => contact.id),
      [promised?.value],
    );
    assert.deepEqual(clientData(googleFind(await google(), 'Ivo')[0]), [
      { key: 'crmContactId', value: promised?.value },
    ]);
    assert.equal((await runSync(su)).counts.toCrm.created, 0);
  });

  it('when a run crashes after a page of Google changes reached the CRM, then the next run neither duplicates nor loses them', async () => {
    await runSync(su);
    const group = await syncGroup(users.stack, su.email);
    await googleCreate(users.stack, su.email, { names: [{ givenName: 'Gwen' }] }, group.resourceName ?? '');
    await googleCreate(users.stack, su.email, { names: [{ givenName: 'Hal' }] }, group.resourceName ?? '');
    await assert.rejects(runSync(su, { hooks: { afterGooglePage: crash } }), /simulated crash/);
    const crmCrm = await crmTagged(su);
    assert.equal(crmCrm.length, 2);
    const ann = await crmCreate(su, { givenName: 'Ann' });

    const outcome = await runSync(su);

    assert.deepEqual(outcome.errors, []);
    assert.equal((await crmTagged(su)).length, 3);
    assert.equal((await google()).length, 3);
    assert.equal(googleFind(await google(), 'Ann').length, 1);
    assert.ok((await crmGet(su, ann.id)).tagIds.includes(su.tagId));
  });

  it('when a run crashes after a batch of CRM changes and before the cursor moved, then the next run repeats it harmlessly', async () => {
    const ann = await crmCreate(su, { givenName: 'Ann' });
    await runSync(su);
    await crmPatch(su, ann.id, { familyName: 'Lee' });
    const bob = await crmCreate(su, { givenName: 'Bob' });
    await assert.rejects(runSync(su, { hooks: { afterCrmBatch: crash } }), /simulated crash/);

    const outcome = await runSync(su);

    assert.deepEqual(outcome.errors, []);
    const people = await google();
    assert.equal(people.length, 2);
    assert.equal(googleFind(people, 'Ann')[0]?.names?.[0]?.familyName, 'Lee');
    assert.deepEqual(clientData(googleFind(people, 'Bob')[0]), [{ key: 'crmContactId', value: bob.id }]);
  });

  it('when the Google contact changed after it was read (stale etag), then the update is merged again and both edits are kept', async () => {
    const ann = await crmCreate(su, { givenName: 'Ann' });
    await runSync(su);
    const [person] = await google();
    await crmPatch(su, ann.id, { notes: 'CRM edit' });
    let edited = false;
    const editInGoogle = async () => {
      if (edited) return;
      edited = true;
      // The user edits in Google after the run read Google and before it writes the CRM edit there.
      await emulator().updateContact(su.email, person?.resourceName ?? '', {
        names: [{ givenName: 'Ann' }],
        phoneNumbers: [{ value: '+1 650 555 0199', type: 'work' }],
      });
    };

    const outcome = await runSync(su, { hooks: { afterGooglePage: editInGoogle } });

    assert.deepEqual(outcome.errors, []);
    const [after] = await google();
    assert.equal(after?.biographies?.[0]?.value, 'CRM edit');
    assert.equal(after?.phoneNumbers?.[0]?.value, '+1 650 555 0199');
    assert.equal(
      (await callsOf(users.stack, 'people.people.get')).total,
      1,
      'read again after the stale etag',
    );
    await runSync(su);
    assert.deepEqual((await crmGet(su, ann.id)).phones, [{ number: '+1 650 555 0199', type: 'work' }]);
  });

  it('when the user deletes the sync group in Google, then nothing is untagged: the group is recreated with every linked contact', async () => {
    const ann = await crmCreate(su, { givenName: 'Ann' });
    await crmCreate(su, { givenName: 'Bob' });
    await runSync(su);
    const group = await syncGroup(users.stack, su.email);
    await emulator().deleteGroup(su.email, group.resourceName ?? '', false);

    const outcome = await runSync(su);

    assert.equal(outcome.counts.toCrm.untagged, 0);
    assert.equal((await crmTagged(su)).length, 2);
    const recreated = await syncGroup(users.stack, su.email);
    assert.notEqual(recreated.resourceName, group.resourceName);
    const people = await google();
    assert.equal(people.length, 2);
    for (const person of people) assert.ok(inGroup(person, recreated.resourceName ?? ''));
    await crmPatch(su, ann.id, { familyName: 'Still linked' });
    await runSync(su);
    assert.equal(googleFind(await google(), 'Ann')[0]?.names?.[0]?.familyName, 'Still linked');
    assert.equal((await googleGroups(users.stack, su.email)).length, 1);
  });

  it('when 450 tagged contacts are exported, then Google is called with 3 batch creates, and reading them back is one list call', async () => {
    for (let i = 0; i < 450; i += 50) {
      await Promise.all(
        Array.from({ length: 50 }, (_, j) =>
          api(su.user, 'POST', '/contacts', { givenName: `P${i + j}`, tagIds: [su.tagId] }),
        ),
      );
    }
    await emulator().clearRequests();

    const outcome = await runSync(su);

    assert.equal(outcome.counts.toGoogle.created, 450);
    const calls = await peopleCalls(users.stack, su.email);
    assert.equal(calls['people.people.batchCreateContacts'], 3);
    assert.equal(calls['people.people.connections.list'], 1);
    await emulator().clearRequests();
    const next = await runSync(su);
    assert.equal(next.counts.toGoogle.created, 0);
    assert.deepEqual(await peopleCalls(users.stack, su.email), { 'people.people.connections.list': 1 });
  });

  it('when the CRM refuses one Google contact, then it is reported and every other contact still syncs', async () => {
    await runSync(su);
    const group = await syncGroup(users.stack, su.email);
    const refused = await googleCreate(
      users.stack,
      su.email,
      { birthdays: [{ date: { year: 1990, month: 1, day: 2 } }] },
      group.resourceName ?? '',
    );
    await googleCreate(users.stack, su.email, { names: [{ givenName: 'Gwen' }] }, group.resourceName ?? '');
    await emulator().addFault({
      match: { apiMethod: 'people.people.connections.list' },
      status: 503,
      times: 1,
    });

    const outcome = await runSync(su);

    assert.deepEqual(
      outcome.errors.map((e) => [e.recordId, e.code]),
      [[refused.resourceName, 'invalid_argument']],
    );
    assert.match(outcome.errors[0]?.message ?? '', /name, an email, a phone or an organization/);
    assert.deepEqual(
      (await crmTagged(su)).map((c) => c.givenName),
      ['Gwen'],
    );
    assert.equal((await callsOf(users.stack, 'people.people.connections.list')).faulted, 1);
  });
});
