import assert from 'node:assert/strict';
import type { people_v1 } from '@googleapis/people';
import { beforeEach, describe, it } from 'mocha';
import { ALICE, failure, linkedClient, peopleApi, suiteEnv } from './helpers.js';

const FIELDS = 'names,emailAddresses,clientData,memberships,metadata';

describe('Google emulator — People API', () => {
  const env = suiteEnv(beforeEach);
  let people: people_v1.People;

  beforeEach(async () => {
    const { client } = await linkedClient(env.base);
    people = peopleApi(env.base, client);
  });

  const person = (i: number): people_v1.Schema$Person => ({
    names: [{ givenName: `Given${i}`, familyName: `Family${i}` }],
    emailAddresses: [{ value: `p${i}@example.com`, type: 'work' }],
  });

  async function createMany(n: number): Promise<string[]> {
    const names: string[] = [];
    for (let start = 0; start < n; start += 200) {
      const count = Math.min(200, n - start);
      const res = await people.people.batchCreateContacts({
        requestBody: {
          contacts: Array.from({ length: count }, (_, i) => ({ contactPerson: person(start + i) })),
          readMask: 'names',
        },
      });
      for (const c of res.data.createdPeople ?? []) names.push(c.person?.resourceName ?? '');
    }
    return names;
  }

  async function fullSync(pageSize = 100) {
    const pages: people_v1.Schema$ListConnectionsResponse[] = [];
    let pageToken: string | undefined;
    do {
      const res = await people.people.connections.list({
        resourceName: 'people/me',
        personFields: FIELDS,
        pageSize,
        pageToken,
        requestSyncToken: true,
      });
      pages.push(res.data);
      pageToken = res.data.nextPageToken ?? undefined;
    } while (pageToken);
    return pages;
  }

  const incremental = (syncToken: string) =>
    people.people.connections.list({
      resourceName: 'people/me',
      personFields: FIELDS,
      requestSyncToken: true,
      syncToken,
    });

  it('when a full sync pages through 250 contacts, then the sync token comes only with the last page', async () => {
    await createMany(250);
    const pages = await fullSync(100);
    assert.equal(pages.length, 3);
    assert.deepEqual(
      pages.map((p) => p.connections?.length),
      [100, 100, 50],
    );
    assert.equal(pages[0]?.totalItems, 250);
    assert.ok(!pages[0]?.nextSyncToken && !pages[1]?.nextSyncToken);
    assert.ok(pages[2]?.nextSyncToken);
    assert.equal(pages[2]?.nextPageToken, undefined);
    const first = pages[0]?.connections?.[0];
    assert.match(first?.resourceName ?? '', /^people\/c\d+$/);
    assert.equal(first?.metadata?.sources?.[0]?.type, 'CONTACT');
    assert.ok(first?.metadata?.sources?.[0]?.updateTime);
    assert.equal(first?.names?.[0]?.displayName, 'Given0 Family0');
    assert.equal(first?.emailAddresses?.[0]?.formattedType, 'Work');
  });

  it('when contacts change after a sync, then the incremental sync returns exactly the changes, deletions included', async () => {
    const [a, b] = await createMany(3);
    const pages = await fullSync();
    const token = pages.at(-1)?.nextSyncToken ?? '';

    await env.control.updateContact(ALICE, a ?? '', { names: [{ givenName: 'Renamed' }] });
    await env.control.deleteContact(ALICE, b ?? '');
    const created = await people.people.createContact({ requestBody: person(9), personFields: 'names' });

    const res = await incremental(token);
    const byName = new Map((res.data.connections ?? []).map((p) => [p.resourceName, p]));
    assert.equal(byName.size, 3);
    assert.equal(byName.get(a)?.names?.[0]?.givenName, 'Renamed');
    assert.equal(byName.get(b)?.metadata?.deleted, true);
    assert.ok(byName.get(created.data.resourceName));
    assert.ok(res.data.nextSyncToken);

    const none = await incremental(res.data.nextSyncToken ?? '');
    assert.equal(none.data.connections, undefined);
    assert.ok(none.data.nextSyncToken);
  });

  it('when a sync token is older than 7 days or expired through the control API, then Google’s EXPIRED_SYNC_TOKEN error comes back', async () => {
    await createMany(1);
    const token = (await fullSync()).at(-1)?.nextSyncToken ?? '';
    env.emu.state.clock.advance(8 * 24 * 3600 * 1000);
    people = peopleApi(env.base, (await linkedClient(env.base)).client); // the old access token has expired too
    const err = await failure(incremental(token));
    assert.equal(err.status, 400);
    assert.deepEqual(err.data, {
      error: {
        code: 400,
        message: 'Sync token is expired. Clear local cache and retry call without the sync token.',
        status: 'FAILED_PRECONDITION',
        details: [
          {
            '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
            reason: 'EXPIRED_SYNC_TOKEN',
            domain: 'people.googleapis.com',
          },
        ],
      },
    });

    await env.control.reset();
    const { client } = await linkedClient(env.base);
    people = peopleApi(env.base, client);
    const fresh = (await fullSync()).at(-1)?.nextSyncToken ?? '';
    await env.control.expirePeopleSyncTokens(ALICE);
    assert.equal((await failure(incremental(fresh))).data.error.details[0].reason, 'EXPIRED_SYNC_TOKEN');
  });

  it('when an update carries a stale etag, then it fails with FAILED_PRECONDITION; with the current etag it succeeds and the etag changes', async () => {
    const created = await people.people.createContact({ requestBody: person(1), personFields: FIELDS });
    const rn = created.data.resourceName ?? '';
    const oldEtag = created.data.etag ?? '';
    await env.control.updateContact(ALICE, rn, { biographies: [{ value: 'edited in Google' }] });

    const err = await failure(
      people.people.updateContact({
        resourceName: rn,
        updatePersonFields: 'names',
        requestBody: { etag: oldEtag, names: [{ givenName: 'X' }] },
      }),
    );
    assert.equal(err.status, 400);
    assert.equal(err.data.error.status, 'FAILED_PRECONDITION');

    const current = await people.people.get({ resourceName: rn, personFields: 'names' });
    const updated = await people.people.updateContact({
      resourceName: rn,
      updatePersonFields: 'names',
      personFields: 'names,biographies',
      requestBody: { etag: current.data.etag, names: [{ givenName: 'X' }] },
    });
    assert.equal(updated.data.names?.[0]?.givenName, 'X');
    assert.equal(updated.data.biographies?.[0]?.value, 'edited in Google');
    assert.notEqual(updated.data.etag, current.data.etag);
  });

  it('when batches exceed Google’s sizes, then the calls fail with 400 INVALID_ARGUMENT', async () => {
    const tooManyCreates = Array.from({ length: 201 }, (_, i) => ({ contactPerson: person(i) }));
    const c = await failure(
      people.people.batchCreateContacts({ requestBody: { contacts: tooManyCreates, readMask: 'names' } }),
    );
    assert.equal(c.status, 400);
    assert.equal(c.data.error.status, 'INVALID_ARGUMENT');
    const names = Array.from({ length: 501 }, (_, i) => `people/c${i}`);
    const d = await failure(people.people.batchDeleteContacts({ requestBody: { resourceNames: names } }));
    assert.equal(d.status, 400);
    const updates = Object.fromEntries(names.slice(0, 201).map((n) => [n, { etag: 'x' }]));
    const u = await failure(
      people.people.batchUpdateContacts({
        requestBody: { contacts: updates, updateMask: 'names', readMask: 'names' },
      }),
    );
    assert.equal(u.status, 400);
  });

  it('when contacts are grouped, then groups list, get with maxMembers, reject duplicate names and limit members:modify', async () => {
    const members = await createMany(3);
    const group = await people.contactGroups.create({ requestBody: { contactGroup: { name: 'Creatio' } } });
    const rn = group.data.resourceName ?? '';
    assert.equal(group.data.groupType, 'USER_CONTACT_GROUP');
    const dup = await failure(
      people.contactGroups.create({ requestBody: { contactGroup: { name: 'Creatio' } } }),
    );
    assert.equal(dup.status, 409);

    const mod = await people.contactGroups.members.modify({
      resourceName: rn,
      requestBody: { resourceNamesToAdd: [...members, 'people/c123'] },
    });
    assert.deepEqual(mod.data.notFoundResourceNames, ['people/c123']);

    const got = await people.contactGroups.get({ resourceName: rn, maxMembers: 2 });
    assert.equal(got.data.memberCount, 3);
    assert.equal(got.data.memberResourceNames?.length, 2);
    const withoutMembers = await people.contactGroups.get({ resourceName: rn });
    assert.equal(withoutMembers.data.memberResourceNames, undefined);

    const list = await people.contactGroups.list({});
    const names = (list.data.contactGroups ?? []).map((g) => g.name);
    assert.ok(names.includes('Creatio') && names.includes('myContacts'));

    const contact = await people.people.get({ resourceName: members[0] ?? '', personFields: 'memberships' });
    const groupsOfContact = contact.data.memberships?.map(
      (m) => m.contactGroupMembership?.contactGroupResourceName,
    );
    assert.deepEqual(groupsOfContact?.sort(), [rn, 'contactGroups/myContacts'].sort());

    const tooMany = Array.from({ length: 1001 }, (_, i) => `people/c${i}`);
    const big = await failure(
      people.contactGroups.members.modify({ resourceName: rn, requestBody: { resourceNamesToAdd: tooMany } }),
    );
    assert.equal(big.status, 400);

    const renamed = await people.contactGroups.update({
      resourceName: rn,
      requestBody: { contactGroup: { name: 'Creatio 2' } },
    });
    assert.equal(renamed.data.name, 'Creatio 2');
    assert.notEqual(renamed.data.etag, group.data.etag);
    await people.contactGroups.delete({ resourceName: rn });
    assert.equal((await failure(people.contactGroups.get({ resourceName: rn }))).status, 404);
  });

  it('when clientData is written, then it round-trips and survives updates of other fields', async () => {
    const created = await people.people.createContact({
      personFields: FIELDS,
      requestBody: { ...person(1), clientData: [{ key: 'crmId', value: 'crm-42' }] },
    });
    assert.deepEqual(
      created.data.clientData?.map((d) => [d.key, d.value]),
      [['crmId', 'crm-42']],
    );
    await people.people.updateContact({
      resourceName: created.data.resourceName ?? '',
      updatePersonFields: 'names',
      requestBody: { etag: created.data.etag, names: [{ givenName: 'New' }] },
    });
    const got = await people.people.get({
      resourceName: created.data.resourceName ?? '',
      personFields: FIELDS,
    });
    assert.equal(got.data.clientData?.[0]?.value, 'crm-42');
    assert.equal(got.data.names?.[0]?.givenName, 'New');
  });

  it('when the user has fields the product does not model, then an update of mapped fields leaves them untouched', async () => {
    const made = await env.control.createContact(ALICE, {
      names: [{ givenName: 'Una', familyName: 'Known' }],
      relations: [{ person: 'Bob', type: 'spouse' }],
      userDefined: [{ key: 'shoe size', value: '42' }],
      emailAddresses: [{ value: 'una@example.com', displayName: 'Una at work', customThing: { a: 1 } }],
    });
    const rn = String(made.resourceName);
    const current = await people.people.get({ resourceName: rn, personFields: 'names' });
    await people.people.updateContact({
      resourceName: rn,
      updatePersonFields: 'names',
      requestBody: { etag: current.data.etag, names: [{ givenName: 'Una', familyName: 'Changed' }] },
    });
    const after = await people.people.get({
      resourceName: rn,
      personFields: 'names,relations,userDefined,emailAddresses',
    });
    assert.equal(after.data.names?.[0]?.familyName, 'Changed');
    assert.equal(after.data.relations?.[0]?.person, 'Bob');
    assert.equal(after.data.userDefined?.[0]?.value, '42');
    const email = after.data.emailAddresses?.[0] as Record<string, unknown>;
    assert.equal(email.displayName, 'Una at work');
    assert.deepEqual(email.customThing, { a: 1 });
  });

  it('when a 429 with Retry-After is injected once, then the official client retries and succeeds, and the log counts both calls', async () => {
    await env.control.clearRequests();
    await env.control.addFault({
      match: { apiMethod: 'people.people.connections.list' },
      status: 429,
      retryAfter: 1,
      times: 1,
    });
    const res = await people.people.connections.list({ resourceName: 'people/me', personFields: 'names' });
    assert.equal(res.status, 200);
    const log = await env.control.requests({ entries: true });
    assert.equal(log.counts['people.people.connections.list'], 2);
    assert.deepEqual(
      log.entries?.map((e) => e.status),
      [429, 200],
    );

    await env.control.addFault({
      match: { method: 'GET', path: '/v1/people/*/connections' },
      status: 429,
      retryAfter: 7,
      times: 1,
    });
    const { client } = await linkedClient(env.base);
    const err = await failure(
      peopleApi(env.base, client, false).people.connections.list({
        resourceName: 'people/me',
        personFields: 'names',
      }),
    );
    assert.equal(err.status, 429);
    assert.equal(err.headers.get('retry-after'), '7');
    assert.equal(err.data.error.status, 'RESOURCE_EXHAUSTED');
  });

  it('when calls are made, then the request log counts them per API method and can be reset', async () => {
    await env.control.clearRequests();
    await createMany(2);
    await fullSync();
    await fullSync();
    const log = await env.control.requests();
    assert.equal(log.counts['people.people.batchCreateContacts'], 1);
    assert.equal(log.counts['people.people.connections.list'], 2);
    assert.equal(log.total, 3);
    await env.control.clearRequests();
    assert.equal((await env.control.requests()).total, 0);
  });
});
