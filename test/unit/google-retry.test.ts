import assert from 'node:assert/strict';
import fc from 'fast-check';
import { describe, it } from 'mocha';
import { classifyGoogleError } from '../../functions/src/adapters/google/apiErrors.js';
import {
  DEFAULT_RETRY_POLICY,
  nextRetryDelay,
  parseRetryAfter,
} from '../../functions/src/core/exec/retry.js';

const policy = DEFAULT_RETRY_POLICY;

/** A gaxios-style error as the `@googleapis/*` clients throw it. */
function gaxiosError(status: number, data: unknown, headers: Record<string, string> = {}) {
  return Object.assign(new Error(`status ${status}`), {
    response: { status, data, headers: new Headers(headers) },
  });
}

describe('retry policy', () => {
  it('when Google sent Retry-After, then that wait wins over the backoff', () => {
    assert.equal(nextRetryDelay(policy, 1, { kind: 'rate_limited', retryAfterMs: 7000 }, false, 0.5), 7000);
  });

  it('when Retry-After is longer than the policy accepts, then the attempts end', () => {
    assert.equal(
      nextRetryDelay(policy, 1, { kind: 'rate_limited', retryAfterMs: 3_600_000 }, true, 0.5),
      undefined,
    );
  });

  it('when a non-idempotent call met a 5xx, then it is not repeated (it may have been carried out)', () => {
    assert.equal(nextRetryDelay(policy, 1, { kind: 'unavailable' }, false, 0.5), undefined);
    assert.notEqual(nextRetryDelay(policy, 1, { kind: 'unavailable' }, true, 0.5), undefined);
  });

  it('when a rate limit refused a non-idempotent call, then it is retried (nothing was done)', () => {
    assert.notEqual(nextRetryDelay(policy, 1, { kind: 'rate_limited' }, false, 0.5), undefined);
  });

  it('when the attempts are used up, then it gives up', () => {
    assert.equal(nextRetryDelay(policy, policy.maxAttempts, { kind: 'rate_limited' }, true, 0.5), undefined);
  });

  it('the backoff grows exponentially, stays within [ceiling/2, ceiling] and never exceeds the cap', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: policy.maxAttempts - 1 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (attempt, random) => {
          const delay = nextRetryDelay(policy, attempt, { kind: 'unavailable' }, true, random) ?? -1;
          const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
          return delay >= ceiling / 2 && delay <= ceiling;
        },
      ),
    );
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-11-25T10:00:00Z');
    assert.equal(parseRetryAfter('7', now), 7000);
    assert.equal(parseRetryAfter('Wed, 25 Nov 2026 10:00:30 GMT', now), 30_000);
    assert.equal(parseRetryAfter('soon', now), undefined);
    assert.equal(parseRetryAfter(undefined, now), undefined);
  });
});

describe('Google error classification', () => {
  const now = 0;
  const cases: [string, ReturnType<typeof gaxiosError>, string][] = [
    [
      'People expired sync token (400 FAILED_PRECONDITION, EXPIRED_SYNC_TOKEN)',
      gaxiosError(400, {
        error: { code: 400, status: 'FAILED_PRECONDITION', details: [{ reason: 'EXPIRED_SYNC_TOKEN' }] },
      }),
      'sync_token_expired',
    ],
    [
      'Calendar 410 fullSyncRequired',
      gaxiosError(410, {
        error: { code: 410, errors: [{ domain: 'calendar', reason: 'fullSyncRequired' }] },
      }),
      'sync_token_expired',
    ],
    [
      'Calendar 410 deleted',
      gaxiosError(410, { error: { code: 410, errors: [{ domain: 'global', reason: 'deleted' }] } }),
      'gone',
    ],
    [
      'Calendar 403 userRateLimitExceeded',
      gaxiosError(403, {
        error: { code: 403, errors: [{ domain: 'usageLimits', reason: 'userRateLimitExceeded' }] },
      }),
      'rate_limited',
    ],
    [
      'People 403 PERMISSION_DENIED with ErrorInfo RATE_LIMIT_EXCEEDED',
      gaxiosError(403, {
        error: { code: 403, status: 'PERMISSION_DENIED', details: [{ reason: 'RATE_LIMIT_EXCEEDED' }] },
      }),
      'rate_limited',
    ],
    [
      'Calendar 403 insufficientPermissions',
      gaxiosError(403, { error: { code: 403, errors: [{ reason: 'insufficientPermissions' }] } }),
      'forbidden',
    ],
    ['429', gaxiosError(429, { error: { code: 429, status: 'RESOURCE_EXHAUSTED' } }), 'rate_limited'],
    ['503', gaxiosError(503, { error: { code: 503 } }), 'unavailable'],
    ['401', gaxiosError(401, { error: { code: 401 } }), 'unauthorized'],
    [
      '412',
      gaxiosError(412, { error: { code: 412, errors: [{ reason: 'conditionNotMet' }] } }),
      'precondition_failed',
    ],
    [
      'People stale etag (400 FAILED_PRECONDITION)',
      gaxiosError(400, {
        error: { code: 400, status: 'FAILED_PRECONDITION', message: 'Request person.etag is different' },
      }),
      'precondition_failed',
    ],
    [
      '409 duplicate',
      gaxiosError(409, { error: { code: 409, errors: [{ reason: 'duplicate' }] } }),
      'conflict',
    ],
    ['404', gaxiosError(404, { error: { code: 404 } }), 'not_found'],
    ['400 invalid', gaxiosError(400, { error: { code: 400, status: 'INVALID_ARGUMENT' } }), 'invalid'],
  ];
  for (const [name, error, kind] of cases) {
    it(`${name} → ${kind}`, () => assert.equal(classifyGoogleError(error, now).kind, kind));
  }

  it('when no response came back (network), then the fault is `unavailable`', () => {
    assert.equal(classifyGoogleError(new Error('ECONNRESET'), now).kind, 'unavailable');
  });

  it('when Google sent Retry-After, then the failure carries it in milliseconds', () => {
    const failure = classifyGoogleError(gaxiosError(429, {}, { 'retry-after': '3' }), now);
    assert.equal(failure.retryAfterMs, 3000);
  });
});
