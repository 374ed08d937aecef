import { deleteAccountTree, saveLinkedAccount } from '../../adapters/firestore/accounts.js';
import { consumeNonce } from '../../adapters/firestore/oauthStates.js';
import {
  type CodeExchange,
  exchangeCode,
  type GoogleIdentity,
  type OAuthApp,
  revokeToken,
  verifyIdentity,
} from '../../adapters/google/oauth.js';
import { keyVersion } from '../../adapters/secrets/encryptionKeys.js';
import { peekState, pkceVerifier, verifyState } from '../../core/crypto/oauthState.js';
import type { LinkedAccountRecord } from '../../domain/accounts/linkedAccount.js';
import { log } from '../../logging.js';
import { forgetAccessToken, rememberAccessToken } from '../accounts/accessTokens.js';
import { recordGoogleEmailOnOwnContact } from '../accounts/ownContact.js';
import { openRefreshToken, sealRefreshToken } from '../accounts/tokenVault.js';
import { stopCalendarWatch, watchCalendar } from '../calendarPush/watchCalendar.js';
import { resolveOAuthApp } from '../settings/googleSettings.js';
import { refreshSyncSchedule } from '../sync/schedule/refreshSchedule.js';
import { isSameBrowser, type LinkPurpose } from './browserBinding.js';
import { linkingClock } from './clock.js';
import { isDomainAllowed } from './domains.js';
import { evaluateGrant, parseScopeString } from './scopes.js';

/**
 * `GET /oauthCallback` (docs/behaviour.md#oauth-callback, docs/api.md): checks `state`, exchanges the code with the PKCE
 * verifier, verifies who signed in, enforces the allowed domains and the scopes, and stores the
 * linked account. Every outcome is one of the codes the app page understands; details go to the
 * log, never to the browser.
 */

export type LinkErrorCode =
  | 'access_denied'
  | 'state_invalid'
  | 'state_expired'
  | 'domain_not_allowed'
  | 'missing_scopes'
  | 'google_error';

export type LinkOutcome =
  | { ok: true; accountId: string; missing: string[] }
  | { ok: false; code: LinkErrorCode };

type StateResult =
  | {
      ok: true;
      uid: string;
      email?: string;
      emailVerified: boolean;
      nonce: string;
      verifier: string;
      mailbox?: { providerId: string; email: string };
    }
  | { ok: false; code: 'state_invalid' | 'state_expired'; why: string };

const failure = (code: LinkErrorCode, why: string, fields: Record<string, unknown> = {}): LinkOutcome => {
  log.warn(`Google account not linked: ${why}`, { outcome: code, ...fields });
  return { ok: false, code };
};

/**
 * What the browser brought back to the callback: the query Google added and the cookies it holds
 * for us (the browser binding of docs/behaviour.md#oauth-callback).
 */
export interface CallbackRequest {
  query: URLSearchParams;
  cookieHeader: string | undefined;
}

/**
 * Signed, unexpired, bound to the user, presented by the browser that asked for it, and its nonce
 * used now for the first and last time (also when the browser is the wrong one: an URL that went
 * astray is dead).
 */
export async function checkState(
  state: string,
  purpose: LinkPurpose,
  cookieHeader: string | undefined,
): Promise<StateResult> {
  const unverified = peekState(state);
  if (!unverified) return { ok: false, code: 'state_invalid', why: 'malformed' };
  let key: Awaited<ReturnType<typeof keyVersion>>;
  try {
    key = await keyVersion(unverified.kv);
  } catch {
    return { ok: false, code: 'state_invalid', why: 'unknown key version' };
  }
  const now = linkingClock.now();
  const checked = verifyState(state, key, now.getTime());
  if (!checked.ok) {
    // An expired state's nonce is consumed too, so it can never be used later.
    if (checked.reason === 'expired') {
      await consumeNonce(unverified.nonce).catch(() => undefined);
      return { ok: false, code: 'state_expired', why: 'issued more than 10 minutes ago' };
    }
    return { ok: false, code: 'state_invalid', why: 'signature or content does not verify' };
  }
  const { uid, nonce } = checked.payload;
  // A state issued for one flow never completes the other (the purpose is signed).
  if ((checked.payload.p ?? 'google') !== purpose)
    return { ok: false, code: 'state_invalid', why: `not a state of a ${purpose} link` };
  const stored = await consumeNonce(nonce);
  // Unknown or already used (a replay), or issued to someone else: all the same to the browser.
  if (!stored) return { ok: false, code: 'state_invalid', why: 'nonce unknown or already used' };
  if (stored.uid !== uid) return { ok: false, code: 'state_invalid', why: 'nonce issued to another user' };
  if (!isSameBrowser(cookieHeader, stored.browserHash))
    return { ok: false, code: 'state_invalid', why: 'not the browser that asked for the URL' };
  if (stored.expiresAt.getTime() < now.getTime())
    return { ok: false, code: 'state_expired', why: 'nonce expired' };
  return {
    ok: true,
    uid,
    email: stored.email,
    emailVerified: stored.emailVerified === true,
    nonce,
    verifier: pkceVerifier(nonce, key),
    ...(stored.mailbox ? { mailbox: stored.mailbox } : {}),
  };
}

/** Revokes a grant we decided not to keep; failure only costs a dangling grant, so it is logged. */
export async function discard(token: string | undefined, why: string): Promise<void> {
  if (!token) return;
  try {
    await revokeToken(token);
  } catch (error) {
    log.warn('could not revoke a refused grant', { why, error });
  }
}

export type Granted =
  | { ok: true; exchanged: CodeExchange; identity: GoogleIdentity; issued: string | undefined }
  | { ok: false; code: 'google_error' | 'domain_not_allowed'; why: string; fields: Record<string, unknown> };

/**
 * The steps every link shares after the state checked out: the code exchange with the PKCE verifier,
 * the id_token's verification, and the allowed domains. A grant refused here is revoked at once.
 */
export async function exchangeAndVerify(
  app: OAuthApp,
  code: string,
  verifier: string,
  allowedDomains: readonly string[],
): Promise<Granted> {
  let exchanged: CodeExchange;
  try {
    exchanged = await exchangeCode(app, code, verifier);
  } catch (error) {
    return { ok: false, code: 'google_error', why: 'the code exchange failed', fields: { error } };
  }
  const issued = exchanged.refreshToken ?? exchanged.accessToken;
  let identity: GoogleIdentity;
  try {
    if (!exchanged.idToken) throw new Error('no id_token in the token response');
    identity = await verifyIdentity(app, exchanged.idToken);
  } catch (error) {
    await discard(issued, 'identity');
    return { ok: false, code: 'google_error', why: 'the id_token did not verify', fields: { error } };
  }
  if (!isDomainAllowed(identity, allowedDomains)) {
    await discard(issued, 'domain');
    return {
      ok: false,
      code: 'domain_not_allowed',
      why: 'the account is outside the allowed domains',
      fields: { hostedDomain: identity.hostedDomain ?? null },
    };
  }
  return { ok: true, exchanged, identity, issued };
}

export async function completeLinking({ query, cookieHeader }: CallbackRequest): Promise<LinkOutcome> {
  const state = query.get('state') ?? '';
  const googleError = query.get('error');
  if (googleError) {
    // Use up the nonce so this state cannot be tried again.
    if (state) await checkState(state, 'google', cookieHeader).catch(() => undefined);
    return googleError === 'access_denied'
      ? failure('access_denied', 'the user declined consent')
      : failure('google_error', 'Google answered with an error', { googleError });
  }
  const checked = await checkState(state, 'google', cookieHeader);
  if (!checked.ok) return failure(checked.code, `the state did not check out (${checked.why})`);
  const { uid } = checked;
  const code = query.get('code');
  if (!code) return failure('google_error', 'the callback carried no code', { uid });

  let app: OAuthApp;
  let allowedDomains: string[];
  try {
    ({ allowedDomains, ...app } = await resolveOAuthApp());
  } catch (error) {
    return failure('google_error', 'the Google app is not configured any more', { uid, error });
  }

  const granted = await exchangeAndVerify(app, code, checked.verifier, allowedDomains);
  if (!granted.ok) return failure(granted.code, granted.why, { uid, ...granted.fields });
  const { exchanged, identity, issued } = granted;

  const grant = evaluateGrant(parseScopeString(exchanged.scope));
  if (!grant.capabilities.contacts && !grant.capabilities.calendar) {
    await discard(issued, 'scopes');
    return failure('missing_scopes', 'neither contacts nor calendar was granted', {
      uid,
      missing: grant.missing,
    });
  }
  if (!exchanged.refreshToken) {
    await discard(issued, 'no refresh token');
    return failure('google_error', 'Google returned no refresh token', { uid });
  }

  const refreshToken = exchanged.refreshToken;
  const saved = await saveLinkedAccount(
    {
      uid,
      provider: 'google',
      email: identity.email,
      googleSub: identity.sub,
      hostedDomain: identity.hostedDomain ?? null,
      scopes: grant.scopes,
      missing: grant.missing,
      capabilities: grant.capabilities,
      clientId: app.clientId,
      refreshToken: await sealRefreshToken(uid, refreshToken),
    },
    linkingClock.now(),
  ).catch(async (error: unknown) => {
    // Nothing was stored, so nothing could ever revoke this grant later: revoke it now.
    await discard(refreshToken, 'store failed');
    throw error;
  });
  const { account, replaced } = saved;
  forgetAccessToken(uid);
  if (exchanged.accessToken && exchanged.expiresAt) {
    rememberAccessToken(account, { accessToken: exchanged.accessToken, expiresAt: exchanged.expiresAt });
  }
  // The old link's channel is stopped with its own grant, before that grant may be revoked (docs/behaviour.md#near-real-time-calendar).
  const previous = replaced.at(-1);
  if (previous) await stopCalendarWatch(uid, previous);
  await cleanUpReplaced(uid, account, replaced);
  await refreshSyncSchedule(uid); // automatic sync resumes (or starts) for the new link
  await watchCalendar(uid, { replace: true }); // never throws: without a channel, polling still runs
  await recordGoogleEmailOnOwnContact(
    { uid, email: checked.email, emailVerified: checked.emailVerified },
    identity.email,
  );
  log.info('Google account linked', {
    uid,
    accountId: account.id,
    missing: grant.missing,
    replaced: replaced.length,
  });
  return { ok: true, accountId: account.id, missing: grant.missing };
}

/**
 * docs/behaviour.md#one-account-per-user: linking again replaces the old account. Another Google account's grant is revoked
 * and its sync state deleted (its cursors and mappings mean nothing for the new one). The same
 * account keeps its state; its old token is revoked only if it belongs to another OAuth client,
 * since revoking a token revokes the whole grant, which the new token shares otherwise.
 */
async function cleanUpReplaced(uid: string, account: LinkedAccountRecord, replaced: LinkedAccountRecord[]) {
  for (const old of replaced) {
    const sameAccount = old.googleSub === account.googleSub;
    if (!sameAccount) await deleteAccountTree(uid, old.id);
    if (sameAccount && old.clientId === account.clientId) continue;
    try {
      await revokeToken(await openRefreshToken(uid, old.refreshToken));
    } catch (error) {
      log.warn("could not revoke the replaced account's token", { uid, accountId: old.id, error });
    }
  }
}
