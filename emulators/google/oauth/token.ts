import { ApiError, oauthError } from '../errors.js';
import { asObject, type EmuRequest, type EmuResponse } from '../http.js';
import type { EmulatorState } from '../state/state.js';
import { atHash, pkceS256 } from './keys.js';
import { hasEmailScope, hasProfileScope } from './scopes.js';
import { ACCESS_TOKEN_LIFETIME_S, type Grant } from './store.js';

const NO_CACHE = { 'cache-control': 'no-cache, no-store, max-age=0, must-revalidate', pragma: 'no-cache' };
const ID_TOKEN_LIFETIME_S = 3600;

function params(req: EmuRequest): Record<string, string> {
  const fromBody = Object.fromEntries(
    Object.entries(asObject(req.body)).filter(([, v]) => typeof v === 'string') as [string, string][],
  );
  return { ...Object.fromEntries(req.query), ...fromBody };
}

function authenticateClient(req: EmuRequest, p: Record<string, string>, state: EmulatorState) {
  let clientId = p.client_id;
  let secret = p.client_secret;
  const auth = req.headers.authorization;
  if (auth?.toLowerCase().startsWith('basic ')) {
    const decoded = Buffer.from(auth.slice(6).trim(), 'base64').toString('utf8');
    const i = decoded.indexOf(':');
    clientId = decodeURIComponent(decoded.slice(0, i));
    secret = decodeURIComponent(decoded.slice(i + 1));
  }
  if (!clientId) throw oauthError(400, 'invalid_request', 'Could not determine client ID from request.');
  const client = state.clients.get(clientId);
  if (!client) throw oauthError(401, 'invalid_client', 'The OAuth client was not found.');
  if (secret !== client.clientSecret) throw oauthError(401, 'invalid_client', 'Unauthorized');
  return client;
}

export function buildIdToken(
  state: EmulatorState,
  grant: Grant,
  scopes: string[],
  accessToken: string,
  nonce?: string,
): string | undefined {
  if (!scopes.includes('openid')) return undefined;
  const account = state.account(grant.email);
  if (!account) return undefined;
  const iat = Math.floor(state.now().getTime() / 1000);
  const claims: Record<string, unknown> = {
    iss: 'https://accounts.google.com',
    azp: grant.clientId,
    aud: grant.clientId,
    sub: account.sub,
  };
  if (account.hd) claims.hd = account.hd;
  if (hasEmailScope(scopes)) Object.assign(claims, { email: account.email, email_verified: true });
  claims.at_hash = atHash(accessToken);
  if (nonce) claims.nonce = nonce;
  if (hasProfileScope(scopes)) {
    Object.assign(claims, {
      name: account.name,
      picture: account.picture,
      given_name: account.givenName,
      family_name: account.familyName,
    });
  }
  Object.assign(claims, { iat, exp: iat + ID_TOKEN_LIFETIME_S });
  return state.key.signJwt(claims);
}

function tokenResponse(
  state: EmulatorState,
  grant: Grant,
  scopes: string[],
  refresh: boolean,
  nonce?: string,
) {
  const access = state.oauth.issueAccessToken(grant, scopes, state.now());
  const body: Record<string, unknown> = {
    access_token: access.token,
    expires_in: ACCESS_TOKEN_LIFETIME_S,
  };
  if (refresh) body.refresh_token = state.oauth.issueRefreshToken(grant, scopes).token;
  body.scope = scopes.join(' ');
  body.token_type = 'Bearer';
  const idToken = buildIdToken(state, grant, scopes, access.token, nonce);
  if (idToken) body.id_token = idToken;
  return body;
}

/** POST /token — authorization_code (with PKCE) and refresh_token grants. */
export function token(req: EmuRequest, state: EmulatorState): EmuResponse {
  try {
    const p = params(req);
    const client = authenticateClient(req, p, state);
    const now = state.now().getTime();
    if (p.grant_type === 'authorization_code') {
      if (!p.code) throw oauthError(400, 'invalid_request', 'Missing required parameter: code');
      const code = state.oauth.codes.get(p.code);
      if (!code) {
        throw oauthError(
          400,
          'invalid_grant',
          p.code.startsWith('4/') ? 'Bad Request' : 'Malformed auth code.',
        );
      }
      if (code.used) throw oauthError(400, 'invalid_grant', 'Code was already redeemed.');
      if (code.expiresAt <= now || code.clientId !== client.clientId) {
        throw oauthError(400, 'invalid_grant', 'Bad Request');
      }
      if (p.redirect_uri !== code.redirectUri) throw oauthError(400, 'redirect_uri_mismatch', 'Bad Request');
      if (code.codeChallenge) {
        if (!p.code_verifier) throw oauthError(400, 'invalid_grant', 'Missing code verifier.');
        const computed = code.codeChallengeMethod === 'S256' ? pkceS256(p.code_verifier) : p.code_verifier;
        if (computed !== code.codeChallenge) throw oauthError(400, 'invalid_grant', 'Invalid code verifier.');
      }
      const grant = state.oauth.grants.get(code.grantId);
      if (!grant || grant.revoked)
        throw oauthError(400, 'invalid_grant', 'Token has been expired or revoked.');
      code.used = true;
      return {
        status: 200,
        headers: NO_CACHE,
        body: tokenResponse(state, grant, code.scopes, code.issueRefreshToken, code.nonce),
      };
    }
    if (p.grant_type === 'refresh_token') {
      if (!p.refresh_token)
        throw oauthError(400, 'invalid_request', 'Missing required parameter: refresh_token');
      const rt = state.oauth.refreshTokens.get(p.refresh_token);
      const grant = rt && state.oauth.grants.get(rt.grantId);
      if (!rt || !grant || grant.revoked)
        throw oauthError(400, 'invalid_grant', 'Token has been expired or revoked.');
      if (rt.clientId !== client.clientId) throw oauthError(401, 'unauthorized_client', 'Unauthorized');
      let scopes = rt.scopes;
      if (p.scope) {
        const wanted = p.scope.split(/\s+/).filter(Boolean);
        if (!wanted.every((s) => rt.scopes.includes(s))) {
          throw oauthError(400, 'invalid_scope', 'Some requested scopes were invalid.');
        }
        scopes = wanted;
      }
      return { status: 200, headers: NO_CACHE, body: tokenResponse(state, grant, scopes, false) };
    }
    throw oauthError(400, 'unsupported_grant_type', `Invalid grant_type: ${p.grant_type ?? ''}`);
  } catch (e) {
    if (e instanceof ApiError) return { status: e.status, headers: NO_CACHE, body: e.body };
    throw e;
  }
}
