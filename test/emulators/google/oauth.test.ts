import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'mocha';
import {
  ALICE,
  accessOnly,
  authorize,
  CLIENT_ID,
  CONTACTS,
  failure,
  linkedClient,
  oauthClient,
  openAuthUrl,
  peopleApi,
  suiteEnv,
} from './helpers.js';

describe('Google emulator — OAuth 2.0', () => {
  const env = suiteEnv(afterEach);

  it('when the user consents through the code flow with PKCE, then tokens are issued and the id_token verifies against the JWKS', async () => {
    const client = oauthClient(env.base);
    const { status, location, code, codeVerifier } = await authorize(client);
    assert.equal(status, 302);
    assert.equal(location?.origin + (location?.pathname ?? ''), 'http://127.0.0.1:9999/oauthCallback');
    assert.equal(location?.searchParams.get('state'), 'state-123');
    assert.ok(code?.startsWith('4/'));

    const { tokens } = await client.getToken({ code: code ?? '', codeVerifier });
    assert.match(tokens.access_token ?? '', /^ya29\./);
    assert.ok(tokens.refresh_token);
    assert.equal(tokens.token_type, 'Bearer');
    assert.ok((tokens.scope ?? '').split(' ').includes(CONTACTS));

    const ticket = await client.verifyIdToken({ idToken: tokens.id_token ?? '', audience: CLIENT_ID });
    const payload = ticket.getPayload();
    assert.equal(payload?.iss, 'https://accounts.google.com');
    assert.equal(payload?.email, ALICE);
    assert.equal(payload?.hd, 'acme.test');
    assert.equal(payload?.email_verified, true);
    assert.match(payload?.sub ?? '', /^\d{21}$/);

    const jwks = (await (await fetch(`${env.base}/oauth2/v3/certs`)).json()) as {
      keys: { kid: string; alg: string }[];
    };
    assert.equal(jwks.keys[0]?.alg, 'RS256');
    const header = JSON.parse(Buffer.from(tokens.id_token?.split('.')[0] ?? '', 'base64url').toString());
    assert.equal(jwks.keys[0]?.kid, header.kid);
  });

  it('when userinfo and tokeninfo are asked with the access token, then they describe the account and the scopes', async () => {
    const { client, tokens } = await linkedClient(env.base);
    const info = await client.getTokenInfo(tokens.access_token ?? '');
    assert.equal(info.email, ALICE);
    assert.equal(info.aud, CLIENT_ID);
    assert.ok(info.scopes.includes(CONTACTS));
    const res = await fetch(`${env.base}/v1/userinfo`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    const user = (await res.json()) as Record<string, unknown>;
    assert.equal(user.email, ALICE);
    assert.equal(user.hd, 'acme.test');
    assert.equal(user.name, 'Alice Example');
  });

  it('when the code verifier is wrong, then the exchange fails with invalid_grant', async () => {
    const client = oauthClient(env.base);
    const { code } = await authorize(client);
    const err = await failure(client.getToken({ code: code ?? '', codeVerifier: 'not-the-verifier' }));
    assert.equal(err.status, 400);
    assert.equal(err.data.error, 'invalid_grant');
  });

  it('when a code is redeemed twice, then the second exchange fails with invalid_grant', async () => {
    const client = oauthClient(env.base);
    const { code, codeVerifier } = await authorize(client);
    await client.getToken({ code: code ?? '', codeVerifier });
    const err = await failure(client.getToken({ code: code ?? '', codeVerifier }));
    assert.deepEqual(err.data, { error: 'invalid_grant', error_description: 'Code was already redeemed.' });
  });

  it('when the client secret is wrong, then the token endpoint answers 401 invalid_client', async () => {
    const { code, codeVerifier } = await authorize(oauthClient(env.base));
    const err = await failure(
      oauthClient(env.base, { clientSecret: 'wrong' }).getToken({ code: code ?? '', codeVerifier }),
    );
    assert.equal(err.status, 401);
    assert.deepEqual(err.data, { error: 'invalid_client', error_description: 'Unauthorized' });
  });

  it('when the redirect URI is not registered, then Google shows redirect_uri_mismatch and does not redirect', async () => {
    const res = await authorize(oauthClient(env.base, { redirectUri: 'http://evil.test/cb' }));
    assert.equal(res.status, 400);
    assert.equal(res.location, undefined);
    assert.match(res.body, /Error 400: redirect_uri_mismatch/);
  });

  it('when the exchange names another redirect URI than the authorization, then it fails with redirect_uri_mismatch', async () => {
    env.emu.state.clients.get(CLIENT_ID)?.redirectUris.push('http://127.0.0.1:9999/other');
    const { code, codeVerifier } = await authorize(oauthClient(env.base));
    const other = oauthClient(env.base, { redirectUri: 'http://127.0.0.1:9999/other' });
    const err = await failure(other.getToken({ code: code ?? '', codeVerifier }));
    assert.equal(err.status, 400);
    assert.equal(err.data.error, 'redirect_uri_mismatch');
  });

  it('when the user denies consent, then the browser comes back with error=access_denied and the state', async () => {
    await env.control.queueConsent({ action: 'deny' });
    const res = await authorize(oauthClient(env.base));
    assert.equal(res.status, 302);
    assert.equal(res.location?.searchParams.get('error'), 'access_denied');
    assert.equal(res.location?.searchParams.get('state'), 'state-123');
    assert.equal(res.code, undefined);
  });

  it('when the user grants only some scopes, then the token lists only those and the API answers 403 for the others', async () => {
    await env.control.queueConsent({ action: 'grant', scopes: ['https://www.googleapis.com/auth/calendar'] });
    const { client, tokens } = await linkedClient(env.base);
    const scopes = (tokens.scope ?? '').split(' ');
    assert.ok(scopes.includes('openid'));
    assert.ok(scopes.includes('https://www.googleapis.com/auth/calendar'));
    assert.ok(!scopes.includes(CONTACTS));
    const err = await failure(
      peopleApi(env.base, accessOnly(env.base, tokens.access_token ?? '')).people.connections.list({
        resourceName: 'people/me',
        personFields: 'names',
      }),
    );
    assert.equal(err.status, 403);
    assert.equal(err.data.error.status, 'PERMISSION_DENIED');
    assert.equal(err.data.error.message, 'Request had insufficient authentication scopes.');
    assert.equal(err.data.error.details[0].reason, 'ACCESS_TOKEN_SCOPE_INSUFFICIENT');
    assert.ok(client);
  });

  it('when the access token has expired, then the API answers 401 and a refresh gives a working token', async () => {
    const { client, tokens } = await linkedClient(env.base);
    env.emu.state.clock.advance(3600 * 1000);
    const err = await failure(
      peopleApi(env.base, accessOnly(env.base, tokens.access_token ?? '')).people.connections.list({
        resourceName: 'people/me',
        personFields: 'names',
      }),
    );
    assert.equal(err.status, 401);
    assert.equal(err.data.error.status, 'UNAUTHENTICATED');
    assert.equal(err.data.error.code, 401);

    const refreshed = await client.refreshAccessToken();
    assert.notEqual(refreshed.credentials.access_token, tokens.access_token);
    const res = await peopleApi(
      env.base,
      accessOnly(env.base, refreshed.credentials.access_token ?? ''),
    ).people.connections.list({ resourceName: 'people/me', personFields: 'names' });
    assert.equal(res.status, 200);
  });

  it('when the grant is revoked, then the refresh token fails with invalid_grant', async () => {
    const { client } = await linkedClient(env.base);
    await env.control.revokeGrant(ALICE);
    const err = await failure(client.refreshAccessToken());
    assert.equal(err.status, 400);
    assert.deepEqual(err.data, {
      error: 'invalid_grant',
      error_description: 'Token has been expired or revoked.',
    });
  });

  it('when the app revokes its token at /revoke, then the whole grant stops working', async () => {
    const { client, tokens } = await linkedClient(env.base);
    await client.revokeToken(tokens.access_token ?? '');
    const err = await failure(client.refreshAccessToken());
    assert.equal(err.data.error, 'invalid_grant');
    const again = await fetch(`${env.base}/revoke?token=${tokens.access_token}`, { method: 'POST' });
    assert.equal(again.status, 400);
  });

  it('when the client is unknown, then the authorization endpoint shows invalid_client', async () => {
    const url = `${env.base}/o/oauth2/v2/auth?client_id=nope&redirect_uri=x&response_type=code&scope=openid`;
    const res = await openAuthUrl(url);
    assert.equal(res.status, 401);
    assert.match(res.body, /invalid_client/);
  });
});
