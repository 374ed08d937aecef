import {
  deleteAccountTree,
  deleteUserSyncState,
  getAccount,
  listAccounts,
} from '../../adapters/firestore/accounts.js';
import { OAuthFailure, revokeToken } from '../../adapters/google/oauth.js';
import type { LinkedAccountRecord } from '../../domain/accounts/linkedAccount.js';
import { AppError, notFound } from '../../errors.js';
import { log } from '../../logging.js';
import { stopCalendarWatch } from '../calendarPush/watchCalendar.js';
import { activeApp } from '../settings/googleSettings.js';
import { forgetAccessToken } from './accessTokens.js';
import { openRefreshToken, SealedTokenUnreadable } from './tokenVault.js';

/** The user's linked accounts as the API shows them (docs/api.md `LinkedAccount`), and their removal (docs/behaviour.md#removing-an-account). */

export interface LinkedAccountView {
  id: string;
  provider: 'google';
  email: string;
  scopes: string[];
  missing: string[];
  capabilities: { contacts: boolean; calendar: boolean };
  status: 'active' | 'reauthRequired';
  linkedAt: string;
}

/**
 * An account linked with another OAuth client than the one in force shows as `reauthRequired`
 * (docs/behaviour.md#oauth-apps): its refresh token only works with the client that issued it. Computed on read, so
 * switching the app back restores the accounts of that app.
 */
export function toView(account: LinkedAccountRecord, activeClientId: string | undefined): LinkedAccountView {
  const usable = account.status === 'active' && account.clientId === activeClientId;
  return {
    id: account.id,
    provider: 'google',
    email: account.email,
    scopes: account.scopes,
    missing: account.missing,
    capabilities: account.capabilities,
    status: usable ? 'active' : 'reauthRequired',
    linkedAt: account.linkedAt.toISOString(),
  };
}

export async function listLinkedAccounts(uid: string): Promise<{ items: LinkedAccountView[] }> {
  const [accounts, app] = await Promise.all([listAccounts(uid), activeApp()]);
  return { items: accounts.map((account) => toView(account, app.clientId)) };
}

/**
 * Revokes the grant at Google, then deletes the token and every bit of sync state of the account.
 * CRM data stays. A token Google already considers invalid is fine; Google being unreachable is
 * not: deleting then would leave a live grant the product could never revoke, so the user retries.
 */
export async function removeLinkedAccount(uid: string, accountId: string): Promise<void> {
  const account = await getAccount(uid, accountId);
  if (!account) throw notFound('Linked account');
  // Stopped while the grant still works: only the grant that opened a channel may stop it (docs/behaviour.md#near-real-time-calendar).
  await stopCalendarWatch(uid, account);
  let refreshToken: string | undefined;
  try {
    refreshToken = await openRefreshToken(uid, account.refreshToken);
  } catch (error) {
    // Undecryptable (key version gone): nothing can be revoked any more; remove what we hold.
    // Secret Manager merely unreachable is another matter: retrying later can still revoke.
    if (!(error instanceof SealedTokenUnreadable)) throw error;
    log.error('could not open a refresh token for revocation', { uid, accountId, error });
  }
  if (refreshToken) {
    try {
      const outcome = await revokeToken(refreshToken);
      log.info('Google grant revoked', { uid, accountId, outcome });
    } catch (error) {
      if (error instanceof OAuthFailure && error.reason === 'unavailable') {
        throw new AppError(
          'unavailable',
          'Google could not be reached to revoke access; try again in a moment.',
        );
      }
      // Any other answer means Google will not revoke this token (again): removing it is still right.
      log.warn('Google did not revoke the grant; removing the account anyway', { uid, accountId, error });
    }
  }
  await deleteAccountTree(uid, accountId);
  await deleteUserSyncState(uid);
  forgetAccessToken(uid);
  log.info('linked account removed', { uid, accountId });
}
