import assert from 'node:assert/strict';
import { listAccounts } from '../../functions/src/adapters/firestore/accounts.js';
import { currentKey } from '../../functions/src/adapters/secrets/encryptionKeys.js';
import { openRefreshToken } from '../../functions/src/app/accounts/tokenVault.js';
import { linkingClock } from '../../functions/src/app/linking/clock.js';
import { signState } from '../../functions/src/core/crypto/oauthState.js';
import { resetFirestore, type TestStack } from '../support/stack.js';
import type { TestUser } from '../support/users.js';
import {
  accountsOf,
  allFirestoreText,
  askToLink,
  assertOutcome,
  Browser,
  browserOf,
  CALENDAR_EVENTS,
  CLIENT_ID,
  CLIENT_SECRET,
  CONTACTS,
  call,
  captureLogs,
  control,
  followCallback,
  followGoogle,
  grants,
  link,
  nextConsentBy,
  resetToConfiguredApp,
  responseTexts,
  saveSettings,
  startLink,
  suiteUsers,
} from './linking-support.js';

const REQUESTED = `openid email profile ${CONTACTS} ${CALENDAR_EVENTS}`;

describe('linking: POST /api/me/accounts/google and GET /oauthCallback', function () {
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
  });

  it('when no Client ID is configured, then 409 google_app_not_configured', async () => {
    await resetFirestore(stack);
    const result = await call('POST', '/api/me/accounts/google', { user });
    assert.equal(result.status, 409);
    assert.equal((result.json as { error: { code: string } }).error.code, 'google_app_not_configured');
  });

  it('when a user asks to link, then the URL asks Google for offline access, consent, the scopes, PKCE S256 and a signed state', async () => {
    const result = await call('POST', '/api/me/accounts/google', { user });
    assert.equal(result.status, 200);
    const url = new URL((result.json as { authorizationUrl: string }).authorizationUrl);
    assert.equal(`${url.origin}${url.pathname}`, `${stack.googleApiBaseUrl}/o/oauth2/v2/auth`);
    const q = url.searchParams;
    assert.equal(q.get('client_id'), CLIENT_ID);
    assert.equal(q.get('redirect_uri'), `${stack.baseUrl}/oauthCallback`);
    assert.equal(q.get('response_type'), 'code');
    assert.equal(q.get('access_type'), 'offline');
    assert.equal(q.get('prompt'), 'consent');
    assert.equal(q.get('scope'), REQUESTED);
    assert.equal(q.get('code_challenge_method'), 'S256');
    assert.match(q.get('code_challenge') ?? '', /^[\w-]{43}$/);
    assert.match(q.get('state') ?? '', /^[\w-]+\.[\w-]{43}$/);
    assert.equal(q.get('login_hint'), user.email);
    assert.equal(q.get('hd'), null, 'no hd without exactly one allowed domain');
    assert.ok(!url.toString().includes(CLIENT_SECRET));
  });

  it('when exactly one domain is allowed, then the URL carries it as hd', async () => {
    await saveSettings(admin, { clientId: CLIENT_ID, allowedDomains: ['corp.example'] });
    const result = await call('POST', '/api/me/accounts/google', { user });
    assert.equal(
      new URL((result.json as { authorizationUrl: string }).authorizationUrl).searchParams.get('hd'),
      'corp.example',
    );
  });

  it('when the user consents to everything, then the account is linked with all capabilities', async () => {
    const { outcome } = await link(user);
    assert.equal(outcome.origin + outcome.pathname, `${stack.baseUrl}/app/`);
    assertOutcome(outcome, { link: 'ok' });
    const [account, ...rest] = await accountsOf(user);
    assert.equal(rest.length, 0);
    assert.ok(account);
    assert.deepEqual(Object.keys(account).sort(), [
      'capabilities',
      'email',
      'id',
      'linkedAt',
      'missing',
      'provider',
      'scopes',
      'status',
    ]);
    assert.equal(account.provider, 'google');
    assert.equal(account.email, user.email.toLowerCase());
    assert.equal(account.status, 'active');
    assert.deepEqual(account.missing, []);
    assert.deepEqual(account.capabilities, { contacts: true, calendar: true });
    assert.ok(account.scopes.includes(CONTACTS) && account.scopes.includes(CALENDAR_EVENTS));
    assert.ok(!Number.isNaN(Date.parse(account.linkedAt)));
    assert.deepEqual(await accountsOf(other), [], 'other users see nothing');
  });

  it('when the same callback is replayed, then the second one is state_invalid and nothing changes', async () => {
    const browser = new Browser();
    const callbackUrl = await followGoogle(await askToLink(user, browser));
    // The replay even carries the binding cookie as it was before the callback cleared it.
    const replayer = browser.clone();
    assertOutcome(await followCallback(callbackUrl, browser), { link: 'ok' });
    const [before] = await accountsOf(user);
    assertOutcome(await followCallback(callbackUrl, replayer), { link: 'error', code: 'state_invalid' });
    assert.deepEqual(await accountsOf(user), [before]);
  });

  it('when the state is forged or missing, then state_invalid and no account', async () => {
    const callbackUrl = await startLink(user);
    const state = callbackUrl.searchParams.get('state') ?? '';
    const [payload = '', mac = ''] = state.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    const forgedPayload = Buffer.from(JSON.stringify({ ...claims, uid: other.uid })).toString('base64url');
    for (const forged of [`${forgedPayload}.${mac}`, `${payload}.${mac.slice(0, -2)}AA`, 'nonsense', '']) {
      const tampered = new URL(callbackUrl);
      tampered.searchParams.set('state', forged);
      assertOutcome(await followCallback(tampered, browserOf(user)), {
        link: 'error',
        code: 'state_invalid',
      });
    }
    assert.deepEqual(await accountsOf(user), []);
    assert.deepEqual(await accountsOf(other), []);
  });

  it('when the state was issued more than 10 minutes ago, then state_expired', async () => {
    const realNow = linkingClock.now;
    linkingClock.now = () => new Date(Date.now() - 11 * 60 * 1000);
    let callbackUrl: URL;
    try {
      callbackUrl = await startLink(user);
    } finally {
      linkingClock.now = realNow;
    }
    assertOutcome(await followCallback(callbackUrl, browserOf(user)), {
      link: 'error',
      code: 'state_expired',
    });
    assert.deepEqual(await accountsOf(user), []);
  });

  it("when a validly signed state names one user with another user's nonce, then state_invalid", async () => {
    // Sign with the deployment's real key, as only a leak could: the nonce binding must still hold.
    const callbackUrl = await startLink(user);
    const claims = JSON.parse(
      Buffer.from((callbackUrl.searchParams.get('state') ?? '').split('.')[0] ?? '', 'base64url').toString(
        'utf8',
      ),
    );
    const crossed = new URL(callbackUrl);
    crossed.searchParams.set(
      'state',
      signState({ uid: other.uid, nonce: claims.nonce, iat: Date.now() }, await currentKey()),
    );
    assertOutcome(await followCallback(crossed, browserOf(user)), { link: 'error', code: 'state_invalid' });
    assert.deepEqual(await accountsOf(other), []);
    assert.deepEqual(await accountsOf(user), []);
  });

  it('when the user denies consent, then access_denied and nothing is stored', async () => {
    await control(stack).queueConsent({ action: 'deny' });
    const { outcome, callbackUrl } = await link(user);
    assert.equal(callbackUrl.searchParams.get('error'), 'access_denied');
    assertOutcome(outcome, { link: 'error', code: 'access_denied' });
    assert.deepEqual(await accountsOf(user), []);
  });

  it('when only contacts is granted, then the account is linked for contacts and the outcome names the missing scope', async () => {
    await control(stack).queueConsent({ action: 'grant', scopes: [CONTACTS] });
    const { outcome } = await link(user);
    assertOutcome(outcome, { link: 'ok', missing: CALENDAR_EVENTS });
    const [account] = await accountsOf(user);
    assert.deepEqual(account?.capabilities, { contacts: true, calendar: false });
    assert.deepEqual(account?.missing, [CALENDAR_EVENTS]);
  });

  it('when neither contacts nor calendar is granted, then missing_scopes, nothing stored and the grant revoked', async () => {
    await control(stack).queueConsent({ action: 'grant', scopes: [] });
    const { outcome } = await link(user);
    assertOutcome(outcome, { link: 'error', code: 'missing_scopes' });
    assert.deepEqual(await accountsOf(user), []);
    assert.ok((await grants(stack)).every((grant) => grant.revoked));
  });

  it('when the Google account is outside the allowed domains, then domain_not_allowed and nothing stored', async () => {
    await saveSettings(admin, { clientId: CLIENT_ID, allowedDomains: ['corp.example'] });
    await nextConsentBy(stack, 'someone@elsewhere.example', 'elsewhere.example');
    assertOutcome((await link(user)).outcome, { link: 'error', code: 'domain_not_allowed' });
    assert.deepEqual(await accountsOf(user), []);
    assert.ok((await grants(stack)).every((grant) => grant.revoked));
  });

  it('when the Google account is in an allowed domain (hd claim), then it is linked', async () => {
    await saveSettings(admin, { clientId: CLIENT_ID, allowedDomains: ['corp.example'] });
    await nextConsentBy(stack, 'seller@corp.example', 'corp.example');
    assertOutcome((await link(user)).outcome, { link: 'ok' });
    assert.equal((await accountsOf(user))[0]?.email, 'seller@corp.example');
  });

  it('when the user links the same Google account again, then it stays one account with the same id', async () => {
    await link(user);
    const [first] = await accountsOf(user);
    assertOutcome((await link(user)).outcome, { link: 'ok' });
    const accounts = await accountsOf(user);
    assert.equal(accounts.length, 1);
    assert.equal(accounts[0]?.id, first?.id);
    assert.ok(
      (await grants(stack)).some((grant) => !grant.revoked),
      'the live grant was not revoked',
    );
  });

  it('when the user links another Google account, then it replaces the first, whose grant is revoked', async () => {
    await link(user);
    await nextConsentBy(stack, 'second@example.com');
    assertOutcome((await link(user)).outcome, { link: 'ok' });
    const accounts = await accountsOf(user);
    assert.deepEqual(
      accounts.map((a) => a.email),
      ['second@example.com'],
    );
    const byEmail = new Map((await grants(stack)).map((grant) => [grant.email.toLowerCase(), grant]));
    assert.equal(byEmail.get(user.email.toLowerCase())?.revoked, true);
    assert.equal(byEmail.get('second@example.com')?.revoked, false);
  });

  it("when a Google account with another address is linked, then the user's own CRM contact carries that address", async () => {
    await nextConsentBy(stack, 'Work.Address@corp.example', 'corp.example');
    assertOutcome((await link(user)).outcome, { link: 'ok' });
    const me = await call('GET', '/api/me', { user });
    const contactId = (me.json as { contactId: string }).contactId;
    const contact = await call('GET', `/api/contacts/${contactId}`, { user });
    assert.equal(contact.status, 200, contact.text);
    const addresses = (contact.json as { emails: { address: string }[] }).emails.map((e) =>
      e.address.toLowerCase(),
    );
    assert.ok(addresses.includes(user.email.toLowerCase()), 'the sign-in email stays');
    assert.ok(addresses.includes('work.address@corp.example'), 'the Google email was added');
  });

  it('when accounts are linked, then neither the client secret nor a refresh token is in Firestore, a log line or a response', async () => {
    const logs = captureLogs();
    try {
      responseTexts.length = 0;
      await link(user);
      await control(stack).queueConsent({ action: 'grant', scopes: [CALENDAR_EVENTS] });
      await link(other);
      await accountsOf(user);
      await accountsOf(other);
      await call('GET', '/settings/google', { user: admin });

      const secrets = [CLIENT_SECRET];
      for (const someone of [user, other]) {
        const [stored] = await listAccounts(someone.uid);
        assert.ok(stored);
        const refreshToken = await openRefreshToken(someone.uid, stored.refreshToken);
        assert.match(refreshToken, /^1\/\//);
        secrets.push(refreshToken);
      }
      const firestoreText = await allFirestoreText();
      assert.ok(firestoreText.includes('linkedAccounts'), 'the scan saw the accounts');
      assert.ok(
        logs.lines.some((line) => line.includes('Google account linked')),
        'the logs were captured',
      );
      for (const secret of secrets) {
        const sample = secret.slice(0, 12);
        assert.ok(!firestoreText.includes(secret), `Firestore holds ${sample}…`);
        assert.ok(!logs.lines.some((line) => line.includes(secret)), `a log line holds ${sample}…`);
        assert.ok(!responseTexts.some((text) => text.includes(secret)), `a response holds ${sample}…`);
      }
    } finally {
      logs.restore();
    }
  });
});
