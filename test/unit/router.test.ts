import assert from 'node:assert/strict';
import { AppError } from '../../functions/src/errors.js';
import type { RouteDoc } from '../../functions/src/http/routeDoc.js';
import { Router } from '../../functions/src/http/router.js';

const ok = () => ({ status: 200 });
const doc: RouteDoc = {
  summary: 'a route',
  success: [{ status: 200, description: 'ok' }],
  errors: [],
  examples: [{ name: 'ok', summary: 'ok', status: 200 }],
};
const router = new Router<object>('api', [
  { method: 'GET', path: '/contacts', doc, handle: ok },
  { method: 'GET', path: '/contacts/:id', doc, handle: ok },
  { method: 'DELETE', path: '/contacts/:id/tags/:tagId', doc, handle: ok },
  { method: 'GET', path: '/openapi.json', access: 'public', doc, handle: ok },
]);

function errorCode(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof AppError ? error.code : 'other';
  }
  return undefined;
}

describe('router', () => {
  it('when a path comes with or without the function name, then both match (docs/api.md)', () => {
    assert.deepEqual(router.match('GET', '/api/contacts/abc?x=1').params, { id: 'abc' });
    assert.deepEqual(router.match('GET', '/contacts/abc').params, { id: 'abc' });
    assert.deepEqual(router.match('DELETE', '/api/contacts/a%2Db/tags/t1').params, {
      id: 'a-b',
      tagId: 't1',
    });
  });

  it('when a path parameter cannot be a record id (Firestore refuses it as a document id), then 404 before any handler', () => {
    for (const id of ['a%2Fb', '..%2F..', '__x__', '..', '.', 'a%20b', 'x'.repeat(129), '%C3%A9']) {
      assert.equal(
        errorCode(() => router.match('GET', `/api/contacts/${id}`)),
        'not_found',
        id,
      );
      assert.equal(
        errorCode(() => router.match('DELETE', `/api/contacts/ok/tags/${id}`)),
        'not_found',
        id,
      );
    }
    assert.equal(
      errorCode(() => router.match('GET', '/api/contacts/%E0%A4%A')),
      'invalid_argument',
    );
  });

  it('when the method is HEAD, then the GET route answers (and only where GET exists)', () => {
    assert.deepEqual(router.match('HEAD', '/api/contacts/abc').params, { id: 'abc' });
    assert.equal(
      errorCode(() => router.match('HEAD', '/api/contacts/abc/tags/t')),
      'method_not_allowed',
    );
  });

  it('when the path exists with another method, then 405; when it does not exist, then 404', () => {
    assert.equal(
      errorCode(() => router.match('POST', '/api/contacts/abc')),
      'method_not_allowed',
    );
    assert.equal(
      errorCode(() => router.match('GET', '/api/nothing')),
      'not_found',
    );
    assert.equal(
      errorCode(() => router.match('GET', '/apicontacts')),
      'not_found',
    );
  });

  it('when a route is public, then only that method and path skip authentication', () => {
    assert.equal(router.publicMatch('GET', '/api/openapi.json')?.path, '/openapi.json');
    assert.equal(router.publicMatch('GET', '/openapi.json?x=1')?.path, '/openapi.json');
    assert.equal(router.publicMatch('POST', '/api/openapi.json'), undefined);
    assert.equal(router.publicMatch('GET', '/api/contacts'), undefined);
  });
});
