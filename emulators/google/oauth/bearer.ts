import { ApiError, type ApiFamily, errorInfo, legacyError } from '../errors.js';
import type { EmuRequest } from '../http.js';
import type { EmulatorState } from '../state/state.js';
import type { AccessToken } from './store.js';

const WWW_AUTH = 'Bearer realm="https://accounts.google.com/", error="invalid_token"';

export function bearerToken(req: EmuRequest): string | undefined {
  const auth = req.headers.authorization;
  if (!auth?.toLowerCase().startsWith('bearer ')) return req.query.get('access_token') ?? undefined;
  return auth.slice(7).trim();
}

/** Looks up a live (known, unrevoked, unexpired) access token. */
export function liveAccessToken(state: EmulatorState, value: string | undefined): AccessToken | undefined {
  if (!value) return undefined;
  const t = state.oauth.accessTokens.get(value);
  if (!t || t.expiresAt <= state.now().getTime()) return undefined;
  return t;
}

function unauthenticated(family: ApiFamily, service: string, apiMethod: string, reason: string): ApiError {
  if (family === 'calendar') {
    const err = legacyError(401, [
      {
        domain: 'global',
        reason: 'authError',
        message: 'Invalid Credentials',
        locationType: 'header',
        location: 'Authorization',
      },
    ]);
    return Object.assign(err, { headers: { 'www-authenticate': WWW_AUTH } });
  }
  const missing = reason === 'CREDENTIALS_MISSING';
  const message = missing
    ? 'Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.'
    : 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.';
  const body = {
    error: {
      code: 401,
      message,
      status: 'UNAUTHENTICATED',
      details: [errorInfo(reason, 'googleapis.com', { service, method: apiMethod })],
    },
  };
  return new ApiError(401, body, { 'www-authenticate': WWW_AUTH });
}

function insufficientScope(family: ApiFamily, service: string, apiMethod: string): ApiError {
  const details = [
    errorInfo('ACCESS_TOKEN_SCOPE_INSUFFICIENT', 'googleapis.com', { service, method: apiMethod }),
  ];
  const headers = {
    'www-authenticate': 'Bearer realm="https://accounts.google.com/", error="insufficient_scope"',
  };
  if (family === 'calendar') {
    const err = legacyError(
      403,
      [{ domain: 'global', reason: 'insufficientPermissions', message: 'Insufficient Permission' }],
      {
        status: 'PERMISSION_DENIED',
        details,
      },
    );
    const body = err.body as { error: Record<string, unknown> };
    body.error.message = 'Request had insufficient authentication scopes.';
    return Object.assign(err, { headers });
  }
  const body = {
    error: {
      code: 403,
      message: 'Request had insufficient authentication scopes.',
      status: 'PERMISSION_DENIED',
      details,
    },
  };
  return new ApiError(403, body, headers);
}

/** The API-side token check: 401 for a missing/invalid/expired token, 403 for a missing scope. */
export function authorizeCall(
  req: EmuRequest,
  state: EmulatorState,
  family: ApiFamily,
  service: string,
  apiMethod: string,
  scopes: string[],
): AccessToken {
  const value = bearerToken(req);
  if (!value) throw unauthenticated(family, service, apiMethod, 'CREDENTIALS_MISSING');
  const known = state.oauth.accessTokens.get(value);
  if (!known) throw unauthenticated(family, service, apiMethod, 'ACCESS_TOKEN_TYPE_UNSUPPORTED');
  if (known.expiresAt <= state.now().getTime()) {
    throw unauthenticated(family, service, apiMethod, 'ACCESS_TOKEN_EXPIRED');
  }
  if (!scopes.some((s) => known.scopes.includes(s))) throw insufficientScope(family, service, apiMethod);
  return known;
}
