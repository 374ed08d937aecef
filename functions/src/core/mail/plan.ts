import { createHash } from 'node:crypto';
import {
  type AttachmentInfo,
  type EmailAddress,
  type EmailDirection,
  MAX_BODY_BYTES,
} from '../../domain/mail/email.js';

/**
 * The rules of the mail import (docs/behaviour.md#mail-import), pure: which messages are business mail, what Email a
 * message becomes, and what to do when its Email already exists. The IMAP adapter turns a fetched
 * message into a `FetchedMessage`; the executor (app/mail) applies the decisions.
 */

export interface FetchedMessage {
  uid: number;
  /** The Message-ID header as sent (brackets and all), when there is one. */
  messageId?: string;
  /** The Date header; undefined when missing or unparseable. */
  date?: Date;
  internalDate: Date;
  from?: EmailAddress;
  to: EmailAddress[];
  cc: EmailAddress[];
  subject: string;
  inReplyTo?: string;
  /** Message ids of the References header, oldest first. */
  references: string[];
  /** Gmail's thread id (`X-GM-THRID`), when the server advertises `X-GM-EXT-1`. */
  gmailThreadId?: string;
  /** The text/plain part, else the HTML part as text; possibly cut short by the fetch. */
  text: string;
  /** The fetch already left out part of the text. */
  textCut: boolean;
  attachments: AttachmentInfo[];
}

/** The Email a message becomes, before it is stored (ids and mailbox membership come from the store). */
export interface EmailContent {
  messageId: string;
  threadId: string;
  from: EmailAddress;
  to: EmailAddress[];
  cc: EmailAddress[];
  subject: string;
  sentAt: string;
  bodyText: string;
  bodyTruncated: boolean;
  attachments: AttachmentInfo[];
  /** Every address of From, To and Cc, lower-cased: the contacts are matched by them. */
  addresses: string[];
}

const normalize = (address: string) => address.trim().toLowerCase();

/** A Message-ID (or a References entry) without angle brackets and surrounding space. */
export function bareMessageId(value: string): string {
  return value.trim().replace(/^<+/, '').replace(/>+$/, '').trim();
}

/** docs/behaviour.md#mail-import: a message without Message-ID is known by a hash of Date, From, Subject and body. */
export function messageKeyOf(message: FetchedMessage): string {
  const id = message.messageId ? bareMessageId(message.messageId) : '';
  if (id) return id;
  const hash = createHash('sha256')
    .update(
      JSON.stringify([
        message.date?.toISOString() ?? '',
        message.from ? normalize(message.from.address) : '',
        message.subject,
        message.text,
      ]),
    )
    .digest('hex');
  return `hash:${hash}`;
}

/** The Email document id of a message key: the same message gets the same id everywhere. */
export function emailIdOf(messageKey: string): string {
  return createHash('sha256').update(messageKey, 'utf8').digest('base64url').slice(0, 32);
}

/** Everyone in From, To and Cc, lower-cased, once each. */
export function partiesOf(message: Pick<FetchedMessage, 'from' | 'to' | 'cc'>): string[] {
  const all = [...(message.from ? [message.from] : []), ...message.to, ...message.cc];
  return [...new Set(all.map((party) => normalize(party.address)).filter(Boolean))];
}

export type Skip = 'before_sync_since' | 'private';

/**
 * Business mail only (docs/behaviour.md#mail-import): dated on or after `syncSince` and with at least one other party
 * (anyone but the mailbox itself) who is a CRM contact. `contactAddresses` are the lower-cased
 * addresses of CRM contacts among the message's parties.
 */
export function skipReason(
  message: FetchedMessage,
  mailboxAddress: string,
  syncSince: Date,
  contactAddresses: ReadonlySet<string>,
): Skip | undefined {
  if (sentAtOf(message).getTime() < syncSince.getTime()) return 'before_sync_since';
  const own = normalize(mailboxAddress);
  const others = partiesOf(message).filter((address) => address !== own);
  return others.some((address) => contactAddresses.has(address)) ? undefined : 'private';
}

/** The Date header, INTERNALDATE when it has none (docs/behaviour.md#mail-import). */
export function sentAtOf(message: FetchedMessage): Date {
  return message.date && !Number.isNaN(message.date.getTime()) ? message.date : message.internalDate;
}

/**
 * Threads (docs/behaviour.md#mail-import): Gmail's X-GM-THRID where the server has it, else the root of the
 * conversation as References names it (its first entry), else In-Reply-To, else the message itself.
 */
export function threadIdOf(message: FetchedMessage, messageKey: string): string {
  if (message.gmailThreadId) return `gm:${message.gmailThreadId}`;
  const root = message.references.map(bareMessageId).find(Boolean);
  if (root) return root;
  const parent = message.inReplyTo ? bareMessageId(message.inReplyTo) : '';
  return parent || messageKey;
}

/** At most MAX_BODY_BYTES UTF-8 bytes, never cutting a character in two. */
export function truncateUtf8(text: string, maxBytes = MAX_BODY_BYTES): { text: string; truncated: boolean } {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return { text, truncated: false };
  let end = maxBytes;
  // A UTF-8 continuation byte is 10xxxxxx: step back to the start of the character it belongs to.
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end -= 1;
  return { text: bytes.subarray(0, end).toString('utf8'), truncated: true };
}

export function emailContentOf(message: FetchedMessage): EmailContent {
  const messageKey = messageKeyOf(message);
  const body = truncateUtf8(message.text);
  return {
    messageId: messageKey,
    threadId: threadIdOf(message, messageKey),
    from: message.from ?? { address: '' },
    to: message.to,
    cc: message.cc,
    subject: message.subject,
    sentAt: sentAtOf(message).toISOString(),
    bodyText: body.text,
    bodyTruncated: body.truncated || message.textCut,
    attachments: message.attachments,
    addresses: partiesOf(message),
  };
}

/** `outgoing` when From is the address of one of the Email's mailboxes: the company sent it. */
export function directionOf(from: EmailAddress, mailboxAddresses: readonly string[]): EmailDirection {
  return mailboxAddresses.map(normalize).includes(normalize(from.address)) ? 'outgoing' : 'incoming';
}

/** What the store holds of an existing Email that the import decision needs. */
export interface StoredMembership {
  mailboxIds: string[];
  mailboxAddresses: string[];
}

export type ImportDecision =
  | { action: 'create'; mailboxIds: string[]; mailboxAddresses: string[]; direction: EmailDirection }
  | { action: 'link'; mailboxIds: string[]; mailboxAddresses: string[]; direction: EmailDirection }
  | { action: 'unchanged' };

/**
 * One Email per message across folders, mailboxes and users (docs/behaviour.md#mail-import): a new message creates
 * it; a known one gains this mailbox (`linked`), or is already there (the same message in another
 * folder, or read again after UIDVALIDITY changed).
 */
export function decideImport(
  content: Pick<EmailContent, 'from'>,
  mailbox: { id: string; address: string },
  existing: StoredMembership | undefined,
): ImportDecision {
  const address = normalize(mailbox.address);
  if (!existing) {
    return {
      action: 'create',
      mailboxIds: [mailbox.id],
      mailboxAddresses: [address],
      direction: directionOf(content.from, [address]),
    };
  }
  if (existing.mailboxIds.includes(mailbox.id)) return { action: 'unchanged' };
  const mailboxAddresses = [...new Set([...existing.mailboxAddresses, address])];
  return {
    action: 'link',
    mailboxIds: [...existing.mailboxIds, mailbox.id],
    mailboxAddresses,
    direction: directionOf(content.from, mailboxAddresses),
  };
}

/** Where a folder's import starts (docs/behaviour.md#mail-import: incremental by UIDVALIDITY and the highest UID seen). */
export type FolderStart = { from: 'syncSince' } | { from: 'afterUid'; uid: number };

export function folderStart(
  cursor: { uidValidity: string; lastUid: number } | undefined,
  uidValidity: string,
): FolderStart {
  // A changed UIDVALIDITY means the old UIDs name other messages (RFC 3501 §2.3.1.1): read again.
  if (!cursor || cursor.uidValidity !== uidValidity) return { from: 'syncSince' };
  return { from: 'afterUid', uid: cursor.lastUid };
}

/** UIDs in ascending batches of at most `size`: the import streams a folder batch by batch. */
export function uidBatches(uids: readonly number[], size: number): number[][] {
  const sorted = [...uids].sort((a, b) => a - b);
  const batches: number[][] = [];
  for (let i = 0; i < sorted.length; i += size) batches.push(sorted.slice(i, i + size));
  return batches;
}
