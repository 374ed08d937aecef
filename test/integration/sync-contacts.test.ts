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
  relink,
  runSync,
  type SyncUser,
  syncGroup,
  syncUser,
  total,
} from './contact-sync-support.js';
import { control, type SuiteUsers, suiteUsers } from './linking-support.js';

/** The two-way contact sync (docs/behaviour.md#contacts) against the Firestore and Google emulators, through the product's code. */

describe('Contact sync', function () {
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

  it('when the first run finds tagged CRM contacts, then it creates the "Creatio" group and exports each into it once', async () => {
    const ann = await crmCreate(su, {
      givenName: 'Ann',
      familyName: 'Lee',
      emails: [{ address: 'ann@example.com', type: 'work' }],
      phones: [{ number: '+1 650 555 0100', type: 'mobile' }],
      organization: { name: 'Acme', title: 'CTO' },
      birthday: '1980-02-29',
      notes: 'Met at the fair',
      websites: ['https://ann.example.com'],
      addresses: [{ type: 'work', street: '1 Main St', city: 'Springfield', country: 'US' }],
    });
    await crmCreate(su, { givenName: 'Untagged' }, false);

    const outcome = await runSync(su);

    assert.deepEqual(outcome.errors, []);
    assert.equal(outcome.counts.toGoogle.created, 1);
    const group = await syncGroup(users.stack, su.email);
    const people = await google();
    assert.equal(people.length, 1);
    const person = people[0];
    assert.ok(person && inGroup(person, group.resourceName ?? ''));
    assert.equal(person.names?.[0]?.givenName, 'Ann');
    assert.equal(person.emailAddresses?.[0]?.value, 'ann@example.com');
    assert.equal(person.emailAddresses?.[0]?.type, 'work');
    assert.equal(person.phoneNumbers?.[0]?.value, '+1 650 555 0100');
    assert.equal(person.organizations?.[0]?.title, 'CTO');
    assert.deepEqual(person.birthdays?.[0]?.date, { year: 1980, month: 2, day: 29 });
    assert.equal(person.biographies?.[0]?.value, 'Met at the fair');
    assert.equal(person.urls?.[0]?.value, 'https://ann.example.com');
    assert.equal(person.addresses?.[0]?.city, 'Springfield');
    assert.deepEqual(clientData(person), [{ key: 'crmContactId', value: ann.id }]);
  });

  it('when nothing changed since the last run, then a run costs exactly one People call and changes nothing', async () => {
    await crmCreate(su, { givenName: 'Ann', emails: [{ address: 'ann@example.com' }] });
    await runSync(su);
    await runSync(su);
    const before = await google();
    const crmBefore = await crmAll(su);
    await control(users.stack).clearRequests();

    const outcome = await runSync(su);

    assert.deepEqual(await peopleCalls(users.stack, su.email), { 'people.people.connections.list': 1 });
    assert.deepEqual(outcome.counts.toGoogle, { created: 0, updated: 0, removed: 0 });
    assert.deepEqual(outcome.counts.toCrm, { created: 0, updated: 0, linked: 0, untagged: 0 });
    assert.deepEqual(await google(), before);
    assert.deepEqual(await crmAll(su), crmBefore);
  });

  it('when the user puts a Google contact into the group, then it is imported with the personal tag and marked with its CRM id', async () => {
    await runSync(su);
    const group = await syncGroup(users.stack, su.email);
    const created = await googleCreate(
      users.stack,
      su.email,
      {
        names: [{ givenName: 'Gina', familyName: 'Google' }],
        emailAddresses: [{ value: 'gina@example.com' }],
      },
      group.resourceName ?? '',
    );

    const outcome = await runSync(su);

    assert.deepEqual(outcome.errors, []);
    assert.equal(outcome.counts.toCrm.created, 1);
    const tagged = await crmTagged(su);
    assert.equal(tagged.length, 1);
    assert.equal(tagged[0].givenName, 'Gina');
    assert.deepEqual(tagged[0].emails, [{ address: 'gina@example.com', type: 'other', primary: true }]);
    const person = (await google()).find((p) => p.resourceName === created.resourceName);
    assert.deepEqual(clientData(person), [{ key: 'crmContactId', value: tagged[0].id }]);
    assert.equal((await runSync(su)).counts.toCrm.created, 0);
  });

  it('when both sides change different fields of a linked contact, then both edits are kept on both sides', async () => {
    const ann = await crmCreate(su, { givenName: 'Ann', familyName: 'Lee' });
    await runSync(su);
    const [person] = await google();
    await control(users.stack).updateContact(su.email, person?.resourceName ?? '', {
      phoneNumbers: [{ value: '+44 20 7946 0000', type: 'work' }],
    });
    await crmPatch(su, ann.id, { notes: 'CRM note' });

    const outcome = await runSync(su);

    assert.deepEqual(outcome.errors, []);
    assert.deepEqual(outcome.conflicts, []);
    const crm = await crmGet(su, ann.id);
    assert.deepEqual(crm.phones, [{ number: '+44 20 7946 0000', type: 'work' }]);
    assert.equal(crm.notes, 'CRM note');
    const [after] = await google();
    assert.equal(after?.biographies?.[0]?.value, 'CRM note');
    assert.equal(after?.phoneNumbers?.[0]?.value, '+44 20 7946 0000');
  });

  it('when the same field changes on both sides, then the later change wins and the losing value is logged as a conflict', async () => {
    const ann = await crmCreate(su, { givenName: 'Ann', notes: 'original' });
    await runSync(su);
    const [person] = await google();
    await crmPatch(su, ann.id, { notes: 'from the CRM (earlier)' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    await control(users.stack).updateContact(su.email, person?.resourceName ?? '', {
      biographies: [{ value: 'from Google (later)' }],
    });

    const outcome = await runSync(su);

    assert.deepEqual(outcome.conflicts, [
      {
        kind: 'contacts',
        recordId: ann.id,
        field: 'notes',
        crmValue: 'from the CRM (earlier)',
        googleValue: 'from Google (later)',
        winner: 'google',
      },
    ]);
    assert.equal((await crmGet(su, ann.id)).notes, 'from Google (later)');
    assert.equal((await google())[0]?.biographies?.[0]?.value, 'from Google (later)');
  });

  it('when a Google contact carries fields the CRM does not model, then a CRM edit keeps them', async () => {
    const ann = await crmCreate(su, {
      givenName: 'Ann',
      emails: [{ address: 'ann@example.com', type: 'work' }],
    });
    await runSync(su);
    const [person] = await google();
    await control(users.stack).updateContact(su.email, person?.resourceName ?? '', {
      names: [{ givenName: 'Ann', honorificPrefix: 'Dr.', phoneticGivenName: 'An' }],
      nicknames: [{ value: 'Annie' }],
      emailAddresses: [{ value: 'ann@example.com', type: 'work', displayName: 'Dr Ann' }],
      organizations: [
        { name: 'Acme', symbol: 'ACME' },
        { name: 'Side gig', type: 'other' },
      ],
    });
    await runSync(su);
    await crmPatch(su, ann.id, { familyName: 'Lee', organization: { name: 'Acme', title: 'CEO' } });

    const outcome = await runSync(su);

    assert.deepEqual(outcome.errors, []);
    const [after] = await google();
    assert.equal(after?.names?.[0]?.familyName, 'Lee');
    assert.equal(after?.names?.[0]?.honorificPrefix, 'Dr.');
    assert.equal(after?.names?.[0]?.phoneticGivenName, 'An');
    assert.equal(after?.nicknames?.[0]?.value, 'Annie');
    assert.equal(after?.emailAddresses?.[0]?.displayName, 'Dr Ann');
    assert.deepEqual(
      after?.organizations?.map((org) => [org.name, org.title, org.symbol]),
      [
        ['Acme', 'CEO', 'ACME'],
        ['Side gig', undefined, undefined],
      ],
    );
    assert.equal((await crmGet(su, ann.id)).organization.title, 'CEO');
  });

  it('when a contact is deleted in Google or removed from the group, then it only loses the tag in the CRM and is unlinked', async () => {
    const ann = await crmCreate(su, { givenName: 'Ann' });
    const bob = await crmCreate(su, { givenName: 'Bob' });
    await runSync(su);
    const group = await syncGroup(users.stack, su.email);
    const people = await google();
    const annPerson = googleFind(people, 'Ann')[0];
    const bobPerson = googleFind(people, 'Bob')[0];
    await control(users.stack).deleteContact(su.email, annPerson?.resourceName ?? '');
    await control(users.stack).modifyGroupMembers(su.email, group.resourceName ?? '', {
      remove: [bobPerson?.resourceName ?? ''],
    });

    const outcome = await runSync(su);

    assert.equal(outcome.counts.toCrm.untagged, 2);
    for (const id of [ann.id, bob.id]) assert.deepEqual((await crmGet(su, id)).tagIds, []);
    assert.equal(googleFind(await google(), 'Bob').length, 1, 'the Google contact stays');
    // Unlinked: a later CRM edit does not reach Google, and nothing comes back.
    await crmPatch(su, bob.id, { notes: 'after unlinking' });
    const next = await runSync(su);
    assert.deepEqual(next.counts.toGoogle, { created: 0, updated: 0, removed: 0 });
    assert.equal(googleFind(await google(), 'Bob')[0]?.biographies, undefined);
  });

  it('when a contact is deleted in the CRM or loses the tag, then it leaves the Google group and stays in Google', async () => {
    const ann = await crmCreate(su, { givenName: 'Ann' });
    const bob = await crmCreate(su, { givenName: 'Bob' });
    await runSync(su);
    const group = await syncGroup(users.stack, su.email);
    assert.equal((await api(su.user, 'DELETE', `/contacts/${ann.id}`)).status, 204);
    assert.equal((await api(su.user, 'DELETE', `/contacts/${bob.id}/tags/${su.tagId}`)).status, 204);

    const outcome = await runSync(su);

    assert.equal(outcome.counts.toGoogle.removed, 2);
    const people = await google();
    assert.equal(people.length, 2, 'both Google contacts remain');
    for (const person of people) assert.equal(inGroup(person, group.resourceName ?? ''), false);
    const next = await runSync(su);
    assert.deepEqual(next.counts.toCrm, { created: 0, updated: 0, linked: 0, untagged: 0 });
    assert.deepEqual((await crmGet(su, bob.id)).tagIds, []);
  });

  it('when CRM and Google contacts share an email before the first run, then they are linked, not duplicated', async () => {
    const crm = await crmCreate(su, { givenName: 'Ann', emails: [{ address: 'Ann@Example.com' }] });
    await control(users.stack).createContact(su.email, {
      names: [{ givenName: 'Ann', familyName: 'FromGoogle' }],
      emailAddresses: [{ value: 'ann@example.com' }],
    });

    const outcome = await runSync(su);

    assert.deepEqual(outcome.errors, []);
    assert.equal(outcome.counts.toCrm.linked, 1);
    assert.equal(outcome.counts.toGoogle.created, 0);
    const people = await google();
    assert.equal(people.length, 1);
    const group = await syncGroup(users.stack, su.email);
    assert.ok(people[0] && inGroup(people[0], group.resourceName ?? ''));
    assert.deepEqual(clientData(people[0]), [{ key: 'crmContactId', value: crm.id }]);
    assert.equal((await crmAll(su)).length, 1);
    assert.equal((await crmGet(su, crm.id)).familyName, 'FromGoogle');
  });

  it('when a Google contact put into the group has the email of an untagged CRM contact, then that contact is tagged and linked', async () => {
    await runSync(su);
    const group = await syncGroup(users.stack, su.email);
    const crm = await crmCreate(su, { givenName: 'Carl', emails: [{ address: 'carl@example.com' }] }, false);
    await googleCreate(
      users.stack,
      su.email,
      { names: [{ givenName: 'Carl' }], emailAddresses: [{ value: 'CARL@example.com' }] },
      group.resourceName ?? '',
    );

    const outcome = await runSync(su);

    assert.equal(outcome.counts.toCrm.linked, 1);
    assert.equal(outcome.counts.toCrm.created, 0);
    assert.deepEqual((await crmGet(su, crm.id)).tagIds, [su.tagId]);
    assert.equal((await crmAll(su)).length, 1);
  });

  it('when the account is removed and linked again, then the next run relinks every contact without duplicates', async () => {
    await crmCreate(su, { givenName: 'Ann', emails: [{ address: 'ann@example.com' }] });
    await crmCreate(su, { givenName: 'Nomail' });
    await runSync(su);
    const group = await syncGroup(users.stack, su.email);
    await googleCreate(users.stack, su.email, { names: [{ givenName: 'Gina' }] }, group.resourceName ?? '');
    await runSync(su);
    const accounts = await api(su.user, 'GET', '/me/accounts');
    assert.equal((await api(su.user, 'DELETE', `/me/accounts/${accounts.json.items[0].id}`)).status, 204);
    await relink(users.stack, su.user, su.email);
    await control(users.stack).clearRequests();

    const outcome = await runSync(su);

    assert.deepEqual(outcome.errors, []);
    assert.equal(outcome.counts.toGoogle.created, 0);
    assert.equal(outcome.counts.toCrm.created, 0);
    assert.equal(outcome.counts.toCrm.linked, 3);
    assert.equal((await google()).length, 3);
    assert.equal((await crmAll(su)).length, 3);
    assert.equal((await googleGroups(users.stack, su.email)).length, 1);
    const again = await runSync(su);
    assert.deepEqual(again.counts.toCrm, { created: 0, updated: 0, linked: 0, untagged: 0 });
  });

  it('when both sides changed since the last run, then one run carries each change across and the next finds nothing', async () => {
    const ann = await crmCreate(su, { givenName: 'Ann' });
    await runSync(su);
    const group = await syncGroup(users.stack, su.email);
    await crmPatch(su, ann.id, { familyName: 'Lee' });
    const newCrm = await crmCreate(su, { givenName: 'Neil' });
    await googleCreate(users.stack, su.email, { names: [{ givenName: 'Gwen' }] }, group.resourceName ?? '');

    const outcome = await runSync(su);

    assert.deepEqual(outcome.counts.toGoogle, { created: 1, updated: 1, removed: 0 });
    assert.deepEqual(outcome.counts.toCrm, { created: 1, updated: 0, linked: 0, untagged: 0 });
    assert.equal(googleFind(await google(), 'Ann')[0]?.names?.[0]?.familyName, 'Lee');
    assert.equal(googleFind(await google(), 'Neil').length, 1);
    assert.ok((await crmGet(su, newCrm.id)).tagIds.includes(su.tagId));
    await control(users.stack).clearRequests();
    const next = await runSync(su);
    assert.deepEqual(next.counts.toGoogle, { created: 0, updated: 0, removed: 0 });
    assert.deepEqual(next.counts.toCrm, { created: 0, updated: 0, linked: 0, untagged: 0 });
    assert.equal(total(await peopleCalls(users.stack, su.email)), 1);
  });

  it('when two users sync the same CRM contact, then each has it in their own Google account and edits reach both', async () => {
    const other = await syncUser(users.stack, users.other);
    const ann = await crmCreate(su, { givenName: 'Ann' });
    assert.equal(
      (await api(other.user, 'POST', `/contacts/${ann.id}/tags`, { tagId: other.tagId })).status,
      201,
    );
    await runSync(su);
    await runSync(other);
    assert.equal(googleFind(await googleContacts(users.stack, other.email), 'Ann').length, 1);
    const [mine] = await google();
    await control(users.stack).updateContact(su.email, mine?.resourceName ?? '', {
      names: [{ givenName: 'Ann', familyName: 'Edited' }],
    });

    await runSync(su);
    await runSync(other);

    const theirs = googleFind(await googleContacts(users.stack, other.email), 'Ann');
    assert.equal(theirs.length, 1);
    assert.equal(theirs[0]?.names?.[0]?.familyName, 'Edited');
    assert.deepEqual((await crmGet(su, ann.id)).tagIds, [su.tagId]);
    assert.deepEqual((await crmGet(other, ann.id)).tagIds, [other.tagId]);
  });
});
