import { z } from 'zod';
import {
  deleteMailbox,
  getMailbox,
  listMailboxes,
  type MailboxRecord,
  updateMailboxSettings,
} from '../../adapters/firestore/mailboxes.js';
import { OAuthFailure, revokeToken } from '../../adapters/google/oauth.js';
import { parsePageSize } from '../../domain/crm/paging.js';
import { checkPatchKeys, invalid, parseOrThrow } from '../../domain/crm/validation.js';
import type { MailboxView } from '../../domain/mail/email.js';
import { PERIOD_MINUTES } from '../../domain/sync/model.js';
import { AppError, notFound, preconditionFailed } from '../../errors.js';
import { log } from '../../logging.js';
import { openMailboxToken } from '../accounts/tokenVault.js';
import { refreshSyncSchedule } from '../sync/schedule/refreshSchedule.js';
import { forgetMailboxToken } from './mailboxAccess.js';

/** The caller's mailboxes (docs/behaviour.md#mailbox-linking, docs/api.md `Mailbox`): list, settings, removal with revocation. */

export function toMailboxView(mailbox: MailboxRecord): MailboxView {
  return {
    id: mailbox.id,
    providerId: mailbox.providerId,
    email: mailbox.email,
    status: mailbox.status,
    linkedAt: mailbox.linkedAt.toISOString(),
    autoSync: mailbox.autoSync,
    periodMinutes: mailbox.periodMinutes,
    syncSince: mailbox.syncSince,
    folders: mailbox.folders,
    ...(mailbox.lastSync ? { lastSync: mailbox.lastSync.toISOString() } : {}),
  };
}

/** The caller's own mailbox: 404 when there is none by that id, 403 when it is someone else's. */
export async function ownMailbox(uid: string, id: string, field = 'id'): Promise<MailboxRecord> {
  const mailbox = await getMailbox(id);
  if (!mailbox)
    throw new AppError('not_found', 'Mailbox was not found.', { fields: { [field]: 'names no mailbox' } });
  if (mailbox.uid !== uid) {
    throw new AppError('permission_denied', 'This mailbox belongs to another user.', {
      fields: { [field]: 'is not one of your mailboxes' },
    });
  }
  return mailbox;
}

export async function listOwnMailboxes(
  uid: string,
  query: URLSearchParams,
): Promise<{ items: MailboxView[] }> {
  parsePageSize(query.get('pageSize'));
  // A user has a handful of mailboxes: one page always holds them, so no token is ever issued.
  if (query.get('pageToken')) throw invalid({ pageToken: 'is not a page token of this list' });
  return { items: (await listMailboxes(uid)).map(toMailboxView) };
}

const FOLDER = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(200, 'is too long')
  .regex(/^[^\r\n\0]+$/, 'must be a folder name');

/** Body of `PATCH /api/me/mailboxes/{id}` (the OpenAPI document shows it too). */
export const MailboxPatchSchema = z.strictObject({
  autoSync: z.boolean({ error: 'must be true or false' }).optional(),
  periodMinutes: z
    .number()
    .refine(
      (value) => (PERIOD_MINUTES as readonly number[]).includes(value),
      `must be one of ${PERIOD_MINUTES.join(', ')}`,
    )
    .optional(),
  syncSince: z.iso.date({ error: 'must be a date (YYYY-MM-DD)' }).optional(),
  folders: z
    .array(FOLDER)
    .min(1, 'must name at least one folder')
    .max(50, 'names at most 50 folders')
    .optional(),
});

const WRITABLE = ['autoSync', 'periodMinutes', 'syncSince', 'folders'];
const READ_ONLY = ['id', 'providerId', 'email', 'status', 'linkedAt', 'lastSync'];

export async function patchMailbox(
  uid: string,
  id: string,
  patch: unknown,
  ifMatch?: number,
): Promise<MailboxRecord> {
  await ownMailbox(uid, id);
  checkPatchKeys(patch, WRITABLE, READ_ONLY);
  const change = parseOrThrow(MailboxPatchSchema, patch);
  const updated = await updateMailboxSettings(id, (current) => {
    if (ifMatch !== undefined && ifMatch !== current.version) throw preconditionFailed();
    return { ...change, ...(change.folders ? { folders: [...new Set(change.folders)] } : {}) };
  });
  if (!updated) throw notFound('Mailbox');
  await refreshSyncSchedule(uid);
  return updated;
}

/**
 * Revokes the mailbox's grant and deletes it with its cursors; imported emails stay (docs/behaviour.md#mailbox-linking).
 * Google unreachable: nothing is deleted, since a grant nobody holds any more could never be revoked.
 */
export async function removeMailbox(uid: string, id: string, ifMatch?: number): Promise<void> {
  const mailbox = await ownMailbox(uid, id);
  if (ifMatch !== undefined && ifMatch !== mailbox.version) throw preconditionFailed();
  let token: string | undefined;
  try {
    token = await openMailboxToken(uid, id, mailbox.refreshToken);
  } catch (error) {
    log.error('could not open a mailbox token for revocation', { uid, mailboxId: id, error });
  }
  if (token) {
    try {
      await revokeToken(token);
    } catch (error) {
      if (error instanceof OAuthFailure && error.reason === 'unavailable') {
        throw new AppError(
          'unavailable',
          'Google could not be reached to revoke access; try again in a moment.',
        );
      }
      log.warn('Google did not revoke the mailbox grant; removing it anyway', { uid, mailboxId: id, error });
    }
  }
  await deleteMailbox(id);
  forgetMailboxToken(id);
  await refreshSyncSchedule(uid);
  log.info('mailbox removed', { uid, mailboxId: id });
}
