import { type DocumentSnapshot, FieldPath, Timestamp } from '@google-cloud/firestore';
import type { LinkedAccountRecord, NewLinkedAccount } from '../../domain/accounts/linkedAccount.js';
import { isSealedValue, type SealedValue } from '../../domain/accounts/sealedValue.js';
import { firestore } from './client.js';
import { accountPath, accountsPath, LINKED_ACCOUNTS, USER_SYNC_STATE_COLLECTIONS } from './syncStatePaths.js';

/**
 * Linked Google accounts in Firestore, at `users/{uid}/linkedAccounts/{accountId}`: an account can
 * only be found through its owner's uid, so one user can never reach another's. The refresh token
 * is stored sealed (AES-256-GCM, see core/crypto/tokenCipher.ts), never in plain text.
 */

function fromSnapshot(snapshot: DocumentSnapshot): LinkedAccountRecord | undefined {
  const data = snapshot.data();
  if (!data || !isSealedValue(data.refreshToken)) return undefined;
  const date = (value: unknown) => (value instanceof Timestamp ? value.toDate() : new Date(0));
  return {
    id: snapshot.id,
    uid: String(data.uid),
    provider: 'google',
    email: String(data.email),
    googleSub: String(data.googleSub),
    hostedDomain: typeof data.hostedDomain === 'string' ? data.hostedDomain : null,
    scopes: Array.isArray(data.scopes) ? data.scopes.map(String) : [],
    missing: Array.isArray(data.missing) ? data.missing.map(String) : [],
    capabilities: {
      contacts: data.capabilities?.contacts === true,
      calendar: data.capabilities?.calendar === true,
    },
    clientId: String(data.clientId),
    status: data.status === 'reauthRequired' ? 'reauthRequired' : 'active',
    statusReason: typeof data.statusReason === 'string' ? data.statusReason : null,
    refreshToken: data.refreshToken,
    linkedAt: date(data.linkedAt),
    updatedAt: date(data.updatedAt),
  };
}

/** The user's linked accounts, oldest first (at most one in practice, docs/behaviour.md#one-account-per-user). */
export async function listAccounts(uid: string): Promise<LinkedAccountRecord[]> {
  const snapshot = await firestore().collection(accountsPath(uid)).orderBy('linkedAt').get();
  return snapshot.docs.map(fromSnapshot).filter((a): a is LinkedAccountRecord => a !== undefined);
}

/** The user's linked account that the sync works on (one per user, docs/behaviour.md#one-account-per-user). */
export async function linkedAccountOf(uid: string): Promise<LinkedAccountRecord | undefined> {
  return (await listAccounts(uid)).at(-1);
}

export async function getAccount(uid: string, accountId: string): Promise<LinkedAccountRecord | undefined> {
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(accountId)) return undefined;
  return fromSnapshot(await firestore().doc(accountPath(uid, accountId)).get());
}

export interface ReplaceResult {
  account: LinkedAccountRecord;
  /** Accounts this link replaced (their documents are gone; their state and tokens are the caller's to clean up). */
  replaced: LinkedAccountRecord[];
}

/**
 * Stores the user's one linked account. Linking the same Google account again keeps its id (and so
 * its sync cursors and mappings) and replaces its token; linking another one replaces the old.
 */
export async function saveLinkedAccount(account: NewLinkedAccount, now: Date): Promise<ReplaceResult> {
  const db = firestore();
  const collection = db.collection(accountsPath(account.uid));
  return db.runTransaction(async (tx) => {
    const existing = (await tx.get(collection)).docs
      .map(fromSnapshot)
      .filter((a): a is LinkedAccountRecord => a !== undefined);
    const same = existing.find((a) => a.googleSub === account.googleSub);
    const id = same?.id ?? collection.doc().id;
    const record: LinkedAccountRecord = {
      ...account,
      id,
      status: 'active',
      statusReason: null,
      linkedAt: same?.linkedAt ?? now,
      updatedAt: now,
    };
    const { id: _id, ...stored } = record;
    tx.set(collection.doc(id), {
      ...stored,
      linkedAt: Timestamp.fromDate(record.linkedAt),
      updatedAt: Timestamp.fromDate(now),
    });
    const replaced = existing.filter((a) => a.id !== id);
    for (const old of replaced) tx.delete(collection.doc(old.id));
    // The same account's previous token is still returned: the caller revokes it only when it
    // belongs to another OAuth client (revoking it otherwise would revoke the new grant too).
    return { account: record, replaced: [...replaced, ...(same ? [same] : [])] };
  });
}

/**
 * Marks the account as needing a new link, unless it was relinked meanwhile (the sealed token
 * differs from the one that failed), so a late failure cannot spoil a fresh link.
 */
export async function markReauthRequired(
  uid: string,
  accountId: string,
  failedToken: SealedValue,
  reason: string,
  now: Date,
): Promise<void> {
  const ref = firestore().doc(accountPath(uid, accountId));
  await firestore().runTransaction(async (tx) => {
    const current = fromSnapshot(await tx.get(ref));
    if (!current || current.refreshToken.ciphertext !== failedToken.ciphertext) return;
    tx.update(ref, { status: 'reauthRequired', statusReason: reason, updatedAt: Timestamp.fromDate(now) });
  });
}

/** Deletes the account's document and every subcollection under it (cursors, mappings). */
export async function deleteAccountTree(uid: string, accountId: string): Promise<void> {
  await firestore().recursiveDelete(firestore().doc(accountPath(uid, accountId)));
}

/** Deletes the user-keyed automatic-sync state (the schedule entry) of the user's account. */
export async function deleteUserSyncState(uid: string): Promise<void> {
  const batch = firestore().batch();
  for (const name of Object.values(USER_SYNC_STATE_COLLECTIONS))
    batch.delete(firestore().collection(name).doc(uid));
  await batch.commit();
}

/**
 * One page of every user's linked accounts (a collection-group scan in document order), for jobs
 * that visit all accounts once. `after`: the path of the last account of the previous page.
 */
export async function linkedAccountsPage(
  after: string | undefined,
  limit: number,
): Promise<{ accounts: LinkedAccountRecord[]; last: string | undefined }> {
  let query = firestore().collectionGroup(LINKED_ACCOUNTS).orderBy(FieldPath.documentId()).limit(limit);
  if (after) query = query.startAfter(after);
  const snapshot = await query.get();
  return {
    accounts: snapshot.docs.map(fromSnapshot).filter((a): a is LinkedAccountRecord => a !== undefined),
    last: snapshot.docs.at(-1)?.ref.path,
  };
}
