import { ImapFlow } from 'imapflow';
import { type AddressObject, simpleParser } from 'mailparser';
import type { FetchedMessage } from '../../core/mail/plan.js';
import type { EmailAddress, ServerEndpoint } from '../../domain/mail/email.js';
import { messageParts, type TextPart } from './mimeParts.js';

/**
 * IMAP for the mail import (docs/behaviour.md#mail-import), through `imapflow`, logged in with SASL XOAUTH2 and an
 * access token (https://developers.google.com/workspace/gmail/imap/xoauth2-protocol), never a
 * password. A batch of messages costs two kinds of commands: one UID FETCH of the envelope headers,
 * BODYSTRUCTURE and INTERNALDATE for the whole batch, then one UID FETCH of the text part per
 * distinct text section (usually one or two per batch). Attachment bytes are never asked for.
 */

export type ImapFaultReason =
  /** The server refused the token (`[AUTHENTICATIONFAILED]`). */
  | 'auth_failed'
  /** The connection dropped, timed out, or the server said `[THROTTLED]` / `[UNAVAILABLE]`. */
  | 'transient'
  /** The folder is not there (`[NONEXISTENT]`, RFC 5530): a setting to fix, not a fault to retry. */
  | 'no_such_folder'
  | 'other';

export class ImapFault extends Error {
  override name = 'ImapFault';
  constructor(
    readonly reason: ImapFaultReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

interface ImapErrorLike {
  authenticationFailed?: boolean;
  responseText?: string;
  /** imapflow's flag for a SELECT/EXAMINE of a folder the server does not have. */
  mailboxMissing?: boolean;
  serverResponseCode?: string;
  code?: string;
  message?: string;
}

/** Classifies whatever imapflow threw (https://imapflow.com/docs/guides/error-handling). */
export function classifyImapError(error: unknown): ImapFault {
  if (error instanceof ImapFault) return error;
  const e = (typeof error === 'object' && error !== null ? error : {}) as ImapErrorLike;
  const said = `${e.serverResponseCode ?? ''} ${e.responseText ?? ''}`.toUpperCase();
  if (e.authenticationFailed || said.includes('AUTHENTICATIONFAILED')) {
    return new ImapFault('auth_failed', 'The IMAP server refused the access token.', { cause: error });
  }
  if (e.mailboxMissing || said.includes('NONEXISTENT')) {
    return new ImapFault('no_such_folder', 'The folder does not exist on the mail server.', { cause: error });
  }
  if (said.includes('THROTTLED') || said.includes('UNAVAILABLE') || said.includes('INUSE')) {
    return new ImapFault('transient', 'The IMAP server asked to try again later.', { cause: error });
  }
  if (e.code !== undefined || /closed|timeout|ECONN|socket/i.test(e.message ?? '')) {
    return new ImapFault('transient', `The IMAP connection failed (${e.code ?? 'closed'}).`, {
      cause: error,
    });
  }
  return new ImapFault('other', `The IMAP server answered with an error: ${e.message ?? 'unknown'}`, {
    cause: error,
  });
}

/** The header fields an Email needs; the rest of the header is not fetched. */
const HEADER_FIELDS = ['message-id', 'date', 'from', 'to', 'cc', 'subject', 'in-reply-to', 'references'];
/**
 * At most this much of a text part is fetched (a partial fetch, RFC 3501 `BODY[1]<0.N>`): enough
 * encoded bytes for the 64 KiB of text that are kept, even quoted-printable or HTML.
 */
export const MAX_TEXT_FETCH_BYTES = 256 * 1024;

export interface FolderState {
  path: string;
  uidValidity: string;
  uidNext: number;
}

export interface ImapLogin {
  endpoint: ServerEndpoint;
  user: string;
  accessToken: string;
}

function clientOptions(login: ImapLogin) {
  const { endpoint } = login;
  return {
    host: endpoint.host,
    port: endpoint.port,
    secure: endpoint.security === 'ssl',
    doSTARTTLS: endpoint.security === 'starttls' ? true : endpoint.security === 'none' ? false : undefined,
    auth: { user: login.user, accessToken: login.accessToken },
    logger: false as const,
    // A silent server must not hold a sync run for ever.
    connectionTimeout: 30_000,
    greetingTimeout: 15_000,
    socketTimeout: 120_000,
  };
}

const addresses = (value: AddressObject | AddressObject[] | undefined): EmailAddress[] =>
  (Array.isArray(value) ? value : value ? [value] : [])
    .flatMap((group) => group.value)
    .filter((entry) => entry.address)
    .map((entry) => ({
      address: (entry.address ?? '').toLowerCase(),
      ...(entry.name ? { name: entry.name } : {}),
    }));

/** A text part's bytes as a one-part MIME entity, so that mailparser decodes it (and turns HTML into text). */
async function decodeText(part: TextPart, raw: Buffer): Promise<string> {
  const header = `Content-Type: ${part.contentType}; charset="${part.charset}"\r\nContent-Transfer-Encoding: ${part.encoding}\r\n\r\n`;
  const parsed = await simpleParser(Buffer.concat([Buffer.from(header, 'latin1'), raw]), {
    skipImageLinks: true,
    skipTextToHtml: true,
    skipTextLinks: true,
  });
  return (parsed.text ?? '').trim();
}

export class ImapSession {
  private constructor(private readonly client: ImapFlow) {}

  static async open(login: ImapLogin): Promise<ImapSession> {
    const client = new ImapFlow(clientOptions(login));
    // imapflow reports a dropped connection as an 'error' event too; the pending command rejects.
    client.on('error', () => undefined);
    try {
      await client.connect();
    } catch (error) {
      throw classifyImapError(error);
    }
    return new ImapSession(client);
  }

  /** Gmail's extensions (X-GM-THRID) are there only when the server says `X-GM-EXT-1`. */
  get hasGmailExtensions(): boolean {
    return this.client.capabilities.has('X-GM-EXT-1');
  }

  private async run<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw classifyImapError(error);
    }
  }

  /** The folder with SPECIAL-USE `\Sent` (RFC 6154), if the server names one. */
  sentFolder(): Promise<string | undefined> {
    return this.run(async () => (await this.client.list()).find((box) => box.specialUse === '\\Sent')?.path);
  }

  /** Selects a folder read-only (EXAMINE): the import never changes flags. */
  select(path: string): Promise<FolderState> {
    return this.run(async () => {
      const box = await this.client.mailboxOpen(path, { readOnly: true });
      return { path, uidValidity: String(box.uidValidity), uidNext: box.uidNext };
    });
  }

  /** UIDs of messages received on or after `since` (the day; IMAP SEARCH SINCE ignores the time). */
  uidsSince(since: Date): Promise<number[]> {
    return this.run(async () => (await this.client.search({ since }, { uid: true })) || []);
  }

  /** UIDs above `uid` (`UID SEARCH UID n+1:*`, which names the last message even when none is newer). */
  uidsAfter(uid: number): Promise<number[]> {
    return this.run(async () => {
      const found = (await this.client.search({ uid: `${uid + 1}:*` }, { uid: true })) || [];
      return found.filter((value) => value > uid);
    });
  }

  /** The messages of one batch of UIDs, with their text and their attachments' metadata only. */
  readBatch(uids: readonly number[]): Promise<FetchedMessage[]> {
    return this.run(async () => {
      const gmail = this.hasGmailExtensions;
      const listed = await this.client.fetchAll(
        uids.join(','),
        { uid: true, internalDate: true, bodyStructure: true, headers: HEADER_FIELDS, threadId: gmail },
        { uid: true },
      );
      const bySection = new Map<string, number[]>();
      const partsOf = new Map<number, ReturnType<typeof messageParts>>();
      for (const message of listed) {
        if (!message.bodyStructure) continue;
        const parts = messageParts(message.bodyStructure);
        partsOf.set(message.uid, parts);
        if (parts.text)
          bySection.set(parts.text.section, [...(bySection.get(parts.text.section) ?? []), message.uid]);
      }
      const rawText = new Map<number, Buffer>();
      for (const [section, sectionUids] of bySection) {
        const fetched = await this.client.fetchAll(
          sectionUids.join(','),
          { uid: true, bodyParts: [{ key: section, start: 0, maxLength: MAX_TEXT_FETCH_BYTES }] },
          { uid: true },
        );
        for (const message of fetched) {
          const bytes = message.bodyParts ? [...message.bodyParts.values()][0] : undefined;
          if (bytes) rawText.set(message.uid, bytes);
        }
      }
      const messages: FetchedMessage[] = [];
      for (const message of listed) {
        const parts = partsOf.get(message.uid) ?? { attachments: [] };
        const header = await simpleParser(message.headers ?? Buffer.alloc(0), { skipTextToHtml: true });
        const raw = rawText.get(message.uid);
        const references = header.references;
        messages.push({
          uid: message.uid,
          messageId: header.messageId,
          date: header.date,
          internalDate: new Date(message.internalDate ?? Date.now()),
          from: addresses(header.from)[0],
          to: addresses(header.to),
          cc: addresses(header.cc),
          subject: header.subject ?? '',
          inReplyTo: header.inReplyTo,
          references: Array.isArray(references) ? references : references ? references.split(/\s+/) : [],
          gmailThreadId: gmail && message.threadId ? String(message.threadId) : undefined,
          text: parts.text && raw ? await decodeText(parts.text, raw) : '',
          textCut: (parts.text?.size ?? 0) > MAX_TEXT_FETCH_BYTES,
          attachments: parts.attachments,
        });
      }
      return messages;
    });
  }

  /** Appends a message (the Sent copy of a message the product sent, docs/behaviour.md#sending-mail). */
  append(path: string, raw: Buffer, date: Date): Promise<void> {
    return this.run(async () => {
      await this.client.append(path, raw, ['\\Seen'], date);
    });
  }

  async close(): Promise<void> {
    try {
      await this.client.logout();
    } catch {
      this.client.close();
    }
  }
}
