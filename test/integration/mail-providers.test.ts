import assert from 'node:assert/strict';
import { resetFirestore, type TestStack } from '../support/stack.js';
import type { TestUser } from '../support/users.js';
import {
  allFirestoreText,
  call,
  disableAllVersions,
  errorCode,
  secretVersions,
  suiteUsers,
} from './linking-support.js';

/** docs/behaviour.md#mail-providers, docs/api.md: the mail provider directory, for administrators. */

const GMAIL_CLIENT_ID = '123456789012-gmailprovider.apps.googleusercontent.com';
const GMAIL_SECRET = 'GOCSPX-gmail-provider-secret-42';

function gmailBody(stack: TestStack, overrides: Record<string, unknown> = {}) {
  return {
    name: 'GMail',
    imap: { host: '127.0.0.1', port: stack.dovecot.port, security: 'none' },
    smtp: { host: '127.0.0.1', port: stack.smtp.port, security: 'none' },
    loginFormat: 'mailbox',
    auth: 'oauth2',
    clientId: GMAIL_CLIENT_ID,
    appendSentCopy: true,
    ...overrides,
  };
}

const fieldsOf = (json: unknown) =>
  (json as { error: { details?: { fields?: Record<string, string> } } }).error.details?.fields ?? {};

describe('settings: the mail provider directory /settings/mail-providers', function () {
  this.timeout(180_000);
  let stack: TestStack;
  let admin: TestUser;
  let user: TestUser;

  before(async () => {
    ({ stack, admin, user } = await suiteUsers());
  });

  beforeEach(async () => {
    await resetFirestore(stack);
    await disableAllVersions(stack, 'gmail-oauth-client-secret');
  });

  it('when nothing was saved, then the Gmail entry exists, preset to the local mail servers of this stack', async () => {
    const list = await call('GET', '/settings/mail-providers', { user: admin });
    assert.equal(list.status, 200, list.text);
    assert.deepEqual(list.json, {
      items: [
        {
          id: 'gmail',
          name: 'GMail',
          imap: { host: '127.0.0.1', port: stack.dovecot.port, security: 'none' },
          smtp: { host: '127.0.0.1', port: stack.smtp.port, security: 'none' },
          loginFormat: 'mailbox',
          auth: 'oauth2',
          clientId: null,
          clientSecretSet: false,
          appendSentCopy: true,
        },
      ],
    });
    const one = await call('GET', '/settings/mail-providers/gmail', { user: admin });
    assert.deepEqual(one.json, (list.json as { items: unknown[] }).items[0]);
  });

  it('when a non-administrator asks, then 403; an unknown provider is 404', async () => {
    assert.equal((await call('GET', '/settings/mail-providers', { user })).status, 403);
    const unknown = await call('GET', '/settings/mail-providers/outlook', { user: admin });
    assert.equal(unknown.status, 404);
    assert.equal(errorCode(unknown), 'not_found');
  });

  it('when the administrator saves Google hosts and a secret, then the secret is only in Secret Manager and GET says it is set', async () => {
    const body = gmailBody(stack, {
      imap: { host: 'imap.gmail.com', port: 993, security: 'ssl' },
      smtp: { host: 'smtp.gmail.com', port: 465, security: 'ssl' },
      appendSentCopy: false,
      clientSecret: GMAIL_SECRET,
    });
    const saved = await call('PUT', '/settings/mail-providers/gmail', { user: admin, body });
    assert.equal(saved.status, 200, saved.text);
    const { clientSecret: _secret, ...shown } = body as typeof body & { clientSecret?: string };
    assert.deepEqual(saved.json, { id: 'gmail', ...shown, clientSecretSet: true });
    assert.ok(!saved.text.includes(GMAIL_SECRET));
    assert.ok(!(await allFirestoreText()).includes(GMAIL_SECRET));
    assert.equal((await secretVersions(stack, 'gmail-oauth-client-secret')).latest, GMAIL_SECRET);
    // Omitting the secret keeps it.
    const again = await call('PUT', '/settings/mail-providers/gmail', { user: admin, body: shown });
    assert.equal((again.json as { clientSecretSet: boolean }).clientSecretSet, true);
  });

  it('when security is none for a host that is not loopback, then 400 naming the field and nothing changes', async () => {
    const refused = await call('PUT', '/settings/mail-providers/gmail', {
      user: admin,
      body: gmailBody(stack, { imap: { host: 'mail.example.com', port: 143, security: 'none' } }),
    });
    assert.equal(refused.status, 400, refused.text);
    assert.ok(fieldsOf(refused.json)['imap.security'], refused.text);
    const read = await call('GET', '/settings/mail-providers/gmail', { user: admin });
    assert.equal((read.json as { clientId: string | null }).clientId, null);
  });

  it('when fields are malformed or unknown, then 400 names each of them', async () => {
    const refused = await call('PUT', '/settings/mail-providers/gmail', {
      user: admin,
      body: gmailBody(stack, {
        smtp: { host: 'smtp.example.com', port: 70000, security: 'tls' },
        clientId: 'not-a-client-id',
        loginFormat: 'email',
        colour: 'red',
      }),
    });
    assert.equal(refused.status, 400, refused.text);
    const fields = fieldsOf(refused.json);
    for (const name of ['smtp.port', 'smtp.security', 'clientId', 'loginFormat', 'colour']) {
      assert.ok(fields[name], `${name} in ${refused.text}`);
    }
  });
});
