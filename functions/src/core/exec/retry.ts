/**
 * When and how long to wait before trying a Google call again (docs/behaviour.md#running-syncs: throttling and 5xx are
 * retried with backoff honouring Retry-After). Pure: the caller supplies the clock-free facts (the
 * attempt number, the fault, a random number) and does the waiting.
 *
 * Google asks for truncated exponential backoff with jitter on 429, 403 rate limits and 5xx
 * (https://developers.google.com/workspace/calendar/api/guides/errors#exponential-backoff,
 * https://developers.google.com/people/v1/troubleshoot-load-errors), and a server's Retry-After wins
 * over our own guess (as in Nango's retry policy, docs/architecture.md#nango).
 */

export type FaultKind =
  /** 429, or 403 with a rate-limit reason: the request was refused before any work was done. */
  | 'rate_limited'
  /** 5xx or a dropped connection: the request may or may not have been carried out. */
  | 'unavailable';

export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A Retry-After longer than this ends the attempts: the run records the fault, the next run resumes. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 500,
  maxDelayMs: 32_000,
  maxRetryAfterMs: 60_000,
};

export interface FaultSeen {
  kind: FaultKind;
  /** The server's Retry-After, in milliseconds, when it sent one. */
  retryAfterMs?: number;
}

/**
 * The wait before the next attempt, or undefined to give up. `attempt` counts the attempts made so
 * far (1 after the first failure). A fault that may have been carried out (`unavailable`) is only
 * retried for idempotent requests: repeating a create could duplicate a contact or an event.
 */
export function nextRetryDelay(
  policy: RetryPolicy,
  attempt: number,
  fault: FaultSeen,
  idempotent: boolean,
  random: number,
): number | undefined {
  if (attempt >= policy.maxAttempts) return undefined;
  if (fault.kind === 'unavailable' && !idempotent) return undefined;
  if (fault.retryAfterMs !== undefined) {
    return fault.retryAfterMs > policy.maxRetryAfterMs ? undefined : fault.retryAfterMs;
  }
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  // "Full jitter": spreads the retries of many users' runs that failed at the same moment.
  return Math.round(ceiling / 2 + (ceiling / 2) * random);
}

/** Retry-After as delta-seconds or an HTTP date (RFC 9110 §10.2.3), in milliseconds from `now`. */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * How often one record's write may be refused as stale (Calendar 412, People failedPrecondition on
 * an etag, the CRM's If-Match) in one run, each time read again and planned again, before it is
 * reported as an item error and left to the next run. The same cap for every kind.
 */
export const STALE_WRITE_ATTEMPTS = 3;
