import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { firestore } from '../../functions/src/adapters/firestore/client.js';
import { type TestStack, testStack } from '../support/stack.js';
import { createUser } from '../support/users.js';

/**
 * firestore.rules deny every direct client access (docs/architecture.md#quality-bars). The emulator enforces loaded rules on
 * its REST API for end-user credentials, while `Bearer owner` (like the server SDK) bypasses them.
 */

const OPEN_RULES = `rules_version = '2';
service cloud.firestore { match /databases/{database}/documents { match /{document=**} { allow read, write: if true; } } }`;

describe('Firestore security rules', function () {
  this.timeout(180_000);
  let stack: TestStack;
  let documents: string;

  async function loadRules(content: string) {
    const loaded = await fetch(
      `http://${stack.hosts.firestore}/emulator/v1/projects/${stack.projectId}:securityRules`,
      {
        method: 'PUT',
        body: JSON.stringify({ rules: { files: [{ content }] } }),
      },
    );
    assert.equal(loaded.status, 200, await loaded.text());
  }

  before(async () => {
    stack = await testStack();
    documents = `http://${stack.hosts.firestore}/v1/projects/${stack.projectId}/databases/(default)/documents`;
    await firestore().doc('crmContacts/rulesProbe').set({ givenName: 'Probe', tagIds: [] });
    // Control: with open rules the same unauthenticated read succeeds, so a 403 below is our rules' doing.
    await loadRules(OPEN_RULES);
    assert.equal((await fetch(`${documents}/crmContacts/rulesProbe`)).status, 200);
    await loadRules(readFileSync(new URL('../../firestore.rules', import.meta.url), 'utf8'));
  });

  // Leave the shared emulator as other suites found it.
  after(() => loadRules(OPEN_RULES));

  it('when the server (owner credentials) reads, then the rules do not apply', async () => {
    const response = await fetch(`${documents}/crmContacts/rulesProbe`, {
      headers: { authorization: 'Bearer owner' },
    });
    assert.equal(response.status, 200);
  });

  for (const [who, header] of [
    ['an unauthenticated client', undefined],
    ['a signed-in user', 'user'],
  ] as const) {
    it(`when ${who} reads, lists, writes or deletes directly, then every request is denied`, async () => {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (header) headers.authorization = `Bearer ${(await createUser(stack)).idToken}`;
      const requests: Array<[string, string, unknown?]> = [
        ['GET', `${documents}/crmContacts/rulesProbe`],
        ['GET', `${documents}/crmContacts`],
        ['GET', `${documents}/users/someone`],
        [
          'POST',
          `${documents}/crmContacts?documentId=intruder`,
          { fields: { givenName: { stringValue: 'x' } } },
        ],
        [
          'PATCH',
          `${documents}/crmContacts/rulesProbe`,
          { fields: { givenName: { stringValue: 'hacked' } } },
        ],
        ['DELETE', `${documents}/crmContacts/rulesProbe`],
        ['POST', `${documents}:runQuery`, { structuredQuery: { from: [{ collectionId: 'crmChanges' }] } }],
      ];
      for (const [method, url, body] of requests) {
        const response = await fetch(url, { method, headers, body: body ? JSON.stringify(body) : undefined });
        const text = await response.text();
        assert.equal(response.status, 403, `${method} ${url}: ${response.status} ${text.slice(0, 200)}`);
      }
      const probe = await firestore().doc('crmContacts/rulesProbe').get();
      assert.equal(probe.get('givenName'), 'Probe');
      assert.equal((await firestore().doc('crmContacts/intruder').get()).exists, false);
    });
  }
});
