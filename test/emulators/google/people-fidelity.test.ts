import assert from 'node:assert/strict';
import type { people_v1 } from '@googleapis/people';
import { beforeEach, describe, it } from 'mocha';
import { ALICE, failure, linkedClient, peopleApi, suiteEnv } from './helpers.js';

const FIELDS = 'names,memberships,metadata';
const DAY = 24 * 3600 * 1000;

/** Fidelity of the People API emulator to [DISCO-people] (see docs/google-apis.md#people-api). */
describe('Google emulator — People API fidelity', () => {
  const env = suiteEnv(beforeEach);
  let people: people_v1.People;

  beforeEach(async () => {
    const { client } = await linkedClient(env.base);
    people = peopleApi(env.base, client);
  });

  const person = (i: number): people_v1.Schema$Person => ({
    names: [{ givenName: `P${i}`, familyName: 'Probe' }],
  });

  /** Creates P0..P{n-1} in this order (so LAST_MODIFIED_ASCENDING lists them in this order). */
  async function createMany(n: number): Promise<string[]> {
    const res = await people.people.batchCreateContacts({
      requestBody: {
        contacts: Array.from({ length: n }, (_, i) => ({ contactPerson: person(i) })),
        readMask: 'names',
      },
    });
    return (res.data.createdPeople ?? []).map((c) => c.person?.resourceName ?? '');
  }

  const list = (params: people_v1.Params$Resource$People$Connections$List = {}) =>
    people.people.connections.list({
      resourceName: 'people/me',
      personFields: FIELDS,
      requestSyncToken: true,
      ...params,
    });

  const givenName = (p: people_v1.Schema$Person) => p.names?.[0]?.givenName ?? '';

  describe('paging is a stable cursor', () => {
    it('when contacts are edited, deleted and created between the pages of a full sync, then the full sync plus the next incremental sync deliver every contact with its latest state', async () => {
      const rns = await createMany(10);
      const page1 = await list({ pageSize: 5 });
      assert.deepEqual(page1.data.connections?.map(givenName), ['P0', 'P1', 'P2', 'P3', 'P4']);

      const current = await people.people.get({ resourceName: rns[2] ?? '', personFields: 'names' });
      await people.people.updateContact({
        resourceName: rns[2] ?? '',
        updatePersonFields: 'names',
        requestBody: { etag: current.data.etag, names: [{ givenName: 'P2-edited' }] },
      });
      await env.control.deleteContact(ALICE, rns[3] ?? ''); // already delivered on page 1
      await env.control.updateContact(ALICE, rns[6] ?? '', { names: [{ givenName: 'P6-edited' }] });
      await env.control.deleteContact(ALICE, rns[8] ?? ''); // not yet delivered
      const added = await people.people.createContact({ requestBody: person(10), personFields: 'names' });

      const page2 = await list({ pageSize: 5, pageToken: page1.data.nextPageToken ?? '' });
      assert.deepEqual(page2.data.connections?.map(givenName), ['P5', 'P6-edited', 'P7', 'P9']);
      assert.equal(page2.data.nextPageToken, undefined);
      assert.equal(page2.data.totalItems, 10, 'totalItems counts the listing fixed at its first page');
      const syncToken = page2.data.nextSyncToken ?? '';
      assert.ok(syncToken);

      const inc = await list({ pageSize: 5, syncToken });
      const changes = new Map((inc.data.connections ?? []).map((p) => [p.resourceName ?? '', p]));
      assert.deepEqual(
        [...changes.keys()].sort(),
        [rns[2], rns[3], rns[6], rns[8], added.data.resourceName].sort(),
      );
      assert.equal(givenName(changes.get(rns[2] ?? '') ?? {}), 'P2-edited');
      assert.equal(changes.get(rns[3] ?? '')?.metadata?.deleted, true);
      assert.equal(changes.get(rns[8] ?? '')?.metadata?.deleted, true);

      // Replaying full sync + incremental sync yields exactly the live contacts, in their latest state.
      const replica = new Map<string, string>();
      for (const p of [...(page1.data.connections ?? []), ...(page2.data.connections ?? [])]) {
        replica.set(p.resourceName ?? '', givenName(p));
      }
      for (const p of inc.data.connections ?? []) {
        if (p.metadata?.deleted) replica.delete(p.resourceName ?? '');
        else replica.set(p.resourceName ?? '', givenName(p));
      }
      const live = await list({ pageSize: 100, requestSyncToken: false });
      assert.deepEqual(
        new Map((live.data.connections ?? []).map((p) => [p.resourceName ?? '', givenName(p)])),
        replica,
      );
    });

    it('when an incremental sync pages and a changed contact changes again between its pages, then no other change is skipped', async () => {
      const rns = await createMany(6);
      const full1 = await list({ pageSize: 3 });
      const full2 = await list({ pageSize: 3, pageToken: full1.data.nextPageToken ?? '' });
      for (const rn of rns) await env.control.updateContact(ALICE, rn, { biographies: [{ value: 'x' }] });
      const page1 = await list({ pageSize: 3, syncToken: full2.data.nextSyncToken ?? '' });
      assert.equal(page1.data.connections?.length, 3);
      await env.control.updateContact(ALICE, rns[0] ?? '', { names: [{ givenName: 'again' }] });
      const page2 = await list({ pageSize: 3, pageToken: page1.data.nextPageToken ?? '' });
      const delivered = [...(page1.data.connections ?? []), ...(page2.data.connections ?? [])];
      assert.deepEqual(delivered.map((p) => p.resourceName).sort(), [...rns].sort());
      const next = await list({ pageSize: 3, syncToken: page2.data.nextSyncToken ?? '' });
      assert.deepEqual(
        next.data.connections?.map((p) => p.resourceName),
        [rns[0]],
      );
    });

    it('when a contact group is renamed between the pages of the group listing, then no group is skipped', async () => {
      const ids: string[] = [];
      for (const name of ['G1', 'G2', 'G3', 'G4']) {
        const g = await people.contactGroups.create({ requestBody: { contactGroup: { name } } });
        ids.push(g.data.resourceName ?? '');
      }
      // 8 system groups come first, so page 1 ends with G1 and G2.
      const page1 = await people.contactGroups.list({ pageSize: 10 });
      assert.deepEqual(
        page1.data.contactGroups?.slice(-2).map((g) => g.name),
        ['G1', 'G2'],
      );
      const g1 = await people.contactGroups.get({ resourceName: ids[0] ?? '' });
      await people.contactGroups.update({
        resourceName: ids[0] ?? '',
        requestBody: { contactGroup: { name: 'G1-renamed', etag: g1.data.etag } },
      });
      const page2 = await people.contactGroups.list({
        pageSize: 10,
        pageToken: page1.data.nextPageToken ?? '',
      });
      assert.deepEqual(
        page2.data.contactGroups?.map((g) => g.name),
        ['G3', 'G4'],
      );
      const inc = await people.contactGroups.list({ syncToken: page2.data.nextSyncToken ?? '' });
      assert.deepEqual(
        inc.data.contactGroups?.map((g) => g.name),
        ['G1-renamed'],
      );
    });
  });

  describe('failed updates change nothing', () => {
    async function snapshot(rn: string) {
      const p = await people.people.get({ resourceName: rn, personFields: FIELDS });
      return p.data;
    }

    it('when updateContact fails on memberships, then the contact keeps its fields and etag and no change is logged', async () => {
      const [rn = ''] = await createMany(1);
      const sync = (await list()).data.nextSyncToken ?? '';
      const before = await snapshot(rn);

      for (const memberships of [
        [],
        [{ contactGroupMembership: { contactGroupResourceName: 'contactGroups/friends' } }],
      ]) {
        const err = await failure(
          people.people.updateContact({
            resourceName: rn,
            updatePersonFields: 'names,memberships',
            requestBody: { etag: before.etag, names: [{ givenName: 'Changed' }], memberships },
          }),
        );
        assert.equal(err.status, 400);
        assert.equal(err.data.error.status, 'INVALID_ARGUMENT');
      }
      assert.deepEqual(await snapshot(rn), before);
      const inc = await list({ syncToken: sync });
      assert.equal(inc.data.connections, undefined, 'a failed update is no change');
    });

    it('when one item of batchUpdateContacts is invalid, then no item is applied and the error names the failing contact', async () => {
      const [a = '', b = ''] = await createMany(2);
      const before = [await snapshot(a), await snapshot(b)];
      const err = await failure(
        people.people.batchUpdateContacts({
          requestBody: {
            updateMask: 'names,memberships',
            readMask: 'names',
            contacts: {
              [a]: {
                etag: before[0]?.etag,
                names: [{ givenName: 'A-changed' }],
                memberships: before[0]?.memberships,
              },
              [b]: {
                etag: before[1]?.etag,
                names: [{ givenName: 'B-changed' }],
                memberships: [{ contactGroupMembership: { contactGroupResourceName: 'contactGroups/all' } }],
              },
            },
          },
        }),
      );
      assert.equal(err.status, 400);
      assert.deepEqual([await snapshot(a), await snapshot(b)], before, 'no item was applied');
      const details = err.data.error.details?.[0];
      assert.equal(
        details?.['@type'],
        'type.googleapis.com/google.people.v1.BatchUpdateContactsErrorDetails',
      );
      assert.deepEqual(Object.keys(details?.contactErrors ?? {}), [b]);
    });
  });

  describe('readMask of the batch mutate methods', () => {
    it('when batchCreateContacts has an empty or no readMask, then no person data comes back (contacts are still created)', async () => {
      for (const readMask of [undefined, '']) {
        const res = await people.people.batchCreateContacts({
          requestBody: {
            contacts: [{ contactPerson: person(1) }],
            ...(readMask === undefined ? {} : { readMask }),
          },
        });
        assert.deepEqual(res.data, {});
      }
      const all = await list({ requestSyncToken: false });
      assert.equal(all.data.connections?.length, 2);
    });

    it('when batchCreateContacts has a readMask, then each created person carries only those fields', async () => {
      const res = await people.people.batchCreateContacts({
        requestBody: {
          contacts: [{ contactPerson: { ...person(1), emailAddresses: [{ value: 'p1@example.com' }] } }],
          readMask: 'emailAddresses',
        },
      });
      const p = res.data.createdPeople?.[0]?.person ?? {};
      assert.deepEqual(Object.keys(p).sort(), ['emailAddresses', 'etag', 'resourceName']);
    });

    it('when batchUpdateContacts has an empty or no readMask, then no person data comes back (contacts are still updated)', async () => {
      const [rn = ''] = await createMany(1);
      for (const [i, readMask] of [undefined, ''].entries()) {
        const current = await people.people.get({ resourceName: rn, personFields: 'names' });
        const res = await people.people.batchUpdateContacts({
          requestBody: {
            updateMask: 'names',
            ...(readMask === undefined ? {} : { readMask }),
            contacts: { [rn]: { etag: current.data.etag, names: [{ givenName: `U${i}` }] } },
          },
        });
        assert.deepEqual(res.data, {});
      }
      const got = await people.people.get({ resourceName: rn, personFields: 'names' });
      assert.equal(givenName(got.data), 'U1');
    });
  });

  describe('batchCreateContacts is atomic', () => {
    it('when one contact of the batch is invalid, then nothing is created and the error has per-contact details', async () => {
      const err = await failure(
        people.people.batchCreateContacts({
          requestBody: {
            readMask: 'names',
            contacts: [
              { contactPerson: person(0) },
              { contactPerson: { names: [{ givenName: 'one' }, { givenName: 'two' }] } },
              { contactPerson: person(2) },
              {
                contactPerson: {
                  ...person(3),
                  memberships: [
                    { contactGroupMembership: { contactGroupResourceName: 'contactGroups/nope' } },
                  ],
                },
              },
            ],
          },
        }),
      );
      assert.equal(err.status, 400);
      assert.equal(err.data.error.status, 'INVALID_ARGUMENT');
      const all = await list({ requestSyncToken: false });
      assert.equal(all.data.connections, undefined, 'nothing was created');
      const details = err.data.error.details?.[0];
      assert.equal(
        details?.['@type'],
        'type.googleapis.com/google.people.v1.BatchCreateContactsErrorDetails',
      );
      assert.deepEqual(Object.keys(details?.contactErrors ?? {}), ['1', '3']);
      assert.equal(details?.contactErrors['1'].code, 3);
    });

    it('when a later contact of the batch names a group it cannot join, then the earlier ones are not created either', async () => {
      const err = await failure(
        people.people.batchCreateContacts({
          requestBody: {
            readMask: 'names',
            contacts: [
              { contactPerson: person(0) },
              {
                contactPerson: {
                  ...person(1),
                  memberships: [
                    { contactGroupMembership: { contactGroupResourceName: 'contactGroups/friends' } },
                  ],
                },
              },
            ],
          },
        }),
      );
      assert.equal(err.status, 400);
      const all = await list({ requestSyncToken: false });
      assert.equal(all.data.connections, undefined, 'nothing was created');
      assert.deepEqual(Object.keys(err.data.error.details?.[0]?.contactErrors ?? {}), ['1']);
    });

    it('when contacts is empty or missing, then the call fails with 400', async () => {
      for (const requestBody of [{ contacts: [], readMask: 'names' }, { readMask: 'names' }]) {
        const err = await failure(people.people.batchCreateContacts({ requestBody }));
        assert.equal(err.status, 400);
        assert.equal(err.data.error.status, 'INVALID_ARGUMENT');
      }
    });
  });

  describe('page and sync tokens need the parameters of the first call', () => {
    it('when a page token is used with another pageSize or requestSyncToken, then the call fails with 400 INVALID_ARGUMENT', async () => {
      await createMany(4);
      const page1 = await list({ pageSize: 2 });
      const pageToken = page1.data.nextPageToken ?? '';
      for (const params of [{ pageSize: 3 }, { pageSize: 2, requestSyncToken: false }]) {
        const err = await failure(list({ ...params, pageToken }));
        assert.equal(err.status, 400);
        assert.equal(err.data.error.status, 'INVALID_ARGUMENT');
      }
      const ok = await list({ pageSize: 2, pageToken });
      assert.equal(ok.data.connections?.length, 2);
    });

    it('when a sync token is used with another pageSize or without requestSyncToken, then the call fails with 400 INVALID_ARGUMENT', async () => {
      await createMany(1);
      const syncToken = (await list({ pageSize: 10 })).data.nextSyncToken ?? '';
      for (const params of [{ pageSize: 11 }, { pageSize: 10, requestSyncToken: false }]) {
        const err = await failure(list({ ...params, syncToken }));
        assert.equal(err.status, 400);
        assert.equal(err.data.error.status, 'INVALID_ARGUMENT');
      }
      assert.ok((await list({ pageSize: 10, syncToken })).data.nextSyncToken);
    });

    it('when sources are left out on the first call and given as the default later (or the reverse), then the tokens still fit', async () => {
      await createMany(3);
      const defaults = ['READ_SOURCE_TYPE_PROFILE', 'READ_SOURCE_TYPE_CONTACT'];
      const page1 = await list({ pageSize: 2 });
      const page2 = await list({ pageSize: 2, sources: defaults, pageToken: page1.data.nextPageToken ?? '' });
      const syncToken = page2.data.nextSyncToken ?? '';
      assert.ok(syncToken);
      assert.ok((await list({ pageSize: 2, syncToken })).data.nextSyncToken);
      const other = await failure(list({ pageSize: 2, sources: ['READ_SOURCE_TYPE_CONTACT'], syncToken }));
      assert.equal(other.status, 400);
    });

    it('when sources holds an unknown value, then the call fails with 400 INVALID_ARGUMENT', async () => {
      const err = await failure(list({ sources: ['READ_SOURCE_TYPE_BOGUS'] }));
      assert.equal(err.status, 400);
      assert.equal(err.data.error.status, 'INVALID_ARGUMENT');
    });
  });

  describe('page tokens expire like sync tokens', () => {
    it('when a full-sync page token is used more than 7 days after the first page, then EXPIRED_SYNC_TOKEN comes back', async () => {
      await createMany(3);
      const page1 = await list({ pageSize: 2 });
      env.emu.state.clock.advance(8 * DAY);
      people = peopleApi(env.base, (await linkedClient(env.base)).client); // the old access token expired too
      const err = await failure(list({ pageSize: 2, pageToken: page1.data.nextPageToken ?? '' }));
      assert.equal(err.status, 400);
      assert.equal(err.data.error.status, 'FAILED_PRECONDITION');
      assert.equal(err.data.error.details[0].reason, 'EXPIRED_SYNC_TOKEN');
    });

    it('when the control API expires the sync tokens, then outstanding full-sync page tokens expire too', async () => {
      await createMany(3);
      const page1 = await list({ pageSize: 2 });
      await env.control.expirePeopleSyncTokens(ALICE);
      const err = await failure(list({ pageSize: 2, pageToken: page1.data.nextPageToken ?? '' }));
      assert.equal(err.status, 400);
      assert.equal(err.data.error.details[0].reason, 'EXPIRED_SYNC_TOKEN');
    });
  });
});
