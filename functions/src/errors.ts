/**
 * Application errors with stable machine codes (docs/api.md). Everything the product refuses or fails
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

  /** Seconds the client should wait before trying again (sent as `Retry-After`), for 429 and 503. */
  readonly retryAfterSeconds?: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
    options?: { cause?: unknown; retryAfterSeconds?: number },
  ) {
    super(message, options);
    this.status = STATUS_BY_CODE[code];
    this.retryAfterSeconds = options?.retryAfterSeconds;
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

/**
 * What a client should do about a fault of our own storage or messaging (a gRPC status of Firestore
 * or Pub/Sub, https://grpc.github.io/grpc/core/md_doc_statuscodes.html): all are worth retrying
 * shortly, none is the client's error and none is `internal`.
 */
const RETRY_LATER_BY_GRPC_CODE: Record<number, { code: ErrorCode; message: string }> = {
  4: { code: 'unavailable', message: 'The service took too long to answer; try again in a moment.' },
  8: { code: 'rate_limited', message: 'Too many requests right now; try again in a moment.' },
  10: {
    code: 'unavailable',
    message: 'Too many concurrent changes to the same data; try again in a moment.',
  },
  14: { code: 'unavailable', message: 'The service is unavailable right now; try again in a moment.' },
};

/** Turns anything thrown into an AppError; unknown errors become `internal` with a generic message. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const grpcCode = (error as { code?: unknown } | null)?.code;
  const retryLater = typeof grpcCode === 'number' ? RETRY_LATER_BY_GRPC_CODE[grpcCode] : undefined;
  if (retryLater) {
    return new AppError(retryLater.code, retryLater.message, undefined, {
      cause: error,
      retryAfterSeconds: 1,
    });
  }
  return new AppError('internal', 'An internal error occurred.', undefined, { cause: error });
}
