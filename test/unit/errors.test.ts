import assert from 'node:assert/strict';
import { AppError, toAppError } from '../../functions/src/errors.js';

describe('errors: what a fault becomes in an answer', () => {
  it('when Firestore aborts a contended transaction (gRPC ABORTED) past its own retries, then 503 unavailable with Retry-After, never internal', () => {
    const aborted = Object.assign(new Error('10 ABORTED: Transaction lock timeout'), { code: 10 });
    const answer = toAppError(aborted);
    assert.equal(answer.status, 503);
    assert.equal(answer.code, 'unavailable');
    assert.equal(answer.retryAfterSeconds, 1);
    assert.ok(!answer.message.includes('lock timeout'), 'no internal detail in the message');
  });

  it('when storage is exhausted, unavailable or too slow, then 429 or 503 with Retry-After', () => {
    for (const [grpc, status] of [
      [8, 429],
      [14, 503],
      [4, 503],
    ] as const) {
      const answer = toAppError(Object.assign(new Error('x'), { code: grpc }));
      assert.equal(answer.status, status, `gRPC ${grpc}`);
      assert.equal(answer.retryAfterSeconds, 1);
    }
  });

  it('when the error is unknown, or carries an HTTP status as its code, then internal without Retry-After; an AppError stays itself', () => {
    for (const error of [new Error('boom'), Object.assign(new Error('Not Found'), { code: 404 }), 'text']) {
      const answer = toAppError(error);
      assert.equal(answer.code, 'internal');
      assert.equal(answer.retryAfterSeconds, undefined);
    }
    const own = new AppError('conflict', 'taken');
    assert.equal(toAppError(own), own);
  });
});
