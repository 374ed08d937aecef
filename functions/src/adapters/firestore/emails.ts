import { FieldPath, type Query, Timestamp } from '@google-cloud/firestore';
import type { StoredMembership } from '../../core/mail/plan.js';
import { encodePageToken, type Page, type PageRequest } from '../../domain/crm/paging.js';
import type { Email, EmailDirection } from '../../domain/mail/email.js';
import { firestore } from './client.js';

/**
 * Emails (docs/behaviour.md#mail, docs/api.md `Email`): `emails/{id}`, the id derived from the Message-ID, so the same
 * message seen in several folders, mailboxes or users' imports is one document. Besides the Email's
 * fields it keeps the addresses of the mailboxes it was seen in (for `direction`) and `filterKeys`,
 * the values the list filters on (`c:<contactId>`, `m:<mailboxId>` and their pairs), because a
 * Firestore query takes one array-contains filter only.
 */

export const EMAILS = 'emails';

export interface StoredEmail extends Omit<Email, 'id' | 'createdAt'> {
  mailboxAddresses: string[];
}

export type EmailWrite =
  | { id: string; kind: 'create'; email: StoredEmail }
  | {
      id: string;
      kind: 'link';
      mailboxIds: string[];
      mailboxAddresses: string[];
      direction: EmailDirection;
      contactIds: string[];
    };

const collection = () => firestore().collection(EMAILS);

function filterKeys(contactIds: readonly string[], mailboxIds: readonly string[]): string[] {
  const keys = [...contactIds.map((c) => `c:${c}`), ...mailboxIds.map((m) => `m:${m}`)];
  for (const c of contactIds) for (const m of mailboxIds) keys.push(`cm:${c}|${m}`);
  return keys;
}

/**
 * In one transaction: reads the Emails with these ids, lets `plan` decide the writes from what
 * exists, and commits them. Of two imports of the same message running at once (two users), the
 * later one is retried by Firestore and then links instead of creating.
 */
export async function writeEmails(
  ids: readonly string[],
  plan: (existing: ReadonlyMap<string, StoredMembership & { contactIds: string[] }>) => EmailWrite[],
  now: Date,
): Promise<EmailWrite[]> {
  if (ids.length === 0) return [];
  return firestore().runTransaction(async (tx) => {
    const snapshots = await tx.getAll(...ids.map((id) => collection().doc(id)));
    const existing = new Map<string, StoredMembership & { contactIds: string[] }>();
    for (const snapshot of snapshots) {
      if (!snapshot.exists) continue;
      const data = snapshot.data() as StoredEmail;
      existing.set(snapshot.id, {
        mailboxIds: data.mailboxIds,
        mailboxAddresses: data.mailboxAddresses,
        contactIds: data.contactIds,
      });
    }
    const writes = plan(existing);
    for (const write of writes) {
      const ref = collection().doc(write.id);
      if (write.kind === 'create') {
        tx.create(ref, {
          ...write.email,
          filterKeys: filterKeys(write.email.contactIds, write.email.mailboxIds),
          createdAt: Timestamp.fromDate(now),
        });
      } else {
        tx.update(ref, {
          mailboxIds: write.mailboxIds,
          mailboxAddresses: write.mailboxAddresses,
          direction: write.direction,
          contactIds: write.contactIds,
          filterKeys: filterKeys(write.contactIds, write.mailboxIds),
        });
      }
    }
    return writes;
  });
}

type Stored = StoredEmail & { createdAt: Timestamp; filterKeys: string[] };

function toEmail(id: string, data: Stored): Email {
  const { createdAt, filterKeys: _keys, mailboxAddresses: _addresses, ...rest } = data;
  return { id, ...rest, createdAt: createdAt.toDate().toISOString() };
}

export async function getEmail(id: string): Promise<Email | undefined> {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) return undefined;
  const snapshot = await collection().doc(id).get();
  return snapshot.exists ? toEmail(id, snapshot.data() as Stored) : undefined;
}

export interface EmailFilter {
  contactId?: string;
  mailboxId?: string;
  threadId?: string;
}

/** Emails by `createdAt`, then id (docs/api.md lists), filtered by contact, mailbox and thread. */
export async function listEmails(
  filter: EmailFilter,
  page: PageRequest,
  scope: string,
): Promise<Page<Email>> {
  let query: Query = collection();
  const { contactId, mailboxId, threadId } = filter;
  const key =
    contactId && mailboxId
      ? `cm:${contactId}|${mailboxId}`
      : contactId
        ? `c:${contactId}`
        : mailboxId
          ? `m:${mailboxId}`
          : undefined;
  if (key) query = query.where('filterKeys', 'array-contains', key);
  if (threadId) query = query.where('threadId', '==', threadId);
  query = query.orderBy('createdAt').orderBy(FieldPath.documentId());
  if (page.after) {
    const [[seconds, nanos] = [0, 0]] = page.after.keys;
    query = query.startAfter(new Timestamp(seconds, nanos), page.after.id);
  }
  const snapshot = await query.limit(page.pageSize + 1).get();
  const docs = snapshot.docs.slice(0, page.pageSize);
  const items = docs.map((doc) => toEmail(doc.id, doc.data() as Stored));
  const last = docs.at(-1);
  if (snapshot.docs.length <= page.pageSize || !last) return { items };
  const createdAt = (last.data() as Stored).createdAt;
  return {
    items,
    nextPageToken: encodePageToken(scope, {
      keys: [[createdAt.seconds, createdAt.nanoseconds]],
      id: last.id,
    }),
  };
}
