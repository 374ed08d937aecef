import assert from 'node:assert/strict';
import { callApi } from '../support/api.js';
import { resetFirestore, type TestStack, testStack } from '../support/stack.js';
import { createUser, type TestUser } from '../support/users.js';

interface Envelope {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

function assertEnvelope(json: unknown, code: string): void {
  const body = json as Envelope;
  assert.equal(body.error.code, code);
  assert.equal(typeof body.error.message, 'string');
  assert.ok(body.error.message.length > 0);
}

describe('HTTP functions behind the gateway (identity and errors)', function () {
  this.timeout(180_000);
  let stack: TestStack;
  let user: TestUser;

  before(async () => {
    stack = await testStack();
    await resetFirestore(stack);
    user = await createUser(stack);
  });

  it('when GET /api/me has a valid ID token, then it answers the user', async () => {
    const { status, json } = await callApi('GET', '/api/me', { token: user.idToken });
    assert.equal(status, 200);
    const me = json as { uid: string; email: string; admin: boolean };
    assert.equal(me.uid, user.uid);
    assert.equal(me.email, user.email);
    assert.equal(me.admin, false);
  });

  it('when the function prefix is repeated (Hosting rewrite), then /api/api/me answers the same', async () => {
    const { status, json } = await callApi('GET', '/api/api/me', { token: user.idToken });
    assert.equal(status, 200);
    assert.equal((json as { uid: string }).uid, user.uid);
  });

  it('when there is no token, then 401 unauthenticated in the envelope', async () => {
    const { status, json } = await callApi('GET', '/api/me');
    assert.equal(status, 401);
    assertEnvelope(json, 'unauthenticated');
  });

  it('when the token is forged, then 401 before any routing', async () => {
    const { status, json } = await callApi('GET', '/api/no-such-route', { token: 'forged.token.value' });
    assert.equal(status, 401);
    assertEnvelope(json, 'unauthenticated');
  });

  it('when the route is unknown, then 404 not_found', async () => {
    const { status, json } = await callApi('GET', '/api/no-such-route', { token: user.idToken });
    assert.equal(status, 404);
    assertEnvelope(json, 'not_found');
  });

  it('when the method is wrong, then 405 method_not_allowed', async () => {
    const { status, json } = await callApi('DELETE', '/api/me', { token: user.idToken });
    assert.equal(status, 405);
    assertEnvelope(json, 'method_not_allowed');
  });

  it('when the JSON body is malformed, then 400 invalid_argument in the envelope (not the framework page)', async () => {
    const { status, json } = await callApi('POST', '/api/contacts', {
      token: user.idToken,
      headers: { 'content-type': 'application/json' },
      rawBody: '{"givenName": ',
    });
    assert.equal(status, 400);
    assertEnvelope(json, 'invalid_argument');
  });

  it('when the body is larger than 1 MiB, then 413 payload_too_large', async () => {
    const { status, json } = await callApi('POST', '/api/contacts', {
      token: user.idToken,
      body: { notes: 'x'.repeat(1024 * 1024 + 10) },
    });
    assert.equal(status, 413);
    assertEnvelope(json, 'payload_too_large');
  });

  it('when the body is not JSON, then 415 unsupported_media_type', async () => {
    const { status, json } = await callApi('POST', '/api/contacts', {
      token: user.idToken,
      headers: { 'content-type': 'text/plain' },
      rawBody: 'hello',
    });
    assert.equal(status, 415);
    assertEnvelope(json, 'unsupported_media_type');
  });

  it('when a non-administrator calls settings, then 403 permission_denied', async () => {
    const { status, json } = await callApi('GET', '/settings/google', { token: user.idToken });
    assert.equal(status, 403);
    assertEnvelope(json, 'permission_denied');
  });

  it('when an administrator calls /api/me, then admin is true', async () => {
    const admin = await createUser(stack, { admin: true });
    const { status, json } = await callApi('GET', '/api/me', { token: admin.idToken });
    assert.equal(status, 200);
    assert.equal((json as { admin: boolean }).admin, true);
  });

  it('when a path names no function, then the gateway answers 404 in the envelope', async () => {
    const { status, json } = await callApi('GET', '/nothing-here');
    assert.equal(status, 404);
    assertEnvelope(json, 'not_found');
  });
});
