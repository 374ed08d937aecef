import { type StoredNonce, saveNonce } from '../../adapters/firestore/oauthStates.js';
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
import { bindBrowser } from './browserBinding.js';
import { linkingClock } from './clock.js';

/**
 * The first half of every OAuth link, a Google account's (docs/behaviour.md#authorization-url) or a
 * mailbox's (docs/behaviour.md#mailbox-linking): a single-use nonce stored with the caller and the
 * browser binding, a signed state naming it, and Google's URL with the PKCE S256 challenge.
 */

export interface AuthorizationRequest {
  app: Parameters<typeof authorizationUrl>[0];
  scopes: readonly string[];
  loginHint: string | undefined;
  /** With exactly one allowed domain, Google's account chooser can be narrowed to it. */
  allowedDomains: readonly string[];
  /** Set for a mailbox link: what the callback links, and the signed purpose of the state. */
  mailbox?: StoredNonce['mailbox'];
}

export async function beginAuthorization(
  caller: Caller,
  cookieHeader: string | undefined,
  request: AuthorizationRequest,
): Promise<{ authorizationUrl: string; setCookie: string }> {
  const key = await currentKey();
  const now = linkingClock.now();
  const nonce = newNonce();
  const browser = bindBrowser(cookieHeader);
  await saveNonce(nonce, {
    uid: caller.uid,
    email: caller.email,
    emailVerified: caller.emailVerified,
    browserHash: browser.hash,
    ...(request.mailbox ? { mailbox: request.mailbox } : {}),
    createdAt: now,
    expiresAt: new Date(now.getTime() + STATE_LIFETIME_MS),
  });
  const purpose = request.mailbox ? { p: 'mailbox' as const } : {};
  const state = signState({ uid: caller.uid, nonce, iat: now.getTime(), ...purpose }, key);
  const url = authorizationUrl(request.app, {
    state,
    codeChallenge: pkceChallenge(pkceVerifier(nonce, key)),
    scopes: request.scopes,
    loginHint: request.loginHint,
    hostedDomain: request.allowedDomains.length === 1 ? request.allowedDomains[0] : undefined,
  });
  return { authorizationUrl: url, setCookie: browser.setCookie };
}
