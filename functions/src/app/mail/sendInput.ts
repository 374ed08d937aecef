import { z } from 'zod';
import { emailAddress, recordId } from '../../domain/crm/common.js';

/**
 * The body of `POST /api/emails` (docs/api.md). Every header value is refused when it holds CR or LF:
 * a line break in a header is how a caller would inject headers or recipients of its own
 * (https://owasp.org/www-community/attacks/Email_Header_Injection).
 */

const NO_LINE_BREAKS = /^[^\r\n]*$/;
/** Far below the 1 MiB request limit, and well within what SMTP servers accept (Gmail: 25 MB). */
export const MAX_TEXT_CHARS = 256 * 1024;
const MAX_RECIPIENTS = 100;

const address = z
  .string({ error: 'must be a string' })
  .regex(NO_LINE_BREAKS, 'must not contain line breaks')
  .pipe(emailAddress);

const recipients = z
  .array(address, { error: 'must be a list of addresses' })
  .max(MAX_RECIPIENTS, `lists at most ${MAX_RECIPIENTS} addresses`);

export const SendSchema = z.strictObject({
  mailboxId: recordId,
  to: recipients.min(1, 'must name at least one recipient'),
  cc: recipients.optional(),
  bcc: recipients.optional(),
  subject: z
    .string({ error: 'must be a string' })
    .max(998, 'must be at most 998 characters (one header line)')
    .regex(NO_LINE_BREAKS, 'must not contain line breaks'),
  text: z
    .string({ error: 'must be a string' })
    .max(MAX_TEXT_CHARS, `must be at most ${MAX_TEXT_CHARS} characters`),
  html: z
    .string({ error: 'must be a string' })
    .max(MAX_TEXT_CHARS, `must be at most ${MAX_TEXT_CHARS} characters`)
    .optional(),
  inReplyTo: recordId.optional(),
});

export type SendInput = z.output<typeof SendSchema>;
