/**
 * Google's error envelopes. Each API family answers errors in its own JSON shape:
 * - People (and other "new style" APIs): {"error":{"code","message","status","details"?}} (AIP-193)
 * - Calendar v3 (legacy): {"error":{"errors":[{domain,reason,message,...}],"code","message"}}
 * - OAuth token endpoint: {"error":"invalid_grant","error_description":"..."}
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(`HTTP ${status}`);
  }
}

export type ApiFamily = 'people' | 'calendar' | 'oauth' | 'other';

export const HTTP_STATUS_NAME: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ALREADY_EXISTS',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
};

/** A People-style (AIP-193) error. */
export function googleError(code: number, status: string, message: string, details?: unknown[]): ApiError {
  const error: Record<string, unknown> = { code, message, status };
  if (details && details.length > 0) error.details = details;
  return new ApiError(code, { error });
}

export function errorInfo(reason: string, domain: string, metadata?: Record<string, string>) {
  const info: Record<string, unknown> = {
    '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
    reason,
    domain,
  };
  if (metadata) info.metadata = metadata;
  return info;
}

export const invalidArgument = (message: string) => googleError(400, 'INVALID_ARGUMENT', message);
export const notFound = (message = 'Requested entity was not found.') =>
  googleError(404, 'NOT_FOUND', message);
export const failedPrecondition = (message: string, details?: unknown[]) =>
  googleError(400, 'FAILED_PRECONDITION', message, details);

export interface LegacyErrorItem {
  domain: string;
  reason: string;
  message: string;
  locationType?: string;
  location?: string;
}

/** A Calendar-style (legacy JSON-RPC) error. */
export function legacyError(code: number, items: LegacyErrorItem[], extra: Record<string, unknown> = {}) {
  const message = items[0]?.message ?? 'Error';
  return new ApiError(code, { error: { errors: items, code, message, ...extra } });
}

/** An OAuth 2.0 endpoint error (RFC 6749 §5.2 shape, as Google's token endpoint sends it). */
export function oauthError(status: number, error: string, description: string): ApiError {
  return new ApiError(status, { error, error_description: description });
}
