import { listMailboxes } from '../../adapters/firestore/mailboxes.js';
import type { MailCounts } from '../../domain/mail/email.js';
import type { ItemError } from '../../domain/sync/model.js';
import { AppError } from '../../errors.js';
import { log } from '../../logging.js';
import { crmStore } from '../crm/store.js';
import { importMailbox } from './importMailbox.js';
import { MailboxReauthRequired } from './mailboxAccess.js';
import { resolveMailApp } from './providers.js';

/**
 * Kind `mail` of a sync run (docs/behaviour.md#mail-import): every active mailbox of the user is imported in turn. A
 * mailbox whose grant is dead, or whose server is unreachable, is an error of that mailbox (named by
 * `recordId`); the others still run.
 */

export interface MailSyncResult {
  counts: MailCounts;
  errors: ItemError[];
}

export async function syncMail(uid: string, now: () => number): Promise<MailSyncResult> {
  const mailboxes = await listMailboxes(uid);
  if (mailboxes.length === 0)
    throw new AppError('no_mailbox', 'Link a mailbox before running the mail sync.');
  const counts: MailCounts = { imported: 0, linked: 0, skipped: 0, failed: 0 };
  const errors: ItemError[] = [];
  for (const mailbox of mailboxes) {
    if (mailbox.status === 'reauthRequired') {
      errors.push(reauthError(mailbox));
      continue;
    }
    try {
      const { provider } = await resolveMailApp(mailbox.providerId);
      await importMailbox({ mailbox, imap: provider.imap, crm: crmStore(), counts, errors, now });
    } catch (error) {
      if (error instanceof MailboxReauthRequired) {
        errors.push(reauthError(mailbox));
        continue;
      }
      if (!(error instanceof AppError)) throw error;
      log.warn('a mailbox could not be imported', { uid, mailboxId: mailbox.id, code: error.code, error });
      errors.push({ kind: 'mail', recordId: mailbox.id, code: error.code, message: error.message });
    }
  }
  return { counts, errors };
}

/** The run's word for a mailbox whose grant Google refuses: what to do about it. */
const reauthError = (mailbox: { id: string; email: string }): ItemError => ({
  kind: 'mail',
  recordId: mailbox.id,
  code: 'reauth_required',
  message: `Google no longer accepts the authorization of the mailbox ${mailbox.email}: link it again, then run the sync.`,
});
