import express from 'express';
import { AppError } from '../errors.js';

/**
 * The Functions Framework parses bodies with body-parser before our handler runs, and sends its own
 * HTML error page when that fails (malformed JSON, unsupported charset). SPEC §4.3 wants the JSON
 * error envelope for every failure, and the framework offers no error hook, so this installs the
 * final handler of Express (the framework's own Express instance) that answers with the envelope.
 * Imported once by the entry module; it changes nothing for requests that parse.
 */

interface BodyParserError extends Error {
  type?: string;
  status?: number;
}

function envelopeFor(error: BodyParserError): AppError {
  switch (error.type) {
    case 'entity.parse.failed':
      return new AppError('invalid_argument', 'The request body is not valid JSON.');
    case 'entity.too.large':
      return new AppError('payload_too_large', 'The request body is too large.');
    case 'encoding.unsupported':
    case 'charset.unsupported':
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
          ? envelopeFor(error as BodyParserError)
          : new AppError('not_found', `No route for ${req.method} ${req.url}.`);
        res.status(appError.status).json(appError.toBody());
      });
    return originalHandle.call(this, req, res, finalHandler);
  };
}
