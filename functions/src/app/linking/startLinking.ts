import { saveNonce } from '../../adapters/firestore/oauthStates.js';
import { authorizationUrl } from '../../adapters/google/oauth.js';
import { currentKey } from '../../adapters/secrets/encryptionKeys.js';
import {
  newNonce,
  pkceChallenge,
  pkceVerifier,
  STATE_LIFETIME_MS,
  signState,
} from '../../core/crypto/oauthState.js';
import type { Caller } from '../../domain/auth/caller.js';
import { resolveOAuthApp } from '../settings/googleSettings.js';
import { bindBrowser } from './browserBinding.js';
import { linkingClock } from './clock.js';
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
  const key = await currentKey();
  const now = linkingClock.now();
  const nonce = newNonce();
  const browser = bindBrowser(cookieHeader);
  await saveNonce(nonce, {
    uid: caller.uid,
    email: caller.email,
    emailVerified: caller.emailVerified,
    browserHash: browser.hash,
    createdAt: now,
    expiresAt: new Date(now.getTime() + STATE_LIFETIME_MS),
  });
  const state = signState({ uid: caller.uid, nonce, iat: now.getTime() }, key);
  const url = authorizationUrl(app, {
    state,
    codeChallenge: pkceChallenge(pkceVerifier(nonce, key)),
    scopes: REQUESTED_SCOPES,
    loginHint: caller.email,
    // With exactly one allowed domain, Google's account chooser can be narrowed to it.
    hostedDomain: app.allowedDomains.length === 1 ? app.allowedDomains[0] : undefined,
  });
  return { authorizationUrl: url, setCookie: browser.setCookie };
}
