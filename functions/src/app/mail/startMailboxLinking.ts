import { z } from 'zod';
import type { Caller } from '../../domain/auth/caller.js';
import { emailAddress } from '../../domain/crm/common.js';
import { invalid, isPlainObject, parseOrThrow } from '../../domain/crm/validation.js';
import { beginAuthorization } from '../linking/beginAuthorization.js';
import { activeApp } from '../settings/googleSettings.js';
import { resolveMailApp } from './providers.js';

/**
 * `POST /api/me/mailboxes {providerId, email}` (docs/behaviour.md#mailbox-linking): Google's authorization URL for the
 * mail provider's own OAuth client, a grant separate from the contacts/calendar link: Google revokes
 * Gmail-scoped tokens on a password change
 * (https://developers.google.com/identity/protocols/oauth2#expiration), which must not stop contact
 * or calendar sync. `https://mail.google.com/` is the scope IMAP and SMTP accept
 * (https://developers.google.com/workspace/gmail/imap/xoauth2-protocol); `openid email` name the
 * account, so the callback can check it is the mailbox asked for.
 */

export const MAIL_SCOPE = 'https://mail.google.com/';
export const MAILBOX_SCOPES = [MAIL_SCOPE, 'openid', 'email'] as const;

/** Body of `POST /api/me/mailboxes` (the OpenAPI document shows it too). */
export const MailboxLinkSchema = z.strictObject({
  providerId: z.string({ error: 'must be a string' }).min(1, 'is required'),
  email: emailAddress,
});

export async function startMailboxLinking(
  caller: Caller,
  body: unknown,
  cookieHeader: string | undefined,
): Promise<{ authorizationUrl: string; setCookie: string }> {
  if (!isPlainObject(body))
    throw invalid({ body: 'must be a JSON object such as {"providerId": "gmail", "email": "…"}' });
  const input = parseOrThrow(MailboxLinkSchema, body);
  if (input.providerId !== 'gmail') throw invalid({ providerId: 'must be "gmail", the only mail provider' });
  const email = input.email.toLowerCase();
  const [app, { allowedDomains }] = await Promise.all([resolveMailApp(input.providerId), activeApp()]);
  return beginAuthorization(caller, cookieHeader, {
    app,
    scopes: MAILBOX_SCOPES,
    loginHint: email,
    allowedDomains,
    mailbox: { providerId: input.providerId, email },
  });
}
