import nodemailer from 'nodemailer';
import type { ServerEndpoint } from '../../domain/mail/email.js';

/**
 * SMTP submission through `nodemailer`, authenticated with SASL XOAUTH2 and an access token
 * (https://nodemailer.com/smtp/oauth2/, https://developers.google.com/workspace/gmail/imap/xoauth2-protocol).
 * The message is sent exactly as composed (`raw`), so the bytes the server receives are the bytes
 * the product appends to Sent. Failures come out as `SmtpFault` with what the caller acts on.
 */

export type SmtpFaultReason =
  /** The server refused the token: refresh it, or the grant is dead. */
  | 'auth_failed'
  /** A permanent refusal (5xx): the message will never go out as it is. */
  | 'rejected'
  /** A transient refusal (4xx) or a connection problem: try again later. */
  | 'transient';

export class SmtpFault extends Error {
  override name = 'SmtpFault';
  constructor(
    readonly reason: SmtpFaultReason,
    /** The server's reply, e.g. `550 5.1.1 No such user`. */
    readonly reply: string,
  ) {
    super(`SMTP ${reason}: ${reply}`);
  }
}

interface NodemailerError {
  code?: string;
  responseCode?: number;
  response?: string;
  message?: string;
}

export function classifySmtpError(error: unknown): SmtpFault {
  const e = (typeof error === 'object' && error !== null ? error : {}) as NodemailerError;
  const reply = e.response ?? e.message ?? 'no reply';
  if (e.code === 'EAUTH') return new SmtpFault('auth_failed', reply);
  if (e.responseCode !== undefined && e.responseCode >= 500) return new SmtpFault('rejected', reply);
  return new SmtpFault('transient', reply);
}

export interface Submission {
  endpoint: ServerEndpoint;
  user: string;
  accessToken: string;
  envelope: { from: string; to: string[] };
  raw: Buffer;
}

export async function submit(submission: Submission): Promise<void> {
  const { endpoint } = submission;
  const transport = nodemailer.createTransport({
    host: endpoint.host,
    port: endpoint.port,
    secure: endpoint.security === 'ssl',
    requireTLS: endpoint.security === 'starttls',
    ignoreTLS: endpoint.security === 'none',
    auth: { type: 'OAuth2', user: submission.user, accessToken: submission.accessToken },
    connectionTimeout: 30_000,
    greetingTimeout: 15_000,
    socketTimeout: 60_000,
  });
  try {
    await transport.sendMail({ envelope: submission.envelope, raw: submission.raw });
  } catch (error) {
    throw classifySmtpError(error);
  } finally {
    transport.close();
  }
}
