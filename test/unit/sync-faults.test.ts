import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { classifyGoogleError } from '../../functions/src/adapters/google/apiErrors.js';
import { ReauthRequiredError } from '../../functions/src/app/accounts/accessTokens.js';
import { faultScope, unlessNotFound } from '../../functions/src/app/sync/runs/faults.js';
import { itemError, KindReport } from '../../functions/src/app/sync/runs/kindReport.js';
import { UnreadableRecordError } from '../../functions/src/core/sync/unreadable.js';
import { AppError, notFound } from '../../functions/src/errors.js';

/**
 * A @grpc/grpc-js ServiceError as the Firestore client rejects with it: an Error whose `code` is the
 * numeric gRPC status (https://grpc.github.io/grpc/core/md_doc_statuscodes.html).
 */
function grpcError(code: number, name: string) {
  return Object.assign(new Error(`${code} ${name}: simulated`), { code, details: 'simulated' });
}

/** A gaxios-style error as the `@googleapis/*` clients throw it. */
function googleError(status: number, reason?: string) {
  const data = { error: { message: 'refused', errors: reason ? [{ reason }] : [] } };
  return classifyGoogleError(
    Object.assign(new Error(`status ${status}`), { response: { status, data, headers: new Headers() } }),
    Date.now(),
  );
}

describe('sync fault classifier', () => {
  it('when Firestore answers UNAVAILABLE, DEADLINE_EXCEEDED, ABORTED or RESOURCE_EXHAUSTED, then the fault escapes for redelivery', () => {
    for (const [code, name] of [
      [14, 'UNAVAILABLE'],
      [4, 'DEADLINE_EXCEEDED'],
      [10, 'ABORTED'],
      [8, 'RESOURCE_EXHAUSTED'],
    ] as const) {
      assert.equal(faultScope(grpcError(code, name)), 'infrastructure', name);
    }
  });

  it('when a connection to our infrastructure was reset, directly or as the cause, then it escapes for redelivery', () => {
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    assert.equal(faultScope(reset), 'infrastructure');
    assert.equal(faultScope(new Error('wrapped', { cause: reset })), 'infrastructure');
  });

  it('when gRPC answers a status that a retry cannot fix, then it is not taken for a transient fault', () => {
    assert.equal(faultScope(grpcError(3, 'INVALID_ARGUMENT')), 'kind');
    assert.equal(faultScope(grpcError(7, 'PERMISSION_DENIED')), 'kind');
  });

  it('when Google throttles, is down, or refuses the token or the scope, then the whole kind stops', () => {
    assert.equal(faultScope(googleError(429)), 'kind');
    assert.equal(faultScope(googleError(403, 'rateLimitExceeded')), 'kind');
    assert.equal(faultScope(googleError(503)), 'kind');
    assert.equal(faultScope(googleError(401)), 'kind');
    assert.equal(faultScope(googleError(403)), 'kind');
    assert.equal(faultScope(googleError(410, 'fullSyncRequired')), 'kind');
    assert.equal(faultScope(new ReauthRequiredError('u', 'a', 'invalid_grant')), 'kind');
  });

  it('when Google or the CRM refuses one record, or the record cannot be read, then only that record fails', () => {
    assert.equal(faultScope(googleError(400)), 'item');
    assert.equal(faultScope(googleError(412)), 'item');
    assert.equal(faultScope(googleError(404)), 'item');
    assert.equal(faultScope(new AppError('invalid_argument', 'bad')), 'item');
    assert.equal(faultScope(new AppError('precondition_failed', 'stale')), 'item');
    assert.equal(faultScope(new UnreadableRecordError('no start time')), 'item');
  });

  it('when anything else is thrown (a bug, a crash), then the kind fails and no cursor passes the work', () => {
    assert.equal(faultScope(new TypeError('x is undefined')), 'kind');
    assert.equal(faultScope(new AppError('internal', 'oops')), 'kind');
  });

  it('when a CRM read meets not_found, then it is undefined, and any other failure still throws', async () => {
    assert.equal(await unlessNotFound(Promise.reject(notFound('Contact'))), undefined);
    assert.equal(await unlessNotFound(Promise.resolve(7)), 7);
    await assert.rejects(unlessNotFound(Promise.reject(new AppError('conflict', 'x'))), /x/);
  });
});

describe('item outcomes', () => {
  it('when records of any kind fail, then their codes are stable and their messages have one shape', () => {
    const google = itemError('activities', 'a1', googleError(400, 'invalid'));
    const crm = itemError('contacts', 'c1', new AppError('invalid_argument', 'A contact needs a name'));
    const unreadable = itemError(
      'activities',
      'e1',
      new UnreadableRecordError('The event has no start time'),
    );
    const internal = itemError('contacts', 'c2', new Error('secret detail at line 3'));
    assert.deepEqual(
      [google.code, crm.code, unreadable.code, internal.code],
      ['google_invalid', 'invalid_argument', 'unreadable_record', 'internal'],
    );
    for (const error of [google, crm, unreadable, internal]) {
      assert.match(error.message, /^[^\n]+[.!?] The record is tried again on the next run\.$/);
    }
    assert.match(crm.message, /^A contact needs a name\. /);
    assert.doesNotMatch(internal.message, /secret detail/);
  });

  it('when one record fails alone, then the run goes on, the record is reported and the cursor is held', async () => {
    const report = new KindReport('activities', 'uid-1');
    assert.equal(await report.perItem('a1', async () => {}), true);
    assert.equal(report.holdsCursor, false);
    assert.equal(
      await report.perItem('a2', async () => {
        throw googleError(412);
      }),
      false,
    );
    assert.equal(report.holdsCursor, true);
    assert.deepEqual(report.failedIds(), ['a2']);
    assert.deepEqual(
      report.errors.map((e) => [e.kind, e.recordId, e.code]),
      [['activities', 'a2', 'google_precondition_failed']],
    );
  });

  it('when Firestore is unavailable inside one record, then the fault escapes instead of becoming an item error', async () => {
    const report = new KindReport('activities', 'uid-1');
    await assert.rejects(
      report.perItem('a1', async () => {
        throw grpcError(14, 'UNAVAILABLE');
      }),
      /UNAVAILABLE/,
    );
    assert.deepEqual(report.errors, []);
  });
});
