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

  it('when a malformed JSON body is also larger than 1 MiB, then 413, not 400', async () => {
    const { status, json } = await callApi('POST', '/api/contacts', {
      token: user.idToken,
      headers: { 'content-type': 'application/json' },
      rawBody: `{"notes": "${'x'.repeat(1024 * 1024 + 10)}`,
    });
    assert.equal(status, 413);
    assertEnvelope(json, 'payload_too_large');
  });

  it('when the path has malformed percent-encoding, then 400 invalid_argument, not 500', async () => {
    for (const token of [undefined, user.idToken]) {
      const { status, json } = await callApi('GET', '/api/contacts/%E0%A4%A', { token });
      assert.equal(status, 400);
      assertEnvelope(json, 'invalid_argument');
    }
  });

  it('when a compressed body is corrupt, then 400 invalid_argument, not 500', async () => {
    const { status, json } = await callApi('POST', '/api/contacts', {
      token: user.idToken,
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      rawBody: '{}',
    });
    assert.equal(status, 400);
    assertEnvelope(json, 'invalid_argument');
  });

  it('when a PATCH is sent as application/merge-patch+json (RFC 7396), then it applies; other methods refuse it', async () => {
    const created = await callApi('POST', '/api/contacts', {
      token: user.idToken,
      body: { givenName: 'Merge' },
    });
    assert.equal(created.status, 201);
    const patched = await callApi('PATCH', `/api/contacts/${created.json.id}`, {
      token: user.idToken,
      headers: { 'content-type': 'application/merge-patch+json' },
      rawBody: JSON.stringify({ notes: 'patched', givenName: null, familyName: 'Patch' }),
    });
    assert.equal(patched.status, 200);
    assert.equal(patched.json.notes, 'patched');
    assert.equal(patched.json.givenName, undefined);
    const malformed = await callApi('PATCH', `/api/contacts/${created.json.id}`, {
      token: user.idToken,
      headers: { 'content-type': 'application/merge-patch+json' },
      rawBody: '{"notes": ',
    });
    assert.equal(malformed.status, 400);
    assertEnvelope(malformed.json, 'invalid_argument');
    const post = await callApi('POST', '/api/contacts', {
      token: user.idToken,
      headers: { 'content-type': 'application/merge-patch+json' },
      rawBody: JSON.stringify({ givenName: 'Nope' }),
    });
    assert.equal(post.status, 415);
    assertEnvelope(post.json, 'unsupported_media_type');
  });
});
