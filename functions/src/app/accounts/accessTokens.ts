import { linkedAccountOf, markReauthRequired } from '../../adapters/firestore/accounts.js';
import { type FreshAccessToken, OAuthFailure, refreshAccessToken } from '../../adapters/google/oauth.js';
import type { LinkedAccountRecord } from '../../domain/accounts/linkedAccount.js';
import { AppError } from '../../errors.js';
import { log } from '../../logging.js';
import { resolveOAuthApp } from '../settings/googleSettings.js';
import { refreshSyncSchedule } from '../sync/schedule/refreshSchedule.js';
import { openRefreshToken, SealedTokenUnreadable } from './tokenVault.js';

/**
 * Access tokens for the sync: refreshed on demand from the sealed refresh token and kept only in
 * this process's memory (never persisted). Google rejecting the refresh token (`invalid_grant`:
 * revoked, expired, password change — https://developers.google.com/identity/protocols/oauth2#expiration)
 * marks that one account `reauthRequired` (docs/behaviour.md#reauthorization); nobody else is affected.
 */

/** The user must link the Google account again; the sync stops for them until they do. */
export class ReauthRequiredError extends AppError {
  override name = 'ReauthRequiredError';
  constructor(
    readonly uid: string,
    readonly accountId: string,
    readonly reason: string,
  ) {
    super(
      'conflict',
      'The Google account must be linked again (Google no longer accepts its authorization).',
      {
        reason: 'reauth_required',
        accountId,
      },
    );
  }
}

export interface AccountAccess {
  accessToken: string;
  /** Milliseconds since the epoch. */
  expiresAt: number;
  account: LinkedAccountRecord;
}

/** Refresh a minute early, so a token never expires in the middle of a request. */
const EARLY_REFRESH_MS = 60_000;

const cache = new Map<string, { token: FreshAccessToken; accountId: string; sealed: string }>();
const inFlight = new Map<string, Promise<AccountAccess>>();

export function forgetAccessToken(uid: string): void {
  cache.delete(uid);
}

/**
 * Keeps the access token that came with the account's refresh token (the code exchange of linking),
 * so what linking does next with the account (watching its calendar) costs no refresh.
 */
export function rememberAccessToken(account: LinkedAccountRecord, token: FreshAccessToken): void {
  cache.set(account.uid, { token, accountId: account.id, sealed: account.refreshToken.ciphertext });
}

/**
 * A valid access token for the user's linked Google account. Throws AppError `no_linked_account`,
 * `google_app_not_configured`, `unavailable` (retry later), or ReauthRequiredError.
 */
export async function getAccessToken(uid: string, now: () => number = Date.now): Promise<AccountAccess> {
  const pending = inFlight.get(uid);
  if (pending) return pending;
  const work = obtain(uid, now).finally(() => inFlight.delete(uid));
  inFlight.set(uid, work);
  return work;
}

/**
 * The account's refresh token in clear. One that can never be opened (its key version was disabled
 * or destroyed) would fail every run for ever while the account looked active: the account becomes
 * `reauthRequired` (linking again stores a token sealed with the current key), and the operator
 * gets one error line naming the key version; later runs stop at the account's status.
 */
async function openSealedToken(account: LinkedAccountRecord, now: () => number): Promise<string> {
  try {
    return await openRefreshToken(account.uid, account.refreshToken);
  } catch (error) {
    if (!(error instanceof SealedTokenUnreadable)) throw error;
    await markReauthRequired(
      account.uid,
      account.id,
      account.refreshToken,
      'token_unreadable',
      new Date(now()),
    );
    await refreshSyncSchedule(account.uid);
    cache.delete(account.uid);
    log.error('a refresh token cannot be decrypted; the account must be linked again', {
      uid: account.uid,
      accountId: account.id,
      keyVersion: error.keyVersion,
      reason: error.message,
    });
    throw new ReauthRequiredError(account.uid, account.id, 'token_unreadable');
  }
}

async function obtain(uid: string, now: () => number): Promise<AccountAccess> {
  const account = await linkedAccountOf(uid);
  if (!account) throw new AppError('no_linked_account', 'Link a Google account first.');
  if (account.status === 'reauthRequired') {
    throw new ReauthRequiredError(uid, account.id, account.statusReason ?? 'reauth_required');
  }
  const app = await resolveOAuthApp();
  // Refresh tokens belong to the client that issued them (docs/behaviour.md#oauth-apps).
  if (account.clientId !== app.clientId)
    throw new ReauthRequiredError(uid, account.id, 'oauth_client_changed');

  const cached = cache.get(uid);
  if (
    cached &&
    cached.accountId === account.id &&
    cached.sealed === account.refreshToken.ciphertext &&
    cached.token.expiresAt - EARLY_REFRESH_MS > now()
  ) {
    return { accessToken: cached.token.accessToken, expiresAt: cached.token.expiresAt, account };
  }
  const refreshToken = await openSealedToken(account, now);
  let token: FreshAccessToken;
  try {
    token = await refreshAccessToken(app, refreshToken);
  } catch (error) {
    if (!(error instanceof OAuthFailure)) throw error;
    if (error.reason === 'invalid_grant') {
      await markReauthRequired(uid, account.id, account.refreshToken, 'invalid_grant', new Date(now()));
      await refreshSyncSchedule(uid); // a reauthorization-required account is not dispatched (docs/behaviour.md#reauthorization)
      cache.delete(uid);
      log.warn('Google refused the refresh token; the account needs to be linked again', {
        uid,
        accountId: account.id,
      });
      throw new ReauthRequiredError(uid, account.id, 'invalid_grant');
    }
    if (error.reason === 'invalid_client') {
      throw new AppError(
        'google_app_not_configured',
        'Google rejected the OAuth Client ID or Client Secret; an administrator must check the settings.',
      );
    }
    throw new AppError(
      'unavailable',
      'Google could not be reached to refresh the access token; try again later.',
    );
  }
  cache.set(uid, { token, accountId: account.id, sealed: account.refreshToken.ciphertext });
  return { accessToken: token.accessToken, expiresAt: token.expiresAt, account };
}
