import { mailboxIdOf, saveLinkedMailbox } from '../../adapters/firestore/mailboxes.js';
import { revokeToken } from '../../adapters/google/oauth.js';
import { ImapSession } from '../../adapters/imap/session.js';
import { SENT_FOLDER } from '../../domain/mail/email.js';
import { log } from '../../logging.js';
import { openMailboxToken, sealMailboxToken } from '../accounts/tokenVault.js';
import { linkingClock } from '../linking/clock.js';
import {
  type CallbackRequest,
  checkState,
  discard,
  exchangeAndVerify,
  type LinkErrorCode,
} from '../linking/completeLinking.js';
import { parseScopeString } from '../linking/scopes.js';
import { activeApp } from '../settings/googleSettings.js';
import { refreshSyncSchedule } from '../sync/schedule/refreshSchedule.js';
import { type MailApp, resolveMailApp } from './providers.js';
import { MAIL_SCOPE } from './startMailboxLinking.js';

/**
 * The `oauthCallback` of a mailbox link (docs/behaviour.md#mailbox-linking): what docs/behaviour.md#oauth-callback checks, plus that the Google
 * account that consented is the mailbox asked for (`mailbox_mismatch`: the account signed in to
 * Google first is the one that consents) and that the mail scope was granted. Then the mailbox is
 * stored with its own sealed refresh token; linking the same address again replaces its grant.
 */

export type MailboxLinkErrorCode = LinkErrorCode | 'mailbox_mismatch';

export type MailboxLinkOutcome = { ok: true; mailboxId: string } | { ok: false; code: MailboxLinkErrorCode };

const failure = (code: MailboxLinkErrorCode, why: string, fields: Record<string, unknown> = {}) => {
  log.warn(`mailbox not linked: ${why}`, { outcome: code, ...fields });
  return { ok: false, code } as const;
};

const DAY_MS = 24 * 60 * 60 * 1000;

/** `syncSince` of a new mailbox: 30 days before it was linked (docs/behaviour.md#mail-import). */
const thirtyDaysBefore = (at: Date) => new Date(at.getTime() - 30 * DAY_MS).toISOString().slice(0, 10);

/** The name of the `\Sent` folder, asked once at link time; the import resolves it later if this fails. */
async function sentFolderOf(app: MailApp, email: string, accessToken: string | undefined): Promise<string> {
  if (!accessToken) return SENT_FOLDER;
  try {
    const session = await ImapSession.open({ endpoint: app.provider.imap, user: email, accessToken });
    try {
      return (await session.sentFolder()) ?? SENT_FOLDER;
    } finally {
      await session.close();
    }
  } catch (error) {
    log.warn('could not list the folders of a new mailbox; the first import will', { error });
    return SENT_FOLDER;
  }
}

export async function completeMailboxLinking({
  query,
  cookieHeader,
}: CallbackRequest): Promise<MailboxLinkOutcome> {
  const state = query.get('state') ?? '';
  const googleError = query.get('error');
  if (googleError) {
    if (state) await checkState(state, 'mailbox', cookieHeader).catch(() => undefined);
    return googleError === 'access_denied'
      ? failure('access_denied', 'the user declined consent')
      : failure('google_error', 'Google answered with an error', { googleError });
  }
  const checked = await checkState(state, 'mailbox', cookieHeader);
  if (!checked.ok) return failure(checked.code, `the state did not check out (${checked.why})`);
  const { uid } = checked;
  const requested = checked.mailbox;
  const code = query.get('code');
  if (!requested) return failure('state_invalid', 'the state names no mailbox', { uid });
  if (!code) return failure('google_error', 'the callback carried no code', { uid });

  let app: MailApp;
  let allowedDomains: string[];
  try {
    [app, { allowedDomains }] = await Promise.all([resolveMailApp(requested.providerId), activeApp()]);
  } catch (error) {
    return failure('google_error', 'the mail provider is not configured any more', { uid, error });
  }
  const granted = await exchangeAndVerify(app, code, checked.verifier, allowedDomains);
  if (!granted.ok) return failure(granted.code, granted.why, { uid, ...granted.fields });
  const { exchanged, identity, issued } = granted;
  if (identity.email !== requested.email) {
    await discard(issued, 'mismatch');
    return failure('mailbox_mismatch', 'another Google account consented than the mailbox asked for', {
      uid,
    });
  }
  if (!parseScopeString(exchanged.scope).includes(MAIL_SCOPE)) {
    await discard(issued, 'scopes');
    return failure('missing_scopes', 'the mail scope was not granted', { uid });
  }
  if (!exchanged.refreshToken) {
    await discard(issued, 'no refresh token');
    return failure('google_error', 'Google returned no refresh token', { uid });
  }
  const refreshToken = exchanged.refreshToken;
  const id = mailboxIdOf(uid, identity.email);
  const linkedAt = linkingClock.now();
  const saved = await saveLinkedMailbox({
    id,
    uid,
    providerId: requested.providerId,
    email: identity.email,
    googleSub: identity.sub,
    clientId: app.clientId,
    refreshToken: await sealMailboxToken(uid, id, refreshToken),
    status: 'active',
    linkedAt,
    autoSync: false,
    periodMinutes: 60,
    syncSince: thirtyDaysBefore(linkedAt),
    folders: ['INBOX', await sentFolderOf(app, identity.email, exchanged.accessToken)],
  }).catch(async (error: unknown) => {
    await discard(refreshToken, 'store failed');
    throw error;
  });
  // Revoking one token revokes the whole grant, which the new token shares when the client is the same.
  if (saved.replaced && saved.replaced.clientId !== app.clientId) {
    const old = saved.replaced.refreshToken;
    await openMailboxToken(uid, id, old)
      .then(revokeToken)
      .catch((error: unknown) =>
        log.warn("could not revoke the replaced mailbox's token", { uid, mailboxId: id, error }),
      );
  }
  await refreshSyncSchedule(uid);
  log.info('mailbox linked', { uid, mailboxId: id, relinked: saved.replaced !== undefined });
  return { ok: true, mailboxId: id };
}
