import assert from 'node:assert/strict';
import { listAccounts } from '../../functions/src/adapters/firestore/accounts.js';
import type { TestStack } from '../support/stack.js';
import type { TestUser } from '../support/users.js';
import {
  accountsOf,
  allFirestoreText,
  askToLink,
  assertOutcome,
  Browser,
  browserOf,
  call,
  callsOf,
  followCallback,
  followGoogle,
  link,
  nextConsentBy,
  resetToConfiguredApp,
  suiteUsers,
} from './linking-support.js';

/**
 * Login CSRF on linking (docs/behaviour.md#oauth-callback, RFC 6749 §10.12): the callback must arrive in the browser
 * that asked for the authorization URL, or a user could send their URL to a colleague and have the
 * colleague's Google account linked to themselves.
 */

async function ownContactOf(user: TestUser): Promise<unknown> {
  const me = await call('GET', '/api/me', { user });
  assert.equal(me.status, 200, me.text);
  const contact = await call('GET', `/api/contacts/${(me.json as { contactId: string }).contactId}`, {
    user,
  });
  assert.equal(contact.status, 200, contact.text);
  return contact.json;
}

/** The one `Set-Cookie` of an answer, split into its name, value and attributes (lower-cased names). */
function parseSetCookie(headers: Headers): { name: string; value: string; attributes: Map<string, string> } {
  const lines = headers.getSetCookie();
  assert.equal(lines.length, 1, `one cookie expected, got ${JSON.stringify(lines)}`);
  const [pair = '', ...rest] = (lines[0] ?? '').split(';').map((part) => part.trim());
  const separator = pair.indexOf('=');
  const attributes = new Map(
    rest.map((attribute) => {
      const [key = '', value = ''] = attribute.split('=');
      return [key.toLowerCase(), value];
    }),
  );
  return { name: pair.slice(0, separator), value: pair.slice(separator + 1), attributes };
}

describe('linking: the OAuth flow is bound to the browser that started it', function () {
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
  });

  it("when Alice's authorization URL is completed in Bob's browser with Bob's Google account, then state_invalid, nothing is linked and Alice's contact is unchanged", async () => {
    const aliceContact = await ownContactOf(alice);
    const bobContact = await ownContactOf(bob);
    const sentToBob = await askToLink(alice, browserOf(alice));

    // Bob's browser: it even holds a binding of Bob's own, from a link attempt he started himself.
    const bobsBrowser = new Browser();
    await askToLink(bob, bobsBrowser);
    await nextConsentBy(stack, 'bob.private@gmail.example');
    const callbackUrl = await followGoogle(sentToBob);
    assert.ok(callbackUrl.searchParams.get('code'), 'Google consented and issued a code');
    assertOutcome(await followCallback(callbackUrl, bobsBrowser), { link: 'error', code: 'state_invalid' });

    assert.deepEqual(await listAccounts(alice.uid), [], 'nothing linked to Alice');
    assert.deepEqual(await listAccounts(bob.uid), [], 'nothing linked to Bob');
    assert.deepEqual(await ownContactOf(alice), aliceContact, "Alice's contact did not gain Bob's email");
    assert.deepEqual(await ownContactOf(bob), bobContact);
    assert.equal((await callsOf(stack, 'oauth2.token')).total, 0, "Bob's code was never exchanged");
    assert.ok(!(await allFirestoreText()).includes('bob.private@gmail.example'));

    // The URL that went astray is dead, also for Alice's own browser afterwards.
    assertOutcome(await followCallback(callbackUrl, browserOf(alice)), {
      link: 'error',
      code: 'state_invalid',
    });
    assert.deepEqual(await listAccounts(alice.uid), []);
  });

  it('when the callback comes without the cookie, or with a wrong value under its name, then state_invalid and nothing linked', async () => {
    for (const tamper of ['drop', 'wrong value'] as const) {
      const browser = new Browser();
      const authorizationUrl = await askToLink(alice, browser);
      const [name] = browser.names();
      const arriving = new Browser();
      if (tamper === 'wrong value') {
        arriving.keep(new Headers([['set-cookie', `${name}=${'A'.repeat(43)}; Path=/`]]));
        assert.deepEqual(arriving.names(), [name]);
      }
      const callbackUrl = await followGoogle(authorizationUrl);
      assertOutcome(await followCallback(callbackUrl, arriving), { link: 'error', code: 'state_invalid' });
    }
    assert.deepEqual(await listAccounts(alice.uid), []);
    assert.equal((await callsOf(stack, 'oauth2.token')).total, 0);
  });

  it('when a user asks for the URL, then the answer sets an HttpOnly, Secure, SameSite=Lax __session cookie (the one name Firebase Hosting forwards) whose value is stored nowhere', async () => {
    const started = await call('POST', '/api/me/accounts/google', { user: alice });
    assert.equal(started.status, 200, started.text);
    assert.deepEqual(Object.keys(started.json as object), ['authorizationUrl']);
    assert.equal(started.headers.get('cache-control'), 'no-store');
    const cookie = parseSetCookie(started.headers);
    assert.equal(cookie.name, '__session');
    assert.match(cookie.value, /^[\w-]{43}$/);
    assert.equal(cookie.attributes.get('path'), '/');
    assert.ok(cookie.attributes.has('httponly'));
    assert.ok(cookie.attributes.has('secure'));
    assert.equal(cookie.attributes.get('samesite'), 'Lax');
    assert.equal(cookie.attributes.has('domain'), false, 'no Domain: no sibling host shares it');
    assert.equal(cookie.attributes.get('max-age'), '600', 'as long as the state lives');
    assert.ok(!(await allFirestoreText()).includes(cookie.value), 'only a hash is stored');

    const browser = new Browser();
    browser.keep(started.headers);
    const authorizationUrl = new URL((started.json as { authorizationUrl: string }).authorizationUrl);
    const callback = await fetch(await followGoogle(authorizationUrl), {
      redirect: 'manual',
      headers: browser.headers(),
    });
    assert.equal(callback.status, 302);
    assertOutcome(new URL(callback.headers.get('location') ?? ''), { link: 'ok' });
  });

  it('when a second link is started in the same browser before the first came back, then the browser keeps one binding and both attempts come back bound', async () => {
    const browser = new Browser();
    const first = await askToLink(alice, browser);
    const [held] = Object.values(browser.headers());
    const second = await askToLink(alice, browser);
    assert.deepEqual(Object.values(browser.headers()), [held], 'the second attempt kept the value');
    assertOutcome(await followCallback(await followGoogle(second), browser), { link: 'ok' });
    assertOutcome(await followCallback(await followGoogle(first), browser), { link: 'ok' });
    assert.equal((await accountsOf(alice)).length, 1, 'the same Google account, linked once');
  });

  it('when the same browser links, then ?link=ok straight from the callback, and its cookie cannot replay the callback', async () => {
    const browser = new Browser();
    const { outcome, callbackUrl } = await link(alice, browser);
    assertOutcome(outcome, { link: 'ok' });
    assertOutcome(await followCallback(callbackUrl, browser), { link: 'error', code: 'state_invalid' });
    assert.equal((await accountsOf(alice)).length, 1);
  });
});
