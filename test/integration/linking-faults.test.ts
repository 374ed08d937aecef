import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { listAccounts } from '../../functions/src/adapters/firestore/accounts.js';
import {
  forgetAccessToken,
  getAccessToken,
  ReauthRequiredError,
} from '../../functions/src/app/accounts/accessTokens.js';
import { openRefreshToken } from '../../functions/src/app/accounts/tokenVault.js';
import { AppError } from '../../functions/src/errors.js';
import type { TestStack } from '../support/stack.js';
import type { TestUser } from '../support/users.js';
import {
  accountsOf,
  assertOutcome,
  type Browser,
  browserOf,
  CLIENT_ID,
  CLIENT_SECRET,
  call,
  callsOf,
  captureLogs,
  control,
  deleteSecret,
  disableAllVersions,
  errorCode,
  followCallback,
  grants,
  link,
  resetToConfiguredApp,
  saveSettings,
  startLink,
  suiteUsers,
} from './linking-support.js';

/**
 * Fault paths of linking, token refresh, removal and the Google settings (docs/operations.md#administrator-setup, docs/behaviour.md#linking, docs/behaviour.md#removing-an-account):
 * Google's OAuth endpoints answering 429/5xx (injected through the Google emulator's control API),
 * Secret Manager state changed by hand, and duplicate callbacks. Whatever fails, nothing is stored
 * half-way, nothing is duplicated, no grant is left behind that the product could not revoke, and
 * the same action works once the fault is gone.
 */

const OAUTH_CLIENT_SECRET = 'oauth-client-secret';

/** google-auth-library retries 429/5xx itself (three times): a fault without `times` outlasts that. */
const persistent = (apiMethod: string, status: 429 | 500 | 503) => ({ match: { apiMethod }, status });

async function userinfoEmail(stack: TestStack, accessToken: string): Promise<string | undefined> {
  const response = await fetch(`${stack.googleApiBaseUrl}/v1/userinfo`, {
    headers: { authorization: `Bearer ${accessToken}` },
  });
  return response.ok ? ((await response.json()) as { email?: string }).email : undefined;
}

const REPO = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Runs the callback in a fresh Node process, as a cold Cloud Functions instance would: same
 * emulators (the environment is inherited), but no in-memory cache of Google's signing keys. The
 * test process's own verifier keeps the keys for their max-age once any suite has linked, so only a
 * cold instance ever asks the certs endpoint during a callback.
 */
async function callbackOnColdInstance(
  callbackUrl: URL,
  browser: Browser,
): Promise<{ outcome: unknown; output: string }> {
  const script = `
    const { pathToFileURL } = await import('node:url');
    const { completeLinking } = await import(pathToFileURL('functions/src/app/linking/completeLinking.ts').href);
    const outcome = await completeLinking({
      query: new URLSearchParams(process.env.CALLBACK_QUERY),
      cookieHeader: process.env.CALLBACK_COOKIE,
    });
    process.stdout.write('\\nOUTCOME ' + JSON.stringify(outcome) + '\\n', () => process.exit(0));
  `;
  const { stdout, stderr } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', '--no-experimental-require-module', '--input-type=module', '-e', script],
    {
      cwd: REPO,
      env: {
        ...process.env,
        CALLBACK_QUERY: callbackUrl.search.slice(1),
        CALLBACK_COOKIE: browser.headers().cookie,
      },
      timeout: 60_000,
    },
  );
  const line = stdout.split('\n').find((l) => l.startsWith('OUTCOME '));
  assert.ok(line, `the cold instance printed no outcome:\n${stdout}\n${stderr}`);
  return { outcome: JSON.parse(line.slice('OUTCOME '.length)), output: `${stdout}\n${stderr}` };
}

describe('linking faults: Google and Secret Manager trouble loses nothing and duplicates nothing', function () {
  this.timeout(180_000);
  let stack: TestStack;
  let admin: TestUser;
  let user: TestUser;
  let other: TestUser;

  before(async () => {
    ({ stack, admin, user, other } = await suiteUsers());
  });

  beforeEach(async () => {
    await resetToConfiguredApp(stack, admin);
    forgetAccessToken(user.uid);
    forgetAccessToken(other.uid);
  });

  afterEach(async () => {
    await control(stack).clearFaults();
  });

  // --- 1. The code exchange -------------------------------------------------------------------

  for (const status of [500, 503] as const) {
    it(`when Google's token endpoint answers ${status} to the code exchange, then google_error, nothing stored, the state used up, and a fresh link works`, async () => {
      const callbackUrl = await startLink(user);
      // What a replay would carry: the binding cookie as it was before the callback cleared it.
      const replayer = browserOf(user).clone();
      await control(stack).addFault(persistent('oauth2.token', status));
      const logs = captureLogs();
      let outcome: URL;
      try {
        outcome = await followCallback(callbackUrl, browserOf(user));
      } finally {
        logs.restore();
      }
      assertOutcome(outcome, { link: 'error', code: 'google_error' });
      const exchanges = await callsOf(stack, 'oauth2.token');
      assert.ok(exchanges.total >= 1 && exchanges.faulted === exchanges.total, 'every exchange was faulted');
      assert.deepEqual(await listAccounts(user.uid), [], 'no linked account in Firestore');
      assert.deepEqual(await accountsOf(user), []);
      assert.ok(
        logs.lines.some((line) => line.includes('the code exchange failed') && line.includes('google_error')),
        'the failure is logged with its cause',
      );
      assert.ok(!logs.lines.some((line) => line.includes(callbackUrl.searchParams.get('code') ?? '-')));

      // Google is back, but the state's nonce was consumed by the failed callback: a replay is refused.
      await control(stack).clearFaults();
      assertOutcome(await followCallback(callbackUrl, replayer), { link: 'error', code: 'state_invalid' });
      assert.equal(
        (await callsOf(stack, 'oauth2.token')).total,
        exchanges.total,
        'the replay never reached Google',
      );
      assert.deepEqual(await listAccounts(user.uid), []);

      assertOutcome((await link(user)).outcome, { link: 'ok' });
      const accounts = await accountsOf(user);
      assert.equal(accounts.length, 1);
      assert.equal(accounts[0]?.status, 'active');
      assert.equal((await listAccounts(user.uid)).length, 1);
    });
  }

  it('when the token endpoint fails once and then answers, then the retry links the account exactly once', async () => {
    const callbackUrl = await startLink(user);
    await control(stack).addFault({ ...persistent('oauth2.token', 503), times: 1 });
    assertOutcome(await followCallback(callbackUrl, browserOf(user)), { link: 'ok' });
    assert.deepEqual(await callsOf(stack, 'oauth2.token'), { total: 2, faulted: 1 });
    assert.equal((await listAccounts(user.uid)).length, 1);
    const live = (await grants(stack)).filter((grant) => !grant.revoked);
    assert.equal(live.length, 1, 'one live grant, the linked one');
  });

  // --- 2. Refreshing an access token -------------------------------------------------------------

  for (const status of [503, 429] as const) {
    it(`when Google answers ${status} to a refresh, then unavailable, the account stays active, and the next refresh works`, async () => {
      assertOutcome((await link(user)).outcome, { link: 'ok' });
      assertOutcome((await link(other)).outcome, { link: 'ok' });
      const [before] = await listAccounts(user.uid);
      assert.ok(before);
      forgetAccessToken(user.uid);
      await control(stack).addFault(persistent('oauth2.token', status));

      await assert.rejects(getAccessToken(user.uid), (error: unknown) => {
        assert.ok(error instanceof AppError, String(error));
        assert.ok(!(error instanceof ReauthRequiredError), 'a Google outage is not a dead grant');
        assert.equal(error.code, 'unavailable');
        assert.equal(error.status, 503);
        return true;
      });
      assert.ok((await callsOf(stack, 'oauth2.token')).faulted >= 1, 'the refresh reached Google');
      const [after] = await listAccounts(user.uid);
      assert.equal(after?.status, 'active');
      assert.equal(after?.statusReason ?? null, null);
      assert.equal(after?.refreshToken.ciphertext, before.refreshToken.ciphertext, 'the token was kept');
      assert.equal((await accountsOf(user))[0]?.status, 'active');
      assert.equal((await accountsOf(other))[0]?.status, 'active', 'other users are untouched');
      // Still failing while the fault lasts, and still not a reauthorization.
      await assert.rejects(
        getAccessToken(user.uid),
        (error: unknown) => (error as AppError).code === 'unavailable',
      );

      await control(stack).clearFaults();
      const access = await getAccessToken(user.uid);
      assert.equal(await userinfoEmail(stack, access.accessToken), user.email.toLowerCase());
      assert.equal((await accountsOf(user))[0]?.status, 'active');
    });
  }

  it('when two refreshes for the same user run while Google answers 503, then both fail unavailable and share one refresh request', async () => {
    assertOutcome((await link(user)).outcome, { link: 'ok' });
    forgetAccessToken(user.uid);
    await control(stack).addFault(persistent('oauth2.token', 503));
    const results = await Promise.allSettled([getAccessToken(user.uid), getAccessToken(user.uid)]);
    for (const result of results) {
      assert.equal(result.status, 'rejected');
      assert.equal((result as PromiseRejectedResult).reason.code, 'unavailable');
    }
    const concurrent = (await callsOf(stack, 'oauth2.token')).faulted;
    await control(stack).clearRequests();
    await assert.rejects(
      getAccessToken(user.uid),
      (error: unknown) => (error as AppError).code === 'unavailable',
    );
    const single = (await callsOf(stack, 'oauth2.token')).faulted;
    assert.ok(single >= 1);
    assert.equal(concurrent, single, 'two concurrent refreshes cost what one does (they share one request)');
    await control(stack).clearFaults();
    assert.ok((await getAccessToken(user.uid)).accessToken);
  });

  // --- 3. Removing an account --------------------------------------------------------------------

  it("when Google's revoke endpoint answers 503 during removal, then 503 unavailable, nothing deleted, and removal works once Google answers", async () => {
    assertOutcome((await link(user)).outcome, { link: 'ok' });
    const [account] = await accountsOf(user);
    assert.ok(account);
    await control(stack).addFault(persistent('oauth2.revoke', 503));

    const refused = await call('DELETE', `/api/me/accounts/${account.id}`, { user });
    assert.equal(refused.status, 503, refused.text);
    assert.equal(errorCode(refused), 'unavailable');
    assert.match((refused.json as { error: { message: string } }).error.message, /try again/i);
    assert.ok((await callsOf(stack, 'oauth2.revoke')).faulted >= 1, 'the revocation reached Google');
    assert.deepEqual(await accountsOf(user), [account], 'still listed, unchanged');
    const [stored] = await listAccounts(user.uid);
    assert.ok(stored, 'the record (and its token) is kept, so the grant can still be revoked later');
    assert.match(await openRefreshToken(user.uid, stored.refreshToken), /^1\/\//);
    assert.ok(
      (await grants(stack)).some((grant) => !grant.revoked),
      'the grant is live at Google, and the product still holds its token',
    );
    assert.ok((await getAccessToken(user.uid)).accessToken, 'the account still works for sync');

    await control(stack).clearFaults();
    const removed = await call('DELETE', `/api/me/accounts/${account.id}`, { user });
    assert.equal(removed.status, 204, removed.text);
    assert.deepEqual(await accountsOf(user), []);
    assert.deepEqual(await listAccounts(user.uid), []);
    assert.ok(
      (await grants(stack)).every((grant) => grant.revoked),
      'the grant is revoked at Google',
    );
  });

  it('when the revoke endpoint answers 503 once, then the retry revokes and the account is removed at the first try', async () => {
    assertOutcome((await link(user)).outcome, { link: 'ok' });
    const [account] = await accountsOf(user);
    await control(stack).addFault({ ...persistent('oauth2.revoke', 503), times: 1 });
    const removed = await call('DELETE', `/api/me/accounts/${account?.id}`, { user });
    assert.equal(removed.status, 204, removed.text);
    assert.deepEqual(await callsOf(stack, 'oauth2.revoke'), { total: 2, faulted: 1 });
    assert.deepEqual(await listAccounts(user.uid), []);
    assert.ok((await grants(stack)).every((grant) => grant.revoked));
  });

  // --- 4. Google's signing keys (id_token verification) -------------------------------------------

  it("when Google's certs endpoint answers 503 during a callback on a cold instance, then google_error, nothing stored, and the issued grant is revoked", async () => {
    const callbackUrl = await startLink(user);
    await control(stack).addFault(persistent('oauth2.certs', 503));

    const { outcome, output } = await callbackOnColdInstance(callbackUrl, browserOf(user));
    assert.deepEqual(outcome, { ok: false, code: 'google_error' });
    const certs = await callsOf(stack, 'oauth2.certs');
    assert.ok(certs.total >= 1 && certs.faulted === certs.total, 'the cold instance asked for the keys');
    assert.equal((await callsOf(stack, 'oauth2.token')).total, 1, 'the code was exchanged once');
    assert.match(output, /the id_token did not verify/);
    assert.deepEqual(await listAccounts(user.uid), [], 'nothing stored');
    assert.deepEqual(await accountsOf(user), []);
    assert.equal((await callsOf(stack, 'oauth2.revoke')).total, 1, 'the grant was revoked');
    const all = await grants(stack);
    assert.ok(all.length >= 1 && all.every((grant) => grant.revoked), 'no grant is left live at Google');

    await control(stack).clearFaults();
    assertOutcome(await followCallback(callbackUrl, browserOf(user)), {
      link: 'error',
      code: 'state_invalid',
    });
    assertOutcome((await link(user)).outcome, { link: 'ok' });
    assert.equal((await listAccounts(user.uid)).length, 1);
  });

  it('when the certs endpoint is down but this instance still holds the keys (max-age), then the link succeeds without asking for them', async () => {
    assertOutcome((await link(other)).outcome, { link: 'ok' }); // this process now holds Google's keys
    await control(stack).clearRequests();
    await control(stack).addFault(persistent('oauth2.certs', 503));
    assertOutcome((await link(user)).outcome, { link: 'ok' });
    assert.equal((await callsOf(stack, 'oauth2.certs')).total, 0);
    assert.equal((await listAccounts(user.uid)).length, 1);
  });

  // --- 5. Secret Manager ----------------------------------------------------------------------------

  it('when the newest oauth-client-secret version is disabled by hand, then GET claims no secret, linking is 409 google_app_not_configured, and saving the secret again repairs it', async () => {
    const callbackUrl = await startLink(user); // started while the secret was still readable
    await disableAllVersions(stack, OAUTH_CLIENT_SECRET);

    const settings = await call('GET', '/settings/google', { user: admin });
    assert.equal(settings.status, 200, settings.text);
    assert.equal((settings.json as { clientSecretSet: boolean }).clientSecretSet, false);
    assert.equal((settings.json as { clientId: string }).clientId, CLIENT_ID);

    const start = await call('POST', '/api/me/accounts/google', { user });
    assert.equal(start.status, 409, start.text);
    assert.equal(errorCode(start), 'google_app_not_configured');

    // The callback of the link started before: no secret, no exchange, nothing stored.
    assertOutcome(await followCallback(callbackUrl, browserOf(user)), {
      link: 'error',
      code: 'google_error',
    });
    assert.equal((await callsOf(stack, 'oauth2.token')).total, 0, 'no exchange without a secret');
    assert.deepEqual(await listAccounts(user.uid), []);

    const saved = await saveSettings(admin, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
    assert.equal((saved.json as { clientSecretSet: boolean }).clientSecretSet, true);
    assertOutcome((await link(user)).outcome, { link: 'ok' });
  });

  it('when the oauth-client-secret secret was deleted by hand, then GET claims no secret, a save without a secret keeps claiming none, and a save with one recreates it', async () => {
    await deleteSecret(stack, OAUTH_CLIENT_SECRET);
    const read = await call('GET', '/settings/google', { user: admin });
    assert.equal(read.status, 200, read.text);
    assert.equal((read.json as { clientSecretSet: boolean }).clientSecretSet, false);

    const withoutSecret = await saveSettings(admin, {
      clientId: CLIENT_ID,
      allowedDomains: ['corp.example'],
    });
    assert.equal((withoutSecret.json as { clientSecretSet: boolean }).clientSecretSet, false);
    assert.deepEqual((withoutSecret.json as { allowedDomains: string[] }).allowedDomains, ['corp.example']);

    const withSecret = await saveSettings(admin, {
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      allowedDomains: [],
    });
    assert.equal((withSecret.json as { clientSecretSet: boolean }).clientSecretSet, true);
    const again = await call('GET', '/settings/google', { user: admin });
    assert.equal((again.json as { clientSecretSet: boolean }).clientSecretSet, true);
    assertOutcome((await link(user)).outcome, { link: 'ok' });
  });

  // --- 6. Duplicate deliveries --------------------------------------------------------------------

  it('when the same callback arrives several times at once, then exactly one links, the others are state_invalid, and Google sees one exchange', async () => {
    const callbackUrl = await startLink(user);
    const outcomes = await Promise.all(
      Array.from({ length: 5 }, () => followCallback(callbackUrl, browserOf(user))),
    );
    const codes = outcomes.map(
      (outcome) => outcome.searchParams.get('code') ?? outcome.searchParams.get('link'),
    );
    assert.deepEqual(codes.sort(), [
      'ok',
      'state_invalid',
      'state_invalid',
      'state_invalid',
      'state_invalid',
    ]);
    assert.equal((await callsOf(stack, 'oauth2.token')).total, 1, 'the code was exchanged once');
    assert.equal((await listAccounts(user.uid)).length, 1);
    assert.equal((await accountsOf(user)).length, 1);
    assert.equal((await grants(stack)).filter((grant) => !grant.revoked).length, 1);
  });

  it('when two link attempts of the same user (two tabs) complete at once, then one linked account remains and it works', async () => {
    const first = await startLink(user);
    const second = await startLink(user);
    const outcomes = await Promise.all([
      followCallback(first, browserOf(user)),
      followCallback(second, browserOf(user)),
    ]);
    for (const outcome of outcomes) assertOutcome(outcome, { link: 'ok' });
    const stored = await listAccounts(user.uid);
    assert.equal(stored.length, 1, 'never two accounts for one user');
    assert.equal((await accountsOf(user)).length, 1);
    const access = await getAccessToken(user.uid);
    assert.equal(await userinfoEmail(stack, access.accessToken), user.email.toLowerCase());
  });
});
