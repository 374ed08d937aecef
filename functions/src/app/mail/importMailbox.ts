import { type EmailWrite, writeEmails } from '../../adapters/firestore/emails.js';
import {
  type MailboxRecord,
  readFolderCursor,
  recordMailboxSynced,
  saveFolderCursor,
  updateMailboxSettings,
} from '../../adapters/firestore/mailboxes.js';
import { ImapFault, ImapSession } from '../../adapters/imap/session.js';
import {
  decideImport,
  type EmailContent,
  emailContentOf,
  emailIdOf,
  type FetchedMessage,
  folderStart,
  skipReason,
  uidBatches,
} from '../../core/mail/plan.js';
import type { Actor } from '../../domain/crm/common.js';
import { type MailCounts, SENT_FOLDER, type ServerEndpoint } from '../../domain/mail/email.js';
import type { ItemError } from '../../domain/sync/model.js';
import { AppError } from '../../errors.js';
import { log } from '../../logging.js';
import type { CrmStore } from '../../ports/crmStore.js';
import { mailboxAccessToken, markReauthRequired } from './mailboxAccess.js';

/**
 * One mailbox's import (docs/behaviour.md#mail-import): per folder, from the saved UIDVALIDITY/UID cursor (or from
 * `syncSince` when there is none or UIDVALIDITY changed), in UID batches: each batch is fetched,
 * planned (core/mail/plan.ts), written in one transaction, and only then the cursor moves past it.
 * A crash or a dropped connection re-reads at most one batch, which the Message-ID dedupe absorbs.
 */

export const UID_BATCH = 200;
/** Connection drops and `[THROTTLED]` are retried this often per mailbox run, with backoff. */
const MAX_ATTEMPTS = 4;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface MailImportContext {
  mailbox: MailboxRecord;
  imap: ServerEndpoint;
  crm: CrmStore;
  counts: MailCounts;
  /** Per-mailbox problems the user can fix (a folder that is not there), reported in the run. */
  errors: ItemError[];
  now: () => number;
  /** Waits between attempts; tests make it instant. */
  sleep?: (ms: number) => Promise<void>;
}

const SYNC_ACTOR = (uid: string): Actor => ({ uid, admin: false, by: 'sync' });

/** Opens a session; a refused token is refreshed once, a second refusal means the grant is dead. */
async function openSession(context: MailImportContext): Promise<ImapSession> {
  const { mailbox } = context;
  const login = async (force: boolean) =>
    ImapSession.open({
      endpoint: context.imap,
      user: mailbox.email,
      accessToken: await mailboxAccessToken(mailbox, force, context.now),
    });
  try {
    return await login(false);
  } catch (error) {
    if (!(error instanceof ImapFault) || error.reason !== 'auth_failed') throw error;
  }
  try {
    return await login(true);
  } catch (error) {
    if (error instanceof ImapFault && error.reason === 'auth_failed')
      return markReauthRequired(mailbox, 'imap_authentication_failed');
    throw error;
  }
}

/** The mailbox's folders with the `\Sent` stand-in resolved (and remembered). */
async function foldersOf(session: ImapSession, mailbox: MailboxRecord): Promise<string[]> {
  if (!mailbox.folders.includes(SENT_FOLDER)) return mailbox.folders;
  const sent = await session.sentFolder();
  const folders = mailbox.folders.map((folder) => (folder === SENT_FOLDER ? sent : folder));
  const resolved = [...new Set(folders.filter((folder): folder is string => folder !== undefined))];
  if (sent) await updateMailboxSettings(mailbox.id, () => ({ folders: resolved }));
  return resolved;
}

export async function importMailbox(context: MailImportContext): Promise<void> {
  const sleep = context.sleep ?? ((ms: number) => new Promise((resolve) => setTimeout(resolve, ms)));
  for (let attempt = 1; ; attempt += 1) {
    try {
      const session = await openSession(context);
      try {
        for (const folder of await foldersOf(session, context.mailbox))
          await importFolderIfPresent(session, folder, context);
      } finally {
        await session.close();
      }
      await recordMailboxSynced(context.mailbox.id, new Date(context.now()));
      return;
    } catch (error) {
      if (!(error instanceof ImapFault) || error.reason !== 'transient') throw error;
      if (attempt >= MAX_ATTEMPTS) {
        throw new AppError(
          'unavailable',
          'The mail server kept dropping the connection; the next run resumes.',
          undefined,
          {
            cause: error,
          },
        );
      }
      log.warn('IMAP connection failed; resuming from the saved cursor', {
        mailboxId: context.mailbox.id,
        attempt,
        error,
      });
      await sleep(Math.min(30_000, 500 * 2 ** attempt));
    }
  }
}

/** A folder named in the settings but missing on the server is reported; the other folders go on. */
async function importFolderIfPresent(
  session: ImapSession,
  folder: string,
  context: MailImportContext,
): Promise<void> {
  try {
    await importFolder(session, folder, context);
  } catch (error) {
    if (!(error instanceof ImapFault) || error.reason !== 'no_such_folder') throw error;
    context.errors.push({
      kind: 'mail',
      recordId: context.mailbox.id,
      code: 'folder_not_found',
      message: `The folder "${folder}" does not exist in the mailbox ${context.mailbox.email}: remove it from the mailbox's folders in the synchronization settings, or create it.`,
    });
  }
}

async function importFolder(session: ImapSession, folder: string, context: MailImportContext): Promise<void> {
  const { mailbox } = context;
  const state = await session.select(folder);
  const start = folderStart(await readFolderCursor(mailbox.id, folder), state.uidValidity);
  const syncSince = new Date(`${mailbox.syncSince}T00:00:00Z`);
  // SEARCH SINCE compares dates in the server's time zone: a day earlier, and the Date header decides.
  const uids =
    start.from === 'syncSince'
      ? await session.uidsSince(new Date(syncSince.getTime() - DAY_MS))
      : await session.uidsAfter(start.uid);
  for (const batch of uidBatches(uids, UID_BATCH)) {
    const messages = await session.readBatch(batch);
    await applyBatch(messages, syncSince, context);
    await saveFolderCursor(mailbox.id, folder, {
      uidValidity: state.uidValidity,
      lastUid: batch.at(-1) ?? 0,
    });
  }
}

/** Plans and writes one batch; per-message problems count as `failed` and do not stop the batch. */
async function applyBatch(
  messages: FetchedMessage[],
  syncSince: Date,
  context: MailImportContext,
): Promise<void> {
  const { mailbox, counts } = context;
  const parties = [...new Set(messages.flatMap((message) => emailContentOf(message).addresses))];
  const contacts = parties.length
    ? await context.crm.findContactsByEmail(parties, SYNC_ACTOR(mailbox.uid))
    : [];
  const contactIdsByAddress = new Map<string, string[]>();
  for (const contact of contacts) {
    for (const { address } of contact.emails) {
      const key = address.toLowerCase();
      contactIdsByAddress.set(key, [...new Set([...(contactIdsByAddress.get(key) ?? []), contact.id])]);
    }
  }
  const wanted = new Map<string, { content: EmailContent; contactIds: string[] }>();
  for (const message of messages) {
    try {
      if (skipReason(message, mailbox.email, syncSince, new Set(contactIdsByAddress.keys()))) {
        counts.skipped += 1;
        continue;
      }
      const content = emailContentOf(message);
      const contactIds = [
        ...new Set(content.addresses.flatMap((address) => contactIdsByAddress.get(address) ?? [])),
      ];
      // The same message twice in one batch (a copy in another folder is another batch) is one Email.
      wanted.set(emailIdOf(content.messageId), { content, contactIds });
    } catch (error) {
      counts.failed += 1;
      log.warn('a message could not be imported', { mailboxId: mailbox.id, uid: message.uid, error });
    }
  }
  const writes = await writeEmails(
    [...wanted.keys()],
    (existing) => planWrites(wanted, existing, mailbox),
    new Date(context.now()),
  );
  for (const write of writes) {
    if (write.kind === 'create') counts.imported += 1;
    else counts.linked += 1;
  }
}

function planWrites(
  wanted: Map<string, { content: EmailContent; contactIds: string[] }>,
  existing: ReadonlyMap<string, { mailboxIds: string[]; mailboxAddresses: string[]; contactIds: string[] }>,
  mailbox: MailboxRecord,
): EmailWrite[] {
  const writes: EmailWrite[] = [];
  for (const [id, { content, contactIds }] of wanted) {
    const found = existing.get(id);
    const decision = decideImport(content, { id: mailbox.id, address: mailbox.email }, found);
    if (decision.action === 'unchanged') continue;
    if (decision.action === 'link') {
      const merged = [...new Set([...(found?.contactIds ?? []), ...contactIds])];
      writes.push({ id, kind: 'link', ...decision, contactIds: merged });
      continue;
    }
    const { addresses: _addresses, ...email } = content;
    writes.push({
      id,
      kind: 'create',
      email: {
        ...email,
        mailboxIds: decision.mailboxIds,
        mailboxAddresses: decision.mailboxAddresses,
        direction: decision.direction,
        contactIds,
      },
    });
  }
  return writes;
}
