import assert from 'node:assert/strict';
import { firestore } from '../../functions/src/adapters/firestore/client.js';
import { accountPath } from '../../functions/src/adapters/firestore/syncStatePaths.js';
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
  callsOf,
  captureLogs,
  link,
  resetToConfiguredApp,
  suiteUsers,
} from './linking-support.js';

/**
 * A refresh token whose `token-encryption-key` version is gone (disabled or destroyed by an
 * operator) can never be opened again. It must not fail every run as `internal` while the account
 * looks active: the account becomes `reauthRequired`, and the operator reads one error line naming
 * the key version (issue #16, point 7).
 */

describe('linked accounts: a refresh token that cannot be decrypted any more', function () {
  this.timeout(120_000);
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
  });

  /** Points the stored token at a key version Secret Manager does not have (as after destroying it). */
  async function loseKeyVersion(someone: TestUser, version: string): Promise<void> {
    const [account] = await accountsOf(someone);
    assert.ok(account);
    await firestore()
      .doc(accountPath(someone.uid, account.id))
      .update({ 'refreshToken.keyVersion': version });
  }

  it('when the key version that sealed the token is gone, then the account becomes reauthRequired, one error line names the version, and later runs stop at the status', async () => {
    assertOutcome((await link(user)).outcome, { link: 'ok' });
    assertOutcome((await link(other)).outcome, { link: 'ok' });
    await loseKeyVersion(user, '987');
    // Linking leaves its access token in this instance's memory; a fresh instance has to decrypt.
    forgetAccessToken(user.uid);
    const refreshesBefore = (await callsOf(stack, 'oauth2.token')).total;

    const logs = captureLogs();
    try {
      for (let attempt = 0; attempt < 3; attempt += 1) {
        await assert.rejects(getAccessToken(user.uid), (error: unknown) => {
          assert.ok(error instanceof ReauthRequiredError, String(error));
          return true;
        });
      }
    } finally {
      logs.restore();
    }
    const errors = logs.lines.map((line) => JSON.parse(line)).filter((entry) => entry.severity === 'ERROR');
    assert.equal(errors.length, 1, JSON.stringify(errors));
    assert.equal(errors[0].keyVersion, '987');
    assert.match(errors[0].message, /cannot be decrypted/);
    assert.equal((await accountsOf(user))[0]?.status, 'reauthRequired');
    assert.equal((await callsOf(stack, 'oauth2.token')).total, refreshesBefore, 'Google was never asked');

    // Nobody else is affected, and linking again repairs the account.
    assert.ok((await getAccessToken(other.uid)).accessToken);
    assert.equal((await accountsOf(other))[0]?.status, 'active');
    assertOutcome((await link(user)).outcome, { link: 'ok' });
    assert.equal((await accountsOf(user))[0]?.status, 'active');
    assert.ok((await getAccessToken(user.uid)).accessToken);
  });
});
