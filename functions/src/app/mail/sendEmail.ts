import { createHash, randomBytes } from 'node:crypto';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import {
  claimIdempotencyKey,
  recordAnswer,
  releaseIdempotencyKey,
} from '../../adapters/firestore/emailSends.js';
import { getEmail, writeEmails } from '../../adapters/firestore/emails.js';
import type { MailboxRecord } from '../../adapters/firestore/mailboxes.js';
import { ImapSession } from '../../adapters/imap/session.js';
import { SmtpFault, submit } from '../../adapters/smtp/submit.js';
import { decideImport, emailIdOf, truncateUtf8 } from '../../core/mail/plan.js';
import type { Caller } from '../../domain/auth/caller.js';
import { invalid, isPlainObject, parseOrThrow } from '../../domain/crm/validation.js';
import { type Email, type MailProvider, SENT_FOLDER } from '../../domain/mail/email.js';
import { AppError } from '../../errors.js';
import { log } from '../../logging.js';
import { crmStore } from '../crm/store.js';
import { mailboxAccessToken, markReauthRequired } from './mailboxAccess.js';
import { ownMailbox } from './mailboxes.js';
import { resolveMailApp } from './providers.js';
import { type SendInput, SendSchema } from './sendInput.js';

/**
 * `POST /api/emails` (docs/behaviour.md#sending-mail): sends through the caller's own mailbox over the provider's SMTP
 * with XOAUTH2, with a Message-ID of our own, so that the copy in Sent (appended by us when the
 * provider says `appendSentCopy`, filed by Gmail itself otherwise) is the same Email. Bad input,
 * a foreign or unknown mailbox, and refusals send nothing and store nothing.
 */

export interface SendAnswer {
  status: number;
  body: unknown;
}

const fingerprintOf = (body: unknown) =>
  createHash('sha256').update(JSON.stringify(body)).digest('base64url');

export async function sendEmail(caller: Caller, body: unknown, idempotencyKey?: string): Promise<SendAnswer> {
  if (!isPlainObject(body)) throw invalid({ body: 'must be a JSON object' });
  if (idempotencyKey !== undefined && !/^[\x21-\x7e]{1,255}$/.test(idempotencyKey)) {
    throw invalid({ 'Idempotency-Key': 'must be 1 to 255 visible ASCII characters' });
  }
  const input = parseOrThrow(SendSchema, body);
  const mailbox = await ownMailbox(caller.uid, input.mailboxId, 'mailboxId');
  const parent = input.inReplyTo ? await getEmail(input.inReplyTo) : undefined;
  if (input.inReplyTo && !parent) throw invalid({ inReplyTo: 'names no email' });
  if (!idempotencyKey) return (await send(mailbox, input, parent)) as SendAnswer;

  const claimed = await claimIdempotencyKey(caller.uid, idempotencyKey, fingerprintOf(body), new Date());
  if (claimed.outcome === 'answered') return { status: claimed.status, body: claimed.body };
  if (claimed.outcome === 'in_progress') {
    throw new AppError(
      'conflict',
      'A request with this Idempotency-Key is still being processed; retry in a moment.',
    );
  }
  if (claimed.outcome === 'other_request') {
    throw invalid({ 'Idempotency-Key': 'was used for another request in the last 24 hours' });
  }
  try {
    const answer = await send(mailbox, input, parent);
    await recordAnswer(caller.uid, idempotencyKey, answer.status, answer.body);
    return answer;
  } catch (error) {
    // A permanent refusal is the first answer for good; anything else may be tried again.
    if (error instanceof AppError && error.code === 'mail_rejected') {
      await recordAnswer(caller.uid, idempotencyKey, error.status, error.toBody());
    } else {
      await releaseIdempotencyKey(caller.uid, idempotencyKey).catch(() => undefined);
    }
    throw error;
  }
}

function messageIdFor(address: string): string {
  const domain = address.split('@').at(-1) ?? 'localhost';
  return `${randomBytes(16).toString('hex')}@${domain}`;
}

async function send(
  mailbox: MailboxRecord,
  input: SendInput,
  parent: Email | undefined,
): Promise<SendAnswer> {
  const { provider } = await resolveMailApp(mailbox.providerId);
  const messageId = messageIdFor(mailbox.email);
  const sentAt = new Date();
  const references = parent
    ? [
        ...new Set([parent.threadId.startsWith('gm:') ? undefined : parent.threadId, parent.messageId]),
      ].filter((id): id is string => Boolean(id))
    : [];
  const raw = await new MailComposer({
    from: mailbox.email,
    to: input.to,
    cc: input.cc,
    bcc: input.bcc,
    subject: input.subject,
    text: input.text,
    html: input.html,
    messageId: `<${messageId}>`,
    date: sentAt,
    ...(parent ? { inReplyTo: `<${parent.messageId}>`, references: references.map((id) => `<${id}>`) } : {}),
  })
    .compile()
    .build();
  await submitWithFreshToken(
    mailbox,
    provider,
    {
      from: mailbox.email,
      to: [...input.to, ...(input.cc ?? []), ...(input.bcc ?? [])],
    },
    raw,
  );
  const email = await recordSent(mailbox, input, {
    messageId,
    sentAt,
    threadId: parent?.threadId ?? messageId,
  });
  if (provider.appendSentCopy) await appendSentCopy(mailbox, provider, raw, sentAt);
  return { status: 201, body: email };
}

async function submitWithFreshToken(
  mailbox: MailboxRecord,
  provider: MailProvider,
  envelope: { from: string; to: string[] },
  raw: Buffer,
): Promise<void> {
  for (const force of [false, true]) {
    try {
      const accessToken = await mailboxAccessToken(mailbox, force);
      await submit({ endpoint: provider.smtp, user: mailbox.email, accessToken, envelope, raw });
      return;
    } catch (error) {
      if (!(error instanceof SmtpFault)) throw error;
      if (error.reason === 'auth_failed' && !force) continue;
      if (error.reason === 'auth_failed') return markReauthRequired(mailbox, 'smtp_authentication_failed');
      if (error.reason === 'rejected') {
        throw new AppError('mail_rejected', `The mail server refused the message: ${error.reply}`, {
          reply: error.reply,
        });
      }
      throw new AppError('unavailable', `The mail server could not take the message now: ${error.reply}`, {
        reply: error.reply,
      });
    }
  }
}

/** The Email of a sent message: the Sent copy, when imported later, has its Message-ID and is the same. */
async function recordSent(
  mailbox: MailboxRecord,
  input: SendInput,
  sent: { messageId: string; sentAt: Date; threadId: string },
): Promise<Email> {
  const to = input.to.map((address) => ({ address: address.toLowerCase() }));
  const cc = (input.cc ?? []).map((address) => ({ address: address.toLowerCase() }));
  const parties = [...new Set([mailbox.email, ...to.map((p) => p.address), ...cc.map((p) => p.address)])];
  const contacts = await crmStore().findContactsByEmail(parties, {
    uid: mailbox.uid,
    admin: false,
    by: 'sync',
  });
  const body = truncateUtf8(input.text);
  const from = { address: mailbox.email };
  const id = emailIdOf(sent.messageId);
  await writeEmails(
    [id],
    (existing) => {
      const decision = decideImport({ from }, { id: mailbox.id, address: mailbox.email }, existing.get(id));
      if (decision.action !== 'create') return [];
      return [
        {
          id,
          kind: 'create',
          email: {
            messageId: sent.messageId,
            threadId: sent.threadId,
            mailboxIds: decision.mailboxIds,
            mailboxAddresses: decision.mailboxAddresses,
            from,
            to,
            cc,
            subject: input.subject,
            sentAt: sent.sentAt.toISOString(),
            direction: decision.direction,
            bodyText: body.text,
            bodyTruncated: body.truncated,
            attachments: [],
            contactIds: contacts.map((contact) => contact.id),
          },
        },
      ];
    },
    sent.sentAt,
  );
  const email = await getEmail(id);
  if (!email) throw new AppError('internal', 'The sent email could not be read back.');
  return email;
}

/** Best effort: the message went out; a missing Sent copy must not turn that into an error. */
async function appendSentCopy(
  mailbox: MailboxRecord,
  provider: MailProvider,
  raw: Buffer,
  at: Date,
): Promise<void> {
  try {
    const session = await ImapSession.open({
      endpoint: provider.imap,
      user: mailbox.email,
      accessToken: await mailboxAccessToken(mailbox),
    });
    try {
      const named = mailbox.folders.find((folder) => folder !== 'INBOX' && folder !== SENT_FOLDER);
      const sent = (await session.sentFolder()) ?? named;
      if (sent) await session.append(sent, raw, at);
    } finally {
      await session.close();
    }
  } catch (error) {
    log.warn('could not append the sent message to the Sent folder', { mailboxId: mailbox.id, error });
  }
}
