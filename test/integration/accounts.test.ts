import assert from 'node:assert/strict';
import { firestore } from '../../functions/src/adapters/firestore/client.js';
import {
  ACCOUNT_SUBCOLLECTIONS,
  accountPath,
  USER_SYNC_STATE_COLLECTIONS,
} from '../../functions/src/adapters/firestore/syncStatePaths.js';
import {
  forgetAccessToken,
  getAccessToken,
  ReauthRequiredError,
} from '../../functions/src/app/accounts/accessTokens.js';
import type { TestStack } from '../support/stack.js';
import type { TestUser } from '../support/users.js';
import {
  accountsOf,
  assertOutcome,
  CLIENT_ID,
  call,
  control,
  grants,
  link,
  OTHER_CLIENT_ID,
  OTHER_CLIENT_SECRET,
  resetToConfiguredApp,
  saveSettings,
  suiteUsers,
} from './linking-support.js';

async function userinfoEmail(stack: TestStack, accessToken: string): Promise<string | undefined> {
  const response = await fetch(`${stack.googleApiBaseUrl}/v1/userinfo`, {
    headers: { authorization: `Bearer ${accessToken}` },
  });
  return response.ok ? ((await response.json()) as { email?: string }).email : undefined;
}

describe('accounts: health, access tokens and removal', function () {
  this.timeout(180_000);
  let stack: TestStack;
  let admin: TestUser;
  let alice: TestUser;
  let bob: TestUser;

  before(async () => {
    ({ stack, admin, user: alice, other: bob } = await suiteUsers());
  });

  beforeEach(async () => {
    await resetToConfiguredApp(stack, admin);
    assertOutcome((await link(alice)).outcome, { link: 'ok' });
    assertOutcome((await link(bob)).outcome, { link: 'ok' });
  });

  it('when the sync asks for an access token, then a working one comes back, reused while valid', async () => {
    const first = await getAccessToken(alice.uid);
    assert.equal(await userinfoEmail(stack, first.accessToken), alice.email.toLowerCase());
    assert.equal(first.account.email, alice.email.toLowerCase());
    const again = await getAccessToken(alice.uid);
    assert.equal(again.accessToken, first.accessToken);
  });

  it('when Google answers invalid_grant, then only that account becomes reauthRequired', async () => {
    await control(stack).revokeGrant(alice.email);
    // Alice's tokens only: Bob's live on (linking cached his, to watch his calendar, docs/behaviour.md#near-real-time-calendar).
    await control(stack).expireAccessTokens(alice.email);
    // A fresh process has no cached access token: drop ours so the refresh really happens.
    forgetAccessToken(alice.uid);
    await assert.rejects(getAccessToken(alice.uid), ReauthRequiredError);
    assert.equal((await accountsOf(alice))[0]?.status, 'reauthRequired');
    await assert.rejects(
      getAccessToken(alice.uid),
      ReauthRequiredError,
      'stays refused without asking Google',
    );

    assert.equal((await accountsOf(bob))[0]?.status, 'active');
    const bobs = await getAccessToken(bob.uid);
    assert.equal(await userinfoEmail(stack, bobs.accessToken), bob.email.toLowerCase());
  });

  it('when the user links again after reauthRequired, then the account is active again', async () => {
    await control(stack).revokeGrant(alice.email);
    forgetAccessToken(alice.uid);
    await assert.rejects(getAccessToken(alice.uid));
    assertOutcome((await link(alice)).outcome, { link: 'ok' });
    assert.equal((await accountsOf(alice))[0]?.status, 'active');
    assert.ok((await getAccessToken(alice.uid)).accessToken);
  });

  it('when the administrator switches to another OAuth client, then accounts of the old one need reauthorization', async () => {
    await saveSettings(admin, { clientId: OTHER_CLIENT_ID, clientSecret: OTHER_CLIENT_SECRET });
    assert.equal((await accountsOf(alice))[0]?.status, 'reauthRequired');
    await assert.rejects(getAccessToken(alice.uid), ReauthRequiredError);
    assertOutcome((await link(alice)).outcome, { link: 'ok' });
    assert.equal((await accountsOf(alice))[0]?.status, 'active');
    assert.equal((await accountsOf(bob))[0]?.status, 'reauthRequired');
    const oldGrant = (await grants(stack)).find(
      (grant) => grant.clientId === CLIENT_ID && grant.email.toLowerCase() === alice.email.toLowerCase(),
    );
    assert.equal(oldGrant?.revoked, true, "relinking revoked the old client's grant");
  });

  it('when a user removes the account, then the grant is revoked and its token and sync state are deleted; CRM data stays', async () => {
    const [account] = await accountsOf(alice);
    assert.ok(account);
    const db = firestore();
    const base = accountPath(alice.uid, account.id);
    await db.doc(`${base}/${ACCOUNT_SUBCOLLECTIONS.cursors}/contacts`).set({ syncToken: 'x' });
    await db
      .doc(`${base}/${ACCOUNT_SUBCOLLECTIONS.mappings}/m1`)
      .set({ crmId: 'c1', resourceName: 'people/1' });
    await db.doc(`${USER_SYNC_STATE_COLLECTIONS.schedule}/${alice.uid}`).set({ contactsDueAt: 1 });
    await db.doc(`users/${alice.uid}/syncRuns/r1`).set({ status: 'succeeded' });
    await db.doc('crmTestRecords/c1').set({ name: 'stays' });

    const removed = await call('DELETE', `/api/me/accounts/${account.id}`, { user: alice });
    assert.equal(removed.status, 204, removed.text);
    assert.equal(removed.text, '');

    assert.deepEqual(await accountsOf(alice), []);
    const aliceGrant = (await grants(stack)).find((g) => g.email.toLowerCase() === alice.email.toLowerCase());
    assert.equal(aliceGrant?.revoked, true);
    for (const path of [
      base,
      `${base}/${ACCOUNT_SUBCOLLECTIONS.cursors}/contacts`,
      `${base}/${ACCOUNT_SUBCOLLECTIONS.mappings}/m1`,
      `${USER_SYNC_STATE_COLLECTIONS.schedule}/${alice.uid}`,
    ]) {
      assert.equal((await db.doc(path).get()).exists, false, `${path} was deleted`);
    }
    assert.equal((await db.doc(`users/${alice.uid}/syncRuns/r1`).get()).exists, true, 'run history stays');
    assert.equal((await db.doc('crmTestRecords/c1').get()).exists, true, 'CRM data stays');

    await assert.rejects(
      getAccessToken(alice.uid),
      (error: { code?: string }) => error.code === 'no_linked_account',
    );
    assert.equal((await accountsOf(bob))[0]?.status, 'active', 'other users are untouched');
  });

  it('when the grant was already revoked at Google, then removal still succeeds', async () => {
    const [account] = await accountsOf(alice);
    await control(stack).revokeGrant(alice.email);
    const removed = await call('DELETE', `/api/me/accounts/${account?.id}`, { user: alice });
    assert.equal(removed.status, 204, removed.text);
    assert.deepEqual(await accountsOf(alice), []);
  });

  it("when a user tries to remove someone else's account or an unknown id, then 404 and nothing changes", async () => {
    const [bobsAccount] = await accountsOf(bob);
    for (const id of [bobsAccount?.id, 'no-such-account', 'bad%2Fid']) {
      const result = await call('DELETE', `/api/me/accounts/${id}`, { user: alice });
      assert.equal(result.status, 404, `${id}: ${result.text}`);
      assert.equal((result.json as { error: { code: string } }).error.code, 'not_found');
    }
    assert.deepEqual(await accountsOf(bob), [bobsAccount]);
    assert.equal((await grants(stack)).filter((g) => g.revoked).length, 0);
  });

  it('when the accounts are listed without a token, then 401', async () => {
    assert.equal((await call('GET', '/api/me/accounts')).status, 401);
  });

  it('when the accounts list gets a bad pageSize or a foreign pageToken, then 400 names the parameter', async () => {
    for (const [query, field] of [
      ['pageSize=2000', 'pageSize'],
      ['pageSize=0', 'pageSize'],
      ['pageToken=garbage', 'pageToken'],
    ] as const) {
      const result = await call('GET', `/api/me/accounts?${query}`, { user: alice });
      assert.equal(result.status, 400, query);
      const error = (result.json as { error: { details: { fields: Record<string, string> } } }).error;
      assert.ok(error.details.fields[field], `${query}: ${result.text}`);
    }
    assert.equal((await call('GET', '/api/me/accounts?pageSize=1000', { user: alice })).status, 200);
  });
});
