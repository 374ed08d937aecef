import type { Caller } from '../../domain/auth/caller.js';
import { resolveOAuthApp } from '../settings/googleSettings.js';
import { beginAuthorization } from './beginAuthorization.js';
import { REQUESTED_SCOPES } from './scopes.js';

/**
 * `POST /api/me/accounts/google` (docs/behaviour.md#authorization-url): Google's authorization URL for the caller, with a
 * signed single-use `state` bound to them and a PKCE S256 challenge, and the cookie that binds the
 * flow to this browser (the route sets it; it is not part of the body).
 */
export async function startLinking(
  caller: Caller,
  cookieHeader: string | undefined,
): Promise<{ authorizationUrl: string; setCookie: string }> {
  const app = await resolveOAuthApp();
  return beginAuthorization(caller, cookieHeader, {
    app,
    scopes: REQUESTED_SCOPES,
    loginHint: caller.email,
    allowedDomains: app.allowedDomains,
  });
}
