import assert from 'node:assert/strict';
import { people_v1 } from '@googleapis/people';
import { beforeEach, describe, it } from 'mocha';
import { GoogleApiCaller } from '../../../functions/src/adapters/google/apiCaller.js';
import { GoogleApiFailure } from '../../../functions/src/adapters/google/apiErrors.js';
import { accessOnly, linkedClient, suiteEnv } from './helpers.js';

/**
 * The sync's retry and token rules (functions/src/adapters/google/apiCaller.ts) against the emulator
 * with the official People client, retries of the client itself switched off.
 */
describe('GoogleApiCaller against the Google emulator', () => {
  const env = suiteEnv(beforeEach);
  let accessToken: string;
  let waits: number[];
  let tokenRequests: boolean[];

  beforeEach(async () => {
    accessToken = (await linkedClient(env.base)).tokens.access_token ?? '';
    waits = [];
    tokenRequests = [];
  });

  function caller(firstToken?: string) {
    const instance = new GoogleApiCaller(
      async (forceRefresh) => {
        tokenRequests.push(forceRefresh === true);
        return tokenRequests.length === 1 && firstToken ? firstToken : accessToken;
      },
      { sleep: async (ms) => void waits.push(ms), random: () => 0.5 },
    );
    const people = new people_v1.People({
      rootUrl: `${env.base}/`,
      auth: instance.auth as never,
      retry: false,
    });
    return { instance, people };
  }

  /** The account's contacts as Google lists them (the emulator makes writes visible at once). */
  async function contactCount(): Promise<number> {
    const people = new people_v1.People({
      rootUrl: `${env.base}/`,
      auth: accessOnly(env.base, accessToken) as never,
    });
    const res = await people.people.connections.list({ resourceName: 'people/me', personFields: 'names' });
    return res.data.connections?.length ?? 0;
  }

  const list = (people: people_v1.People) => () =>
    people.people.connections.list({ resourceName: 'people/me', personFields: 'names' });
  const create = (people: people_v1.People) => () =>
    people.people.createContact({ requestBody: { names: [{ givenName: 'Ada' }] } });

  it('when a list answers 429 with Retry-After, then it waits exactly that long and succeeds', async () => {
    await env.control.addFault({
      match: { apiMethod: 'people.people.connections.list' },
      status: 429,
      retryAfter: 2,
      times: 1,
    });
    const { instance, people } = caller();
    const res = await instance.call('connections.list', true, list(people));
    assert.equal(res.status, 200);
    assert.deepEqual(waits, [2000]);
    assert.equal((await env.control.requests()).counts['people.people.connections.list'], 2);
  });

  it('when a create is refused with a 403 rate limit, then it is repeated (Google did nothing)', async () => {
    await env.control.addFault({
      match: { apiMethod: 'people.people.createContact' },
      status: 403,
      times: 1,
    });
    const { instance, people } = caller();
    await instance.call('createContact', false, create(people));
    assert.equal(waits.length, 1);
    assert.equal(await contactCount(), 1);
  });

  it('when a create answers 503 after Google did the work, then it is not repeated: no duplicate contact', async () => {
    await env.control.addFault({
      match: { apiMethod: 'people.people.createContact' },
      status: 503,
      afterWork: true,
      times: 1,
    });
    const { instance, people } = caller();
    const failure = await instance.call('createContact', false, create(people)).catch((e: unknown) => e);
    assert.ok(failure instanceof GoogleApiFailure);
    assert.equal(failure.kind, 'unavailable');
    assert.deepEqual(waits, []);
    assert.equal(await contactCount(), 1, 'the write happened once although the client saw a 503');
  });

  it('when a GET keeps failing with 5xx, then it gives up after the policy attempts with a typed failure', async () => {
    await env.control.addFault({ match: { apiMethod: 'people.people.connections.list' }, status: 500 });
    const { instance, people } = caller();
    const failure = await instance.call('connections.list', true, list(people)).catch((e: unknown) => e);
    assert.ok(failure instanceof GoogleApiFailure);
    assert.equal(failure.kind, 'unavailable');
    assert.equal(waits.length, 4);
    assert.equal((await env.control.requests()).counts['people.people.connections.list'], 5);
  });

  it('when Google refuses the access token (401), then one fresh token is requested and the call succeeds', async () => {
    const { instance, people } = caller('ya29.not-a-token');
    const res = await instance.call('connections.list', true, list(people));
    assert.equal(res.status, 200);
    assert.deepEqual(tokenRequests, [false, true]);
  });

  it('when the fresh token is refused too, then the 401 surfaces instead of looping', async () => {
    accessToken = 'ya29.still-not-a-token';
    const { instance, people } = caller();
    const failure = await instance.call('connections.list', true, list(people)).catch((e: unknown) => e);
    assert.ok(failure instanceof GoogleApiFailure);
    assert.equal(failure.kind, 'unauthorized');
    assert.deepEqual(tokenRequests, [false, true]);
  });
});
