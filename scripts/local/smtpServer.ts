import { ImapFlow } from 'imapflow';
import { SMTPServer, type SMTPServerAuthentication, type SMTPServerSession } from 'smtp-server';

/**
 * The local SMTP submission server (docs/behaviour.md#mail, docs/operations.md#local-stack), built with `smtp-server` from the nodemailer
 * project. It admits only SASL XOAUTH2 with an access token that the Google emulator's `tokeninfo`
 * accepts for the login's address, as Gmail's SMTP does
 * (https://developers.google.com/workspace/gmail/imap/xoauth2-protocol), and delivers each accepted
 * message into the recipients' INBOX of the local Dovecot (IMAP APPEND with Dovecot's seeding
 * password), so that mail one emulated user sends arrives in another's mailbox.
 *
 * Tests can make it refuse a recipient with a given SMTP reply (`refuseRecipient`), which is how a
 * permanent (5xx) or transient (4xx) refusal is produced.
 */

export interface LocalSmtpServer {
  port: number;
  /** Every message accepted so far: envelope and raw bytes. */
  delivered: Array<{ from: string; to: string[]; raw: Buffer }>;
  refuseRecipient(address: string, code: number, message: string): void;
  clearRefusals(): void;
  stop(): Promise<void>;
}

export interface SmtpServerOptions {
  port: number;
  googleApiBaseUrl: string;
  imap: { port: number; seedPassword: string };
}

interface TokenInfo {
  email?: string;
  scope?: string;
}

/** The address Google's tokeninfo names for the token, when the token is live and carries mail access. */
async function tokenOwner(googleApiBaseUrl: string, accessToken: string): Promise<string | undefined> {
  const url = `${googleApiBaseUrl}/tokeninfo?access_token=${encodeURIComponent(accessToken)}`;
  const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
  if (!response.ok) return undefined;
  const info = (await response.json()) as TokenInfo;
  const scopes = (info.scope ?? '').split(' ');
  return scopes.includes('https://mail.google.com/') ? info.email?.toLowerCase() : undefined;
}

async function deliver(options: SmtpServerOptions, recipient: string, raw: Buffer): Promise<void> {
  const client = new ImapFlow({
    host: '127.0.0.1',
    port: options.imap.port,
    secure: false,
    auth: { user: recipient, pass: options.imap.seedPassword },
    logger: false,
  });
  await client.connect();
  try {
    await client.append('INBOX', raw);
  } finally {
    await client.logout();
  }
}

function smtpError(code: number, message: string): Error & { responseCode: number } {
  return Object.assign(new Error(message), { responseCode: code });
}

export async function startSmtpServer(options: SmtpServerOptions): Promise<LocalSmtpServer> {
  const delivered: LocalSmtpServer['delivered'] = [];
  const refusals = new Map<string, { code: number; message: string }>();
  const server = new SMTPServer({
    authMethods: ['XOAUTH2'],
    // Loopback only and no TLS here, like the local Dovecot; the product refuses `none` elsewhere.
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth(auth: SMTPServerAuthentication, _session: SMTPServerSession, callback) {
      const user = (auth.username ?? '').toLowerCase();
      tokenOwner(options.googleApiBaseUrl, auth.accessToken ?? '')
        .then((owner) => {
          if (auth.method === 'XOAUTH2' && owner && owner === user) return callback(null, { user });
          // XOAUTH2's failure challenge, as Gmail sends it, then 535 (RFC 7628 / Google's protocol doc).
          return callback(null, {
            data: { status: '401', schemes: 'bearer', scope: 'https://mail.google.com/' },
          });
        })
        .catch(() => callback(smtpError(454, '4.7.0 Temporary authentication failure')));
    },
    onMailFrom(address, session, callback) {
      // Like Gmail, a user submits only as themselves.
      if (address.address.toLowerCase() !== String(session.user)) {
        return callback(smtpError(553, '5.7.1 Sender address is not the authenticated user'));
      }
      callback();
    },
    onRcptTo(address, _session, callback) {
      const refusal = refusals.get(address.address.toLowerCase());
      if (refusal) return callback(smtpError(refusal.code, refusal.message));
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        const to = session.envelope.rcptTo.map((rcpt) => rcpt.address.toLowerCase());
        Promise.all(to.map((recipient) => deliver(options, recipient, raw)))
          .then(() => {
            delivered.push({ from, to, raw });
            callback();
          })
          .catch(() => callback(smtpError(451, '4.3.0 Local delivery failed; try again later')));
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: options.port,
    delivered,
    refuseRecipient: (address, code, message) => refusals.set(address.toLowerCase(), { code, message }),
    clearRefusals: () => refusals.clear(),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
