import { createVerify } from 'node:crypto';
import { asObject, type EmuRequest, type EmuResponse, json } from '../http.js';
import type { EmulatorState } from '../state/state.js';
import { bearerToken, liveAccessToken } from './bearer.js';
import { hasEmailScope, hasProfileScope } from './scopes.js';

const field = (req: EmuRequest, name: string) => {
  const v = req.query.get(name) ?? asObject(req.body)[name];
  return typeof v === 'string' && v !== '' ? v : undefined;
};

/** POST /revoke?token=… — revokes the whole grant the (access or refresh) token belongs to. */
export function revoke(req: EmuRequest, state: EmulatorState): EmuResponse {
  const value = field(req, 'token');
  const grantId =
    (value && state.oauth.accessTokens.get(value)?.grantId) ||
    (value && state.oauth.refreshTokens.get(value)?.grantId);
  if (!grantId || !state.oauth.revokeGrant(grantId)) {
    return json({ error: 'invalid_token', error_description: 'Token expired or revoked' }, 400);
  }
  return json({});
}

const invalidToken = () => json({ error: 'invalid_token', error_description: 'Invalid Value' }, 400);

/** GET/POST /tokeninfo — access_token (query, form or bearer header) or id_token. */
export function tokeninfo(req: EmuRequest, state: EmulatorState): EmuResponse {
  const idToken = field(req, 'id_token');
  if (idToken) return idTokenInfo(idToken, state);
  const t = liveAccessToken(state, field(req, 'access_token') ?? bearerToken(req));
  if (!t) return invalidToken();
  const account = state.account(t.email);
  const nowS = Math.floor(state.now().getTime() / 1000);
  const exp = Math.floor(t.expiresAt / 1000);
  const body: Record<string, string> = {
    azp: t.clientId,
    aud: t.clientId,
    sub: account?.sub ?? '',
    scope: t.scopes.join(' '),
    exp: String(exp),
    expires_in: String(Math.max(0, exp - nowS)),
  };
  if (hasEmailScope(t.scopes) && account)
    Object.assign(body, { email: account.email, email_verified: 'true' });
  const offline = [...state.oauth.refreshTokens.values()].some((r) => r.grantId === t.grantId);
  body.access_type = offline ? 'offline' : 'online';
  return json(body);
}

function idTokenInfo(jwt: string, state: EmulatorState): EmuResponse {
  const [h, p, s] = jwt.split('.');
  if (!h || !p || !s) return invalidToken();
  const pem = Object.values(state.key.pemCerts())[0] ?? '';
  const ok = createVerify('RSA-SHA256').update(`${h}.${p}`).end().verify(pem, Buffer.from(s, 'base64url'));
  if (!ok) return invalidToken();
  const header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as Record<string, unknown>;
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<string, unknown>;
  if (Number(claims.exp) * 1000 <= state.now().getTime()) return invalidToken();
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...claims, alg: header.alg, kid: header.kid, typ: header.typ })) {
    out[k] = String(v);
  }
  return json(out);
}

/** GET /v1/userinfo (OpenID Connect userinfo). */
export function userinfo(req: EmuRequest, state: EmulatorState): EmuResponse {
  const t = liveAccessToken(state, bearerToken(req));
  const account = t && state.account(t.email);
  if (!t || !account) {
    return {
      status: 401,
      headers: { 'www-authenticate': 'Bearer realm="https://accounts.google.com/", error="invalid_token"' },
      body: { error: 'invalid_request', error_description: 'Invalid Credentials' },
    };
  }
  const body: Record<string, unknown> = { sub: account.sub };
  if (hasProfileScope(t.scopes)) {
    Object.assign(body, {
      name: account.name,
      given_name: account.givenName,
      family_name: account.familyName,
      picture: account.picture,
    });
  }
  if (hasEmailScope(t.scopes)) Object.assign(body, { email: account.email, email_verified: true });
  if (account.hd) body.hd = account.hd;
  return json(body);
}

const CERT_CACHE = { 'cache-control': 'public, max-age=21600, must-revalidate, no-transform' };

export const jwkCerts = (state: EmulatorState): EmuResponse => json(state.key.jwks(), 200, CERT_CACHE);
export const pemCerts = (state: EmulatorState): EmuResponse => json(state.key.pemCerts(), 200, CERT_CACHE);

export function openidConfiguration(base: string): EmuResponse {
  return json({
    issuer: 'https://accounts.google.com',
    authorization_endpoint: `${base}/o/oauth2/v2/auth`,
    token_endpoint: `${base}/token`,
    userinfo_endpoint: `${base}/v1/userinfo`,
    revocation_endpoint: `${base}/revoke`,
    jwks_uri: `${base}/oauth2/v3/certs`,
    response_types_supported: ['code'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
    scopes_supported: ['openid', 'email', 'profile'],
    token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
    claims_supported: [
      'aud',
      'email',
      'email_verified',
      'exp',
      'family_name',
      'given_name',
      'iat',
      'iss',
      'name',
      'picture',
      'sub',
    ],
    code_challenge_methods_supported: ['plain', 'S256'],
    grant_types_supported: ['authorization_code', 'refresh_token'],
  });
}
