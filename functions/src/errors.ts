/**
 * Application errors with stable machine codes (SPEC §4.3). Everything the product refuses or fails
 * at is an AppError by the time it reaches an HTTP response; anything else is reported as `internal`
 * without its message, so no internal detail (or secret) leaks into a response.
 */

export const STATUS_BY_CODE = {
  invalid_argument: 400,
  unauthenticated: 401,
  permission_denied: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  google_app_not_configured: 409,
  no_linked_account: 409,
  sync_not_configured: 409,
  no_mailbox: 409,
  precondition_failed: 412,
  payload_too_large: 413,
  unsupported_media_type: 415,
  mail_rejected: 422,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof STATUS_BY_CODE;

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: Record<string, unknown> };
}

export class AppError extends Error {
  override name = 'AppError';
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.status = STATUS_BY_CODE[code];
  }

  toBody(): ErrorBody {
    return {
      error: { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) },
    };
  }
}

export const invalidArgument = (message: string, fields?: Record<string, string>) =>
  new AppError('invalid_argument', message, fields ? { fields } : undefined);
export const notFound = (what: string) => new AppError('not_found', `${what} was not found.`);
export const permissionDenied = (message: string) => new AppError('permission_denied', message);
export const conflict = (message: string) => new AppError('conflict', message);
export const preconditionFailed = () =>
  new AppError('precondition_failed', 'The record changed since you read it; read it again and retry.');

/** Turns anything thrown into an AppError; unknown errors become `internal` with a generic message. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  return new AppError('internal', 'An internal error occurred.', undefined, { cause: error });
}
