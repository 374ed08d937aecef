import type { MessageStructureObject } from 'imapflow';
import type { AttachmentInfo } from '../../domain/mail/email.js';

/**
 * Reads a message's BODYSTRUCTURE (RFC 3501 §7.4.2) without its bytes: which part carries the text
 * (text/plain, else text/html, never one marked as an attachment) and what the attachments are
 * (filename, type, size). Only the text part is fetched afterwards; attachments never are.
 */

export interface TextPart {
  /** The IMAP section number (`1`, `1.2`); a single-part message's body is section 1. */
  section: string;
  contentType: 'text/plain' | 'text/html';
  charset: string;
  encoding: string;
  /** Encoded size on the server, in bytes. */
  size: number;
}

export interface MessageParts {
  text?: TextPart;
  attachments: AttachmentInfo[];
}

const lower = (value: string | undefined) => (value ?? '').toLowerCase();

function filenameOf(node: MessageStructureObject): string | undefined {
  return node.dispositionParameters?.filename ?? node.parameters?.name;
}

/**
 * The size of an attachment without fetching it: the `size` disposition parameter when the sender
 * gave one (RFC 2183 §2.7), else estimated from the encoded size BODYSTRUCTURE reports: base64
 * carries 3 bytes in every 4 characters, in lines of 76 plus CRLF (RFC 2045 §6.8).
 */
function decodedSize(node: MessageStructureObject): number {
  const declared = Number(node.dispositionParameters?.size);
  if (Number.isSafeInteger(declared) && declared >= 0) return declared;
  const size = node.size ?? 0;
  if (lower(node.encoding) !== 'base64') return size;
  const lineBreaks = 2 * Math.floor(size / 78);
  return Math.floor(((size - lineBreaks) * 3) / 4);
}

function isAttachment(node: MessageStructureObject): boolean {
  const type = lower(node.type);
  if (lower(node.disposition) === 'attachment') return true;
  if (type === 'text/plain' || type === 'text/html') return filenameOf(node) !== undefined;
  return !type.startsWith('multipart/');
}

export function messageParts(structure: MessageStructureObject): MessageParts {
  const attachments: AttachmentInfo[] = [];
  const texts: TextPart[] = [];
  const visit = (node: MessageStructureObject) => {
    const type = lower(node.type);
    if (type.startsWith('multipart/')) {
      for (const child of node.childNodes ?? []) visit(child);
      return;
    }
    if (isAttachment(node)) {
      attachments.push({
        filename: filenameOf(node) ?? (type === 'message/rfc822' ? 'message.eml' : 'attachment'),
        contentType: type || 'application/octet-stream',
        size: decodedSize(node),
      });
      return;
    }
    texts.push({
      section: node.part ?? '1',
      contentType: type as TextPart['contentType'],
      charset: node.parameters?.charset ?? 'utf-8',
      encoding: lower(node.encoding) || '7bit',
      size: node.size ?? 0,
    });
  };
  visit(structure);
  const text = texts.find((part) => part.contentType === 'text/plain') ?? texts[0];
  return { text, attachments };
}
