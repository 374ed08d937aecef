import { type FaultKind, parseRetryAfter } from '../../core/exec/retry.js';

/**
 * Google API failures, classified once here into the few outcomes the sync acts on (as Twenty does,
 * docs/architecture.md#twenty-crm). People speaks AIP-193 errors (`status`, `details[].reason`); Calendar the legacy shape
 * (`errors[].reason`). Sources: https://developers.google.com/workspace/calendar/api/guides/errors,
 * People discovery doc (EXPIRED_SYNC_TOKEN, failedPrecondition on a stale etag), docs/google-apis.md.
 */

export type GoogleFailureKind =
  | FaultKind
  /** People 400 EXPIRED_SYNC_TOKEN / Calendar 410 fullSyncRequired: list again without the token. */
  | 'sync_token_expired'
  /** 401: the access token is no longer accepted; refresh it once and repeat. */
  | 'unauthorized'
  /** 403 without a rate-limit reason (scope missing, calendar not writable…). */
  | 'forbidden'
  | 'not_found'
  /** Calendar 410 `deleted`: the resource is already gone. */
  | 'gone'
  /** Calendar 412 / People 400 failedPrecondition on an etag: changed since we read it. */
  | 'precondition_failed'
  /** Calendar 409 `duplicate`: the client-chosen id exists (a retried insert that had succeeded). */
  | 'conflict'
  | 'invalid';

export class GoogleApiFailure extends Error {
  override name = 'GoogleApiFailure';
  constructor(
    readonly kind: GoogleFailureKind,
    readonly status: number | undefined,
    /** Google's reason (`rateLimitExceeded`, `EXPIRED_SYNC_TOKEN`, …) when it sent one. */
    readonly reason: string | undefined,
    message: string,
    readonly retryAfterMs?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Calendar's legacy reasons (https://developers.google.com/workspace/calendar/api/guides/errors) and
 * the AIP-193 ErrorInfo reason People sends with a 403 PERMISSION_DENIED quota error
 * (https://cloud.google.com/apis/design/errors#error_info).
 */
const RATE_LIMIT_REASONS = new Set([
  'rateLimitExceeded',
  'userRateLimitExceeded',
  'quotaExceeded',
  'RATE_LIMIT_EXCEEDED',
]);

interface GoogleErrorBody {
  error?: {
    message?: string;
    status?: string;
    errors?: { reason?: string; message?: string }[];
    details?: { reason?: string }[];
  };
}

interface ResponseLike {
  status?: number;
  data?: unknown;
  headers?: unknown;
}

function header(headers: unknown, name: string): string | undefined {
  if (!headers || typeof headers !== 'object') return undefined;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const value = (headers as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

function responseOf(error: unknown): ResponseLike | undefined {
  // Duck-typed: the per-API packages and google-auth-library each bundle their own gaxios.
  if (typeof error !== 'object' || error === null || !('response' in error)) return undefined;
  const response = (error as { response?: unknown }).response;
  return typeof response === 'object' && response !== null ? (response as ResponseLike) : undefined;
}

function kindOf(status: number, reasons: string[], apiStatus: string | undefined): GoogleFailureKind {
  if (reasons.includes('EXPIRED_SYNC_TOKEN') || reasons.includes('fullSyncRequired')) {
    return 'sync_token_expired';
  }
  if (status === 429 || (status === 403 && reasons.some((r) => RATE_LIMIT_REASONS.has(r)))) {
    return 'rate_limited';
  }
  if (status >= 500) return 'unavailable';
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 410) return 'gone';
  if (status === 412) return 'precondition_failed';
  if (status === 409) return 'conflict';
  if (status === 400 && (apiStatus === 'FAILED_PRECONDITION' || reasons.includes('failedPrecondition'))) {
    return 'precondition_failed';
  }
  return 'invalid';
}

/** Classifies anything a Google API call threw; a GoogleApiFailure passes through unchanged. */
export function classifyGoogleError(error: unknown, now: number): GoogleApiFailure {
  if (error instanceof GoogleApiFailure) return error;
  const response = responseOf(error);
  if (!response?.status) {
    return new GoogleApiFailure(
      'unavailable',
      undefined,
      undefined,
      'Google could not be reached.',
      undefined,
      {
        cause: error,
      },
    );
  }
  const body = (response.data ?? {}) as GoogleErrorBody;
  const reasons = [
    ...(body.error?.errors ?? []).map((e) => e.reason),
    ...(body.error?.details ?? []).map((d) => d.reason),
  ].filter((reason): reason is string => typeof reason === 'string');
  const kind = kindOf(response.status, reasons, body.error?.status);
  return new GoogleApiFailure(
    kind,
    response.status,
    reasons[0] ?? body.error?.status,
    `Google answered ${response.status}${reasons[0] ? ` ${reasons[0]}` : ''}: ${body.error?.message ?? 'no message'}`,
    parseRetryAfter(header(response.headers, 'retry-after'), now),
    { cause: error },
  );
}
