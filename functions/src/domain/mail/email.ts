/**
 * The mail vocabulary shared by the import, the sending and the API (docs/behaviour.md#mail, docs/api.md `Email`,
 * `Mailbox`, `MailProvider`).
 */

export interface EmailAddress {
  address: string;
  name?: string;
}

export interface AttachmentInfo {
  filename: string;
  contentType: string;
  size: number;
}

export type EmailDirection = 'incoming' | 'outgoing';

/** One message, however many folders, mailboxes and users it was seen in (docs/behaviour.md#mail-import). */
export interface Email {
  id: string;
  /** The Message-ID header without angle brackets (or `hash:<hex>` for a message without one). */
  messageId: string;
  threadId: string;
  mailboxIds: string[];
  from: EmailAddress;
  to: EmailAddress[];
  cc: EmailAddress[];
  subject: string;
  /** RFC 3339. */
  sentAt: string;
  direction: EmailDirection;
  bodyText: string;
  bodyTruncated: boolean;
  attachments: AttachmentInfo[];
  contactIds: string[];
  /** RFC 3339. */
  createdAt: string;
}

/** At most this many UTF-8 bytes of a message's text are kept (docs/behaviour.md#mail-import). */
export const MAX_BODY_BYTES = 64 * 1024;

export type Security = 'ssl' | 'starttls' | 'none';

export interface ServerEndpoint {
  host: string;
  port: number;
  security: Security;
}

export interface MailProvider {
  id: string;
  name: string;
  imap: ServerEndpoint;
  smtp: ServerEndpoint;
  loginFormat: 'mailbox';
  auth: 'oauth2';
  clientId: string | null;
  clientSecretSet: boolean;
  appendSentCopy: boolean;
}

export type MailboxStatus = 'active' | 'reauthRequired';

export interface MailboxView {
  id: string;
  providerId: string;
  email: string;
  status: MailboxStatus;
  linkedAt: string;
  autoSync: boolean;
  periodMinutes: number;
  syncSince: string;
  folders: string[];
  lastSync?: string;
}

/** The `folders` entry that stands for the folder with SPECIAL-USE `\Sent` (RFC 6154), whatever its name. */
export const SENT_FOLDER = '\\Sent';

export interface MailCounts {
  imported: number;
  linked: number;
  skipped: number;
  failed: number;
}
