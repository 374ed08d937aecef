import { type MailboxRecord, markMailboxReauthRequired } from '../../adapters/firestore/mailboxes.js';
import { type FreshAccessToken, OAuthFailure, refreshAccessToken } from '../../adapters/google/oauth.js';
import { AppError } from '../../errors.js';
import { log } from '../../logging.js';
import { openMailboxToken } from '../accounts/tokenVault.js';
import { refreshSyncSchedule } from '../sync/schedule/refreshSchedule.js';
import { resolveMailApp } from './providers.js';

/**
 * Access tokens of a mailbox's own grant (docs/behaviour.md#mail-faults), refreshed from its sealed refresh token and
 * kept only in memory. A refused refresh token (`invalid_grant`), or the mail server refusing a
 * fresh token, marks that one mailbox `reauthRequired`; other mailboxes and the contact/calendar
 * link are not affected.
 */

export class MailboxReauthRequired extends AppError {
  override name = 'MailboxReauthRequired';
  constructor(readonly mailboxId: string) {
    super('conflict', 'The mailbox must be linked again (Google no longer accepts its authorization).', {
      reason: 'reauth_required',
      mailboxId,
    });
  }
}

const EARLY_REFRESH_MS = 60_000;
const cache = new Map<string, { token: FreshAccessToken; sealed: string }>();

export function forgetMailboxToken(mailboxId: string): void {
  cache.delete(mailboxId);
}

export async function markReauthRequired(mailbox: MailboxRecord, reason: string): Promise<never> {
  cache.delete(mailbox.id);
  await markMailboxReauthRequired(mailbox.id, mailbox.refreshToken, reason);
  await refreshSyncSchedule(mailbox.uid); // a mailbox that needs reauthorization is not dispatched
  log.warn('a mailbox needs to be linked again', { uid: mailbox.uid, mailboxId: mailbox.id, reason });
  throw new MailboxReauthRequired(mailbox.id);
}

/** A valid access token for the mailbox; `forceRefresh` after the server refused the previous one. */
export async function mailboxAccessToken(
  mailbox: MailboxRecord,
  forceRefresh = false,
  now: () => number = Date.now,
): Promise<string> {
  if (mailbox.status === 'reauthRequired') throw new MailboxReauthRequired(mailbox.id);
  const app = await resolveMailApp(mailbox.providerId);
  // Refresh tokens belong to the client that issued them (docs/behaviour.md#oauth-apps).
  if (app.clientId !== mailbox.clientId) return markReauthRequired(mailbox, 'oauth_client_changed');
  const cached = cache.get(mailbox.id);
  if (
    !forceRefresh &&
    cached?.sealed === mailbox.refreshToken.ciphertext &&
    cached.token.expiresAt - EARLY_REFRESH_MS > now()
  ) {
    return cached.token.accessToken;
  }
  let token: FreshAccessToken;
  try {
    token = await refreshAccessToken(
      app,
      await openMailboxToken(mailbox.uid, mailbox.id, mailbox.refreshToken),
    );
  } catch (error) {
    if (error instanceof OAuthFailure && error.reason === 'invalid_grant') {
      return markReauthRequired(mailbox, 'invalid_grant');
    }
    if (error instanceof OAuthFailure && error.reason === 'invalid_client') {
      throw new AppError(
        'google_app_not_configured',
        "Google rejected the Gmail provider's Client ID or Client Secret; an administrator must check them.",
      );
    }
    throw new AppError(
      'unavailable',
      'Google could not be reached to refresh the mailbox token; try again later.',
    );
  }
  cache.set(mailbox.id, { token, sealed: mailbox.refreshToken.ciphertext });
  return token.accessToken;
}
