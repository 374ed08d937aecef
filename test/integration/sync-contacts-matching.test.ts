import assert from 'node:assert/strict';
import { firestore } from '../../functions/src/adapters/firestore/client.js';
import {
  ACCOUNT_SUBCOLLECTIONS,
  accountPath,
} from '../../functions/src/adapters/firestore/syncStatePaths.js';
import { api } from '../support/api.js';
import {
  clientData,
  crmCreate,
  crmGet,
  crmTag,
  freshWorld,
  googleContacts,
  googleCreate,
  inGroup,
  type Person,
  peopleCalls,
  runSync,
  type SyncUser,
  syncGroup,
  syncUser,
} from './contact-sync-support.js';
import { control, type SuiteUsers, suiteUsers } from './linking-support.js';

/**
 * docs/behaviour.md#contact-matching on incremental runs: a CRM contact that enters the sync after the first run is linked
 * to the Google contact that already is it (by our clientData key, then by email), never created a
 * second time, using the index of unlinked Google contacts that the listings keep current.
 */

describe('Contact sync — matching existing Google contacts on later runs', function () {
  this.timeout(120_000);
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
  const byResourceName = async (resourceName: string | null | undefined): Promise<Person | undefined> =>
    (await google()).find((person) => person.resourceName === resourceName);
  const groupName = async () => (await syncGroup(users.stack, su.email)).resourceName ?? '';

  it('when a contact is tagged after the first run and Google holds a contact with its email outside the group, then the next run links it instead of creating one', async () => {
    await runSync(su);
    const gina = await googleCreate(users.stack, su.email, {
      names: [{ givenName: 'Gina', familyName: 'Google' }],
      emailAddresses: [{ value: 'Gina@Example.com' }],
      phoneNumbers: [{ value: '+1 650 555 0101' }],
    });
    await googleCreate(users.stack, su.email, {
      names: [{ givenName: 'Other' }],
      emailAddresses: [{ value: 'other@example.com' }],
    });
    const crm = await crmCreate(
      su,
      { givenName: 'Gina', emails: [{ address: 'gina@example.com' }], notes: 'from the CRM' },
      false,
    );
    await crmTag(su, crm.id);
    await emulator().clearRequests();

    const outcome = await runSync(su);

    assert.deepEqual(outcome.errors, []);
    assert.equal(outcome.counts.toGoogle.created, 0);
    assert.equal(outcome.counts.toCrm.linked, 1);
    const calls = await peopleCalls(users.stack, su.email);
    assert.equal(calls['people.people.batchCreateContacts'], undefined, JSON.stringify(calls));
    assert.equal((await google()).length, 2, 'Google keeps its contacts, no new one');
    const linked = await byResourceName(gina.resourceName);
    assert.ok(linked && inGroup(linked, await groupName()));
    assert.deepEqual(clientData(linked), [{ key: 'crmContactId', value: crm.id }]);
    assert.equal(linked.biographies?.[0]?.value, 'from the CRM');
    const after = await crmGet(su, crm.id);
    assert.deepEqual(after.phones, [{ number: '+1 650 555 0101', type: 'other' }], 'merged without a base');
    assert.equal(after.familyName, 'Google');

    const echo = await runSync(su);
    assert.deepEqual(echo.counts.toGoogle, { created: 0, updated: 0, removed: 0 });
    assert.deepEqual(echo.counts.toCrm, { created: 0, updated: 0, linked: 0, untagged: 0 });
    await emulator().clearRequests();
    await runSync(su);
    assert.deepEqual(await peopleCalls(users.stack, su.email), { 'people.people.connections.list': 1 });
  });

  it('when the Google contact existed before the first run and the CRM contact is tagged later, then the full listing indexed it and a later run links it', async () => {
    const gina = await googleCreate(users.stack, su.email, {
      names: [{ givenName: 'Gina' }],
      emailAddresses: [{ value: 'gina@example.com' }],
    });
    const crm = await crmCreate(su, { givenName: 'Gina', emails: [{ address: 'GINA@example.com' }] }, false);
    await runSync(su);
    await runSync(su);
    await crmTag(su, crm.id);

    const outcome = await runSync(su);

    assert.deepEqual(outcome.errors, []);
    assert.equal(outcome.counts.toGoogle.created, 0);
    assert.equal(outcome.counts.toCrm.linked, 1);
    assert.equal((await google()).length, 1);
    const linked = await byResourceName(gina.resourceName);
    assert.ok(linked && inGroup(linked, await groupName()));
    assert.deepEqual(clientData(linked), [{ key: 'crmContactId', value: crm.id }]);
  });

  it('when the matching Google contact was deleted meanwhile (seen by the listing, or only after it), then the contact is created', async () => {
    await runSync(su);
    const ann = await googleCreate(users.stack, su.email, {
      names: [{ givenName: 'Ann' }],
      emailAddresses: [{ value: 'ann@example.com' }],
    });
    const bob = await googleCreate(users.stack, su.email, {
      names: [{ givenName: 'Bob' }],
      emailAddresses: [{ value: 'bob@example.com' }],
    });
    await runSync(su);
    await emulator().deleteContact(su.email, ann.resourceName ?? '');
    const crmAnn = await crmCreate(su, { givenName: 'Ann', emails: [{ address: 'ann@example.com' }] });
    const crmBob = await crmCreate(su, { givenName: 'Bob', emails: [{ address: 'bob@example.com' }] });

    // Bob is deleted after the run read Google's changes: the index still names him.
    const outcome = await runSync(su, {
      hooks: { afterGooglePage: () => emulator().deleteContact(su.email, bob.resourceName ?? '') },
    });

    assert.deepEqual(outcome.errors, []);
    assert.equal(outcome.counts.toGoogle.created, 2);
    assert.equal(outcome.counts.toCrm.linked, 0);
    const people = await google();
    assert.deepEqual(
      people.map((person) => clientData(person)[0]?.value).sort(),
      [crmAnn.id, crmBob.id].sort(),
    );
    const group = await groupName();
    for (const person of people) assert.ok(inGroup(person, group));
  });

  it("when a Google contact's email is changed in Google, then the index follows: the old address no longer matches, the new one does", async () => {
    await runSync(su);
    const gina = await googleCreate(users.stack, su.email, {
      names: [{ givenName: 'Gina' }],
      emailAddresses: [{ value: 'old@example.com' }],
    });
    await runSync(su);
    await emulator().updateContact(su.email, gina.resourceName ?? '', {
      emailAddresses: [{ value: 'new@example.com' }],
    });
    const old = await crmCreate(su, { givenName: 'Olga', emails: [{ address: 'old@example.com' }] });
    await emulator().clearRequests();

    const first = await runSync(su);

    assert.equal(first.counts.toGoogle.created, 1);
    assert.equal(first.counts.toCrm.linked, 0);
    const calls = await peopleCalls(users.stack, su.email);
    assert.equal(
      calls['people.people.getBatchGet'],
      undefined,
      `the index named no candidate: ${JSON.stringify(calls)}`,
    );
    assert.deepEqual(clientData(await byResourceName(gina.resourceName)), []);
    const olga = (await google()).find((person) => person.resourceName !== gina.resourceName);
    assert.deepEqual(clientData(olga), [{ key: 'crmContactId', value: old.id }]);

    const fresh = await crmCreate(su, { givenName: 'Gina', emails: [{ address: 'new@example.com' }] });
    const second = await runSync(su);

    assert.equal(second.counts.toGoogle.created, 0);
    assert.equal(second.counts.toCrm.linked, 1);
    assert.deepEqual(clientData(await byResourceName(gina.resourceName)), [
      { key: 'crmContactId', value: fresh.id },
    ]);
    assert.equal((await google()).length, 2, 'Olga and Gina');
  });

  it('when a contact leaves the sync and is tagged again, then it is linked back to its Google contact by our clientData key, not created twice', async () => {
    const nora = await crmCreate(su, { givenName: 'Nora', phones: [{ number: '+1 650 555 0199' }] });
    await runSync(su);
    const [created] = await google();
    await crmTag(su, nora.id, false);
    assert.equal((await runSync(su)).counts.toGoogle.removed, 1);
    assert.equal(inGroup((await google())[0] as Person, await groupName()), false);
    await crmTag(su, nora.id);

    const outcome = await runSync(su);

    assert.deepEqual(outcome.errors, []);
    assert.equal(outcome.counts.toGoogle.created, 0);
    assert.equal(outcome.counts.toCrm.linked, 1);
    const people = await google();
    assert.equal(people.length, 1);
    assert.equal(people[0]?.resourceName, created?.resourceName);
    assert.ok(inGroup(people[0] as Person, await groupName()));
  });

  it('when Google holds several contacts with the email, then the one with the smallest resource name is linked, and the next contact tagged with it takes the other', async () => {
    await runSync(su);
    const twins = [
      await googleCreate(users.stack, su.email, {
        names: [{ givenName: 'Twin', familyName: 'One' }],
        emailAddresses: [{ value: 'twin@example.com' }],
      }),
      await googleCreate(users.stack, su.email, {
        names: [{ givenName: 'Twin', familyName: 'Two' }],
        emailAddresses: [{ value: 'twin@example.com' }],
      }),
    ];
    const [first, second] = twins.map((p) => p.resourceName ?? '').sort();
    const crm = await crmCreate(su, { givenName: 'Twin', emails: [{ address: 'twin@example.com' }] });

    const outcome = await runSync(su);

    assert.equal(outcome.counts.toCrm.linked, 1);
    assert.equal(outcome.counts.toGoogle.created, 0);
    assert.deepEqual(clientData(await byResourceName(first)), [{ key: 'crmContactId', value: crm.id }]);
    const other = await byResourceName(second);
    assert.deepEqual(clientData(other), []);
    assert.equal(inGroup(other as Person, await groupName()), false, 'the other stays as the user left it');

    const later = await crmCreate(su, { givenName: 'Twin', emails: [{ address: 'twin@example.com' }] });
    const next = await runSync(su);

    assert.equal(next.counts.toCrm.linked, 1);
    assert.equal(next.counts.toGoogle.created, 0);
    assert.deepEqual(clientData(await byResourceName(second)), [{ key: 'crmContactId', value: later.id }]);
    assert.equal((await google()).length, 2);
  });

  it('when the group change of a link fails for good after the Google contact got our key, then the next run finishes the link without a duplicate', async () => {
    await runSync(su);
    const gina = await googleCreate(users.stack, su.email, {
      names: [{ givenName: 'Gina' }],
      emailAddresses: [{ value: 'gina@example.com' }],
    });
    await runSync(su);
    const crm = await crmCreate(su, { givenName: 'Gina', emails: [{ address: 'gina@example.com' }] });
    await emulator().addFault({ match: { apiMethod: 'people.contactGroups.members.modify' }, status: 503 });

    await assert.rejects(runSync(su));
    await emulator().clearFaults();
    assert.deepEqual(clientData(await byResourceName(gina.resourceName)), [
      { key: 'crmContactId', value: crm.id },
    ]);

    const outcome = await runSync(su);

    assert.deepEqual(outcome.errors, []);
    assert.equal(outcome.counts.toGoogle.created, 0);
    assert.equal((await google()).length, 1);
    assert.ok(inGroup((await google())[0] as Person, await groupName()));
    await runSync(su);
    assert.equal((await google()).length, 1);
  });

  it('when the account is removed, then its index of Google contacts goes with it', async () => {
    await googleCreate(users.stack, su.email, {
      names: [{ givenName: 'Gina' }],
      emailAddresses: [{ value: 'gina@example.com' }],
    });
    await runSync(su);
    const [account] = (await api(su.user, 'GET', '/me/accounts')).json.items;
    const index = firestore().collection(
      `${accountPath(su.user.uid, account.id)}/${ACCOUNT_SUBCOLLECTIONS.googleContactIndex}`,
    );
    assert.equal((await index.get()).size, 1);

    assert.equal((await api(su.user, 'DELETE', `/me/accounts/${account.id}`)).status, 204);

    assert.equal((await index.get()).size, 0);
  });
});
