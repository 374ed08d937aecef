import { createHash } from 'node:crypto';
import { Timestamp } from '@google-cloud/firestore';
import type { SealedValue } from '../../domain/accounts/sealedValue.js';
import type { MailboxStatus } from '../../domain/mail/email.js';
import { firestore } from './client.js';

/**
 * Linked mailboxes (docs/behaviour.md#mailbox-linking): `mailboxes/{id}`, one per user and address (the id derives from
 * both, so linking the same address again replaces its grant), with the refresh token of its own
 * grant sealed as for linked accounts. Per folder, `mailboxes/{id}/folders/{folder}` holds the
 * import cursor `{uidValidity, lastUid}`. Top level, so that a mailbox id names its owner (a
 * foreign one is 403, an unknown one 404).
 */

export const MAILBOXES = 'mailboxes';

export interface MailboxRecord {
  id: string;
  uid: string;
  providerId: string;
  email: string;
  googleSub: string;
  clientId: string;
  refreshToken: SealedValue;
  status: MailboxStatus;
  statusReason?: string;
  linkedAt: Date;
  autoSync: boolean;
  periodMinutes: number;
  /** YYYY-MM-DD. */
  syncSince: string;
  folders: string[];
  lastSync?: Date;
  version: number;
}

export interface FolderCursor {
  uidValidity: string;
  lastUid: number;
}

export const mailboxIdOf = (uid: string, email: string) =>
  createHash('sha256').update(`${uid}\n${email.toLowerCase()}`).digest('base64url').slice(0, 24);

const ref = (id: string) => firestore().collection(MAILBOXES).doc(id);

type Stored = Omit<MailboxRecord, 'id' | 'linkedAt' | 'lastSync'> & {
  linkedAt: Timestamp;
  lastSync?: Timestamp;
};

function fromStored(id: string, data: Stored): MailboxRecord {
  const { linkedAt, lastSync, ...rest } = data;
  return { id, ...rest, linkedAt: linkedAt.toDate(), ...(lastSync ? { lastSync: lastSync.toDate() } : {}) };
}

function toStored(record: MailboxRecord): Stored {
  const { id: _id, linkedAt, lastSync, ...rest } = record;
  return {
    ...rest,
    linkedAt: Timestamp.fromDate(linkedAt),
    ...(lastSync ? { lastSync: Timestamp.fromDate(lastSync) } : {}),
  };
}

export async function getMailbox(id: string): Promise<MailboxRecord | undefined> {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) return undefined;
  const snapshot = await ref(id).get();
  return snapshot.exists ? fromStored(id, snapshot.data() as Stored) : undefined;
}

export async function listMailboxes(uid: string): Promise<MailboxRecord[]> {
  const snapshot = await firestore().collection(MAILBOXES).where('uid', '==', uid).get();
  return snapshot.docs
    .map((doc) => fromStored(doc.id, doc.data() as Stored))
    .sort((a, b) => a.linkedAt.getTime() - b.linkedAt.getTime() || a.id.localeCompare(b.id));
}

/**
 * Stores a newly linked mailbox. A relink of the same address keeps its settings and cursors (the
 * same mailbox) and answers the replaced record, whose grant the caller revokes.
 */
export async function saveLinkedMailbox(
  record: Omit<MailboxRecord, 'version'>,
): Promise<{ mailbox: MailboxRecord; replaced?: MailboxRecord }> {
  return firestore().runTransaction(async (tx) => {
    const snapshot = await tx.get(ref(record.id));
    const replaced = snapshot.exists ? fromStored(record.id, snapshot.data() as Stored) : undefined;
    const mailbox: MailboxRecord = replaced
      ? {
          ...replaced,
          googleSub: record.googleSub,
          clientId: record.clientId,
          refreshToken: record.refreshToken,
          status: 'active',
          linkedAt: record.linkedAt,
          version: replaced.version + 1,
        }
      : { ...record, version: 1 };
    const { statusReason: _dropped, ...stored } = toStored(mailbox);
    tx.set(ref(record.id), stored);
    return { mailbox, replaced };
  });
}

/** Applies a settings change in one transaction (`change` throws to refuse it); undefined when gone. */
export async function updateMailboxSettings(
  id: string,
  change: (
    current: MailboxRecord,
  ) => Partial<Pick<MailboxRecord, 'autoSync' | 'periodMinutes' | 'syncSince' | 'folders'>>,
): Promise<MailboxRecord | undefined> {
  return firestore().runTransaction(async (tx) => {
    const snapshot = await tx.get(ref(id));
    if (!snapshot.exists) return undefined;
    const current = fromStored(id, snapshot.data() as Stored);
    const next = { ...current, ...change(current), version: current.version + 1 };
    tx.set(ref(id), toStored(next));
    return next;
  });
}

/** Marks the mailbox's grant dead, unless it was relinked meanwhile (another sealed token). */
export async function markMailboxReauthRequired(
  id: string,
  sealed: SealedValue,
  reason: string,
): Promise<void> {
  await firestore().runTransaction(async (tx) => {
    const snapshot = await tx.get(ref(id));
    if (!snapshot.exists) return;
    const current = snapshot.data() as Stored;
    if (current.refreshToken.ciphertext !== sealed.ciphertext) return;
    tx.update(ref(id), { status: 'reauthRequired', statusReason: reason, version: current.version + 1 });
  });
}

export async function recordMailboxSynced(id: string, at: Date): Promise<void> {
  await ref(id).update({ lastSync: Timestamp.fromDate(at) });
}

/** Deletes the mailbox and its cursors; the emails imported from it stay (docs/behaviour.md#mailbox-linking). */
export async function deleteMailbox(id: string): Promise<void> {
  await firestore().recursiveDelete(ref(id));
}

const folderRef = (id: string, folder: string) =>
  ref(id).collection('folders').doc(encodeURIComponent(folder).replace(/\./g, '%2E'));

export async function readFolderCursor(id: string, folder: string): Promise<FolderCursor | undefined> {
  const snapshot = await folderRef(id, folder).get();
  return snapshot.exists ? (snapshot.data() as FolderCursor) : undefined;
}

export async function saveFolderCursor(id: string, folder: string, cursor: FolderCursor): Promise<void> {
  await folderRef(id, folder).set(cursor);
}
