import assert from 'node:assert/strict';
import fc from 'fast-check';
import { describe, it } from 'mocha';
import {
  chooseGoogleMatch,
  type GoogleMatchKeys,
  matchKeysOf,
} from '../../functions/src/core/sync/contacts/googleMatch.js';

/** Matching a CRM contact about to be created with an unlinked Google contact (docs/behaviour.md#contact-matching). */

const candidate = (resourceName: string, emails: string[], crmId?: string): GoogleMatchKeys => ({
  resourceName,
  emails,
  ...(crmId ? { crmId } : {}),
});

describe('contact matching — which Google contact a CRM contact already is', () => {
  const cases: Array<{
    name: string;
    contact: { id: string; emails: string[] };
    candidates: GoogleMatchKeys[];
    expect: unknown;
  }> = [
    {
      name: 'when no candidate shares an email or names the contact, then there is no match',
      contact: { id: 'c1', emails: ['ann@example.com'] },
      candidates: [candidate('people/c1', ['bob@example.com'], 'c9')],
      expect: undefined,
    },
    {
      name: 'when a candidate carries the contact id in clientData, then it wins over an email match',
      contact: { id: 'c1', emails: ['ann@example.com'] },
      candidates: [candidate('people/c1', ['ann@example.com']), candidate('people/c2', [], 'c1')],
      expect: { resourceName: 'people/c2', by: 'clientData' },
    },
    {
      name: 'when several candidates share the email, then the smallest resource name is chosen',
      contact: { id: 'c1', emails: ['ann@example.com'] },
      candidates: [candidate('people/c3', ['ann@example.com']), candidate('people/c2', ['ann@example.com'])],
      expect: { resourceName: 'people/c2', by: 'email' },
    },
    {
      name: 'when one candidate names another CRM contact, then one that names none is chosen first',
      contact: { id: 'c1', emails: ['ann@example.com'] },
      candidates: [
        candidate('people/c1', ['ann@example.com'], 'c7'),
        candidate('people/c2', ['ann@example.com']),
      ],
      expect: { resourceName: 'people/c2', by: 'email' },
    },
    {
      name: "when candidates share different addresses of the contact, then the contact's earlier address decides",
      contact: { id: 'c1', emails: ['work@example.com', 'home@example.com'] },
      candidates: [
        candidate('people/c1', ['home@example.com']),
        candidate('people/c2', ['work@example.com']),
      ],
      expect: { resourceName: 'people/c2', by: 'email' },
    },
    {
      name: 'when only a candidate naming another CRM contact shares the email, then it is still matched',
      contact: { id: 'c1', emails: ['ann@example.com'] },
      candidates: [candidate('people/c1', ['ann@example.com'], 'c7')],
      expect: { resourceName: 'people/c1', by: 'email' },
    },
  ];
  for (const { name, contact, candidates, expect } of cases) {
    it(name, () => assert.deepEqual(chooseGoogleMatch(contact, candidates), expect));
  }

  it('when the candidates come in any order, then the choice is the same (deterministic)', () => {
    const keys = fc.record({
      resourceName: fc.constantFrom('people/c1', 'people/c2', 'people/c3', 'people/c4'),
      emails: fc.subarray(['a@x.com', 'b@x.com', 'c@x.com']),
      crmId: fc.option(fc.constantFrom('c1', 'c2'), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.uniqueArray(keys, { selector: (k) => k.resourceName }), (candidates) => {
        const contact = { id: 'c1', emails: ['b@x.com', 'a@x.com'] };
        const forward = chooseGoogleMatch(contact, candidates);
        assert.deepEqual(chooseGoogleMatch(contact, [...candidates].reverse()), forward);
        if (forward) {
          const chosen = candidates.find((c) => c.resourceName === forward.resourceName);
          assert.ok(chosen?.crmId === 'c1' || chosen?.emails.some((e) => contact.emails.includes(e)));
        }
      }),
    );
  });
});

describe('contact matching — what a Google contact can be matched by', () => {
  it('when a contact has emails in any case and our clientData key, then both are its keys (emails lower-cased)', () => {
    assert.deepEqual(
      matchKeysOf({
        resourceName: 'people/c1',
        emailAddresses: [{ value: 'Ann@Example.com' }, { value: 'ann@example.com' }],
        clientData: [{ key: 'crmContactId', value: 'c9' }],
      }),
      { resourceName: 'people/c1', emails: ['ann@example.com'], crmId: 'c9' },
    );
  });

  it('when a contact is deleted or has neither an email nor our key, then it has no keys', () => {
    assert.equal(
      matchKeysOf({
        resourceName: 'people/c1',
        emailAddresses: [{ value: 'ann@example.com' }],
        metadata: { deleted: true },
      }),
      undefined,
    );
    assert.equal(
      matchKeysOf({
        resourceName: 'people/c2',
        names: [{ givenName: 'Ann' }],
        clientData: [{ key: 'x', value: 'y' }],
      }),
      undefined,
    );
  });
});
