import express from 'express';
import { AppError } from '../errors.js';
import { MAX_BODY_BYTES } from './limits.js';

/**
 * The Functions Framework parses bodies with body-parser before our handler runs, and sends its own
 * HTML error page when that fails (malformed JSON, unsupported charset). docs/api.md wants the JSON
 * error envelope for every failure, and the framework offers no error hook, so this installs the
 * final handler of Express (the framework's own Express instance) that answers with the envelope.
 * Imported once by the entry module; it changes nothing for requests that parse.
 */

interface RequestReadError extends Error {
  type?: string;
  status?: number;
  /** body-parser keeps the raw text of a body it could not parse. */
  body?: unknown;
}

/**
 * Failures of reading the request before our code runs: body-parser's (by `type`) and Express's own
 * (a malformed percent-encoding in the path, a corrupt compressed body: by their 4xx `status`).
 */
function envelopeFor(error: RequestReadError): AppError {
  switch (error.type) {
    case 'entity.parse.failed':
      // Parsing runs before the size check, so an oversize body that is also malformed lands here.
      if (typeof error.body === 'string' && Buffer.byteLength(error.body) > MAX_BODY_BYTES) {
        return new AppError('payload_too_large', `Request bodies are limited to ${MAX_BODY_BYTES} bytes.`);
      }
      return new AppError('invalid_argument', 'The request body must be a JSON object or array.');
    case 'entity.too.large':
      return new AppError('payload_too_large', `Request bodies are limited to ${MAX_BODY_BYTES} bytes.`);
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new AppError('unsupported_media_type', 'The request body uses an unsupported encoding.');
  }
  switch (error.status) {
    case 400:
      return new AppError(
        'invalid_argument',
        'The request could not be read (malformed URL or body encoding).',
      );
    case 413:
      return new AppError('payload_too_large', `Request bodies are limited to ${MAX_BODY_BYTES} bytes.`);
    case 415:
      return new AppError('unsupported_media_type', 'The request body uses an unsupported encoding.');
    default:
      return new AppError('internal', 'An internal error occurred.');
  }
}

type Handle = (req: express.Request, res: express.Response, callback?: (error?: unknown) => void) => void;
const application = express.application as unknown as { handle: Handle; envelopeInstalled?: boolean };

export function installFrameworkErrorEnvelope(): void {
  if (application.envelopeInstalled) return;
  application.envelopeInstalled = true;
  const originalHandle = application.handle;
  application.handle = function handle(this: unknown, req, res, callback) {
    const finalHandler =
      callback ??
      ((error?: unknown) => {
        if (res.headersSent) return;
        const appError = error
          ? envelopeFor(error as RequestReadError)
          : new AppError('not_found', `No route for ${req.method} ${req.url}.`);
        res.status(appError.status).json(appError.toBody());
      });
    return originalHandle.call(this, req, res, finalHandler);
  };
}
