import assert from 'node:assert/strict';
import { resetFirestore, type TestStack } from '../support/stack.js';
import type { TestUser } from '../support/users.js';
import {
  allFirestoreText,
  CLIENT_ID,
  CLIENT_SECRET,
  call,
  captureLogs,
  disableAllVersions,
  OTHER_CLIENT_ID,
  saveSettings,
  secretVersions,
  suiteUsers,
} from './linking-support.js';

interface ErrorJson {
  error: { code: string; message: string; details?: { fields?: Record<string, string> } };
}

describe('settings: GET|PUT /settings/google', function () {
  this.timeout(180_000);
  let stack: TestStack;
  let admin: TestUser;
  let user: TestUser;

  before(async () => {
    ({ stack, admin, user } = await suiteUsers());
  });

  beforeEach(async () => {
    await resetFirestore(stack);
  });

  it('when a non-administrator reads or writes the settings, then 403 permission_denied', async () => {
    const read = await call('GET', '/settings/google', { user });
    assert.equal(read.status, 403);
    assert.equal((read.json as ErrorJson).error.code, 'permission_denied');
    const write = await call('PUT', '/settings/google', {
      user,
      body: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, useSharedApp: false, allowedDomains: [] },
    });
    assert.equal(write.status, 403);
  });

  it('when nothing was saved yet, then GET shows no client id, no secret, own app and the initial domains', async () => {
    await disableAllVersions(stack, 'oauth-client-secret');
    const read = await call('GET', '/settings/google', { user: admin });
    assert.equal(read.status, 200, read.text);
    assert.deepEqual(read.json, {
      clientId: null,
      clientSecretSet: false,
      useSharedApp: false,
      allowedDomains: [],
    });
  });

  it('when the administrator saves the keys, then the secret goes to Secret Manager only and GET says it is set', async () => {
    const logs = captureLogs();
    try {
      const saved = await saveSettings(admin, {
        clientId: ` ${CLIENT_ID} `,
        clientSecret: CLIENT_SECRET,
        useSharedApp: false,
        allowedDomains: ['Corp.Example', 'corp.example', 'sub.corp.example'],
      });
      const expected = {
        clientId: CLIENT_ID,
        clientSecretSet: true,
        useSharedApp: false,
        allowedDomains: ['corp.example', 'sub.corp.example'],
      };
      assert.deepEqual(saved.json, expected);
      const read = await call('GET', '/settings/google', { user: admin });
      assert.deepEqual(read.json, expected);
      assert.ok(!saved.text.includes(CLIENT_SECRET) && !read.text.includes(CLIENT_SECRET));

      const { states, latest } = await secretVersions(stack, 'oauth-client-secret');
      assert.equal(latest, CLIENT_SECRET);
      assert.equal(states.filter((state) => state === 'ENABLED').length, 1, 'older versions are disabled');

      assert.ok(!(await allFirestoreText()).includes(CLIENT_SECRET), 'the secret is not in Firestore');
      assert.ok(logs.lines.length > 0, 'the save is logged');
      assert.ok(!logs.lines.join('\n').includes(CLIENT_SECRET), 'the secret is in no log line');
    } finally {
      logs.restore();
    }
  });

  it('when the secret is left out, then the stored secret is kept and the other settings change', async () => {
    await saveSettings(admin, {
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      useSharedApp: false,
    });
    const saved = await saveSettings(admin, {
      clientId: CLIENT_ID,
      useSharedApp: false,
      allowedDomains: [],
    });
    assert.equal((saved.json as { clientSecretSet: boolean }).clientSecretSet, true);
    assert.equal((await secretVersions(stack, 'oauth-client-secret')).latest, CLIENT_SECRET);
  });

  it('when the Client ID is malformed, then 400 invalid_argument names the field', async () => {
    for (const clientId of ['abc', '12345.apps.googleusercontent.com', `${CLIENT_ID}.evil.example`, 42]) {
      const result = await call('PUT', '/settings/google', {
        user: admin,
        body: { clientId, clientSecret: CLIENT_SECRET, useSharedApp: false, allowedDomains: [] },
      });
      assert.equal(result.status, 400, String(clientId));
      const body = result.json as ErrorJson;
      assert.equal(body.error.code, 'invalid_argument');
      assert.ok(body.error.details?.fields?.clientId, JSON.stringify(body));
    }
  });

  it('when a domain, a field or the body is invalid, then 400 names what is wrong', async () => {
    const cases: Array<[unknown, string]> = [
      [
        { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, allowedDomains: ['not a domain'] },
        'allowedDomains.0',
      ],
      [
        { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, allowedDomains: 'corp.example' },
        'allowedDomains',
      ],
      [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, useSharedApp: 'yes' }, 'useSharedApp'],
      [{ clientId: CLIENT_ID, clientSecret: 'has spaces in it' }, 'clientSecret'],
      [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, surprise: true }, 'surprise'],
      [{ clientSecret: CLIENT_SECRET, useSharedApp: false }, 'clientId'],
      [[CLIENT_ID], 'body'],
    ];
    for (const [body, field] of cases) {
      const result = await call('PUT', '/settings/google', { user: admin, body });
      assert.equal(result.status, 400, JSON.stringify(body));
      const error = (result.json as ErrorJson).error;
      assert.equal(error.code, 'invalid_argument');
      assert.ok(error.details?.fields?.[field], `${JSON.stringify(body)} → ${JSON.stringify(error)}`);
      assert.ok(!result.text.includes(CLIENT_SECRET));
    }
  });

  it('when the shared app is chosen but the deployment has none, then 400 explains it', async () => {
    const result = await call('PUT', '/settings/google', {
      user: admin,
      body: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, useSharedApp: true, allowedDomains: [] },
    });
    assert.equal(result.status, 400);
    const error = (result.json as ErrorJson).error;
    assert.match(error.details?.fields?.useSharedApp ?? '', /SHARED_OAUTH_CLIENT_ID/);
  });

  it('when the Client ID changes without a new secret, then 400 asks for the secret', async () => {
    await saveSettings(admin, {
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      useSharedApp: false,
    });
    const result = await call('PUT', '/settings/google', {
      user: admin,
      body: { clientId: OTHER_CLIENT_ID, useSharedApp: false },
    });
    assert.equal(result.status, 400);
    assert.ok((result.json as ErrorJson).error.details?.fields?.clientSecret);
  });

  it('when the settings function is called with its own prefix repeated or an unknown path, then the router answers', async () => {
    assert.equal((await call('GET', '/settings/settings/google', { user: admin })).status, 200);
    assert.equal((await call('GET', '/settings/nothing', { user: admin })).status, 404);
    assert.equal((await call('DELETE', '/settings/google', { user: admin })).status, 405);
  });
});
