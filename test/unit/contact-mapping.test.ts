import assert from 'node:assert/strict';
import fc from 'fast-check';
import { describe, it } from 'mocha';
import {
  contactPatch,
  contactValues,
  newContactBody,
} from '../../functions/src/core/sync/contacts/crmValues.js';
import type { SyncValues } from '../../functions/src/core/sync/contacts/fields.js';
import { crmIdOf, type Person, personValues } from '../../functions/src/core/sync/contacts/personValues.js';
import { newPerson, personUpdate } from '../../functions/src/core/sync/contacts/personWrites.js';
import { sameValue } from '../../functions/src/core/sync/merge.js';
import { type Contact, deriveDisplayName, parseNewContact } from '../../functions/src/domain/crm/contact.js';

/** The field mapping between CRM contacts and Google people (docs/behaviour.md#contact-fields). */

function contact(fields: Partial<Contact>): Contact {
  const base = { emails: [], phones: [], addresses: [], websites: [], ...fields };
  return {
    id: 'c1',
    tagIds: [],
    createdAt: '2026-01-01T00:00:00.000Z',
    modifiedAt: '2026-01-01T00:00:00.000Z',
    version: 1,
    ...base,
    displayName: deriveDisplayName(base),
  } as Contact;
}

const GROUP = 'contactGroups/abc';

describe('contact field mapping', () => {
  it('when a CRM contact goes to Google and back, then every mapped field survives', () => {
    const crm = contact({
      givenName: 'Ann',
      middleName: 'B.',
      familyName: 'Lee',
      emails: [
        { address: 'ann@example.com', type: 'work' },
        { address: 'ann@home.example', type: 'home', primary: true },
      ],
      phones: [{ number: '+1 650 555 0100', type: 'mobile' }],
      organization: { name: 'Acme', title: 'CTO', department: 'R&D' },
      addresses: [
        { type: 'work', street: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'US' },
      ],
      birthday: '1980-02-29',
      notes: 'Met at the fair',
      websites: ['https://ann.example.com'],
    });
    const person = newPerson(contactValues(crm), crm.id, GROUP);
    assert.deepEqual(personValues(person), contactValues(crm));
    assert.equal(crmIdOf(person), 'c1');
    assert.deepEqual(person.memberships, [{ contactGroupMembership: { contactGroupResourceName: GROUP } }]);
  });

  it('when the CRM derives the display name, then it is not sent; a chosen one is sent as the unstructured name', () => {
    assert.equal(contactValues(contact({ givenName: 'Ann', familyName: 'Lee' })).displayName, undefined);
    const chosen = { ...contact({ givenName: 'Ann' }), displayName: 'Dr. Ann (Acme)' };
    assert.equal(contactValues(chosen).displayName, 'Dr. Ann (Acme)');
    assert.equal(
      newPerson(contactValues(chosen), 'c1', GROUP).names?.[0]?.unstructuredName,
      'Dr. Ann (Acme)',
    );
  });

  it('when Google computed the unstructured name from the parts, then it is no chosen display name', () => {
    const person: Person = {
      names: [
        {
          givenName: 'Ann',
          familyName: 'Lee',
          honorificPrefix: 'Dr.',
          unstructuredName: 'Dr. Ann Lee',
          displayName: 'Dr. Ann Lee',
        },
      ],
    };
    assert.deepEqual(personValues(person), { givenName: 'Ann', familyName: 'Lee' });
    assert.equal(personValues({ names: [{ unstructuredName: 'Front desk' }] }).displayName, 'Front desk');
  });

  it('when no email is marked primary, then the first one is, on both sides alike', () => {
    const crm = contactValues(
      contact({
        emails: [
          { address: 'a@x.com', type: 'work' },
          { address: 'b@x.com', type: 'home' },
        ],
      }),
    );
    const google = personValues({
      emailAddresses: [
        { value: 'a@x.com', type: 'work', metadata: { primary: true } },
        { value: 'b@x.com', type: 'home' },
      ],
    });
    assert.ok(sameValue(crm.emails, google.emails));
  });

  it('when Google has a birthday without a year, an email that is no address or a website without http, then they are not mapped but kept on write', () => {
    const person: Person = {
      etag: 'e1',
      birthdays: [{ date: { month: 4, day: 1 } }],
      emailAddresses: [{ value: 'not an address' }, { value: 'ok@example.com' }],
      urls: [{ value: 'ftp://files.example.com' }, { value: 'https://ok.example.com', type: 'blog' }],
    };
    const values = personValues(person);
    assert.equal(values.birthday, undefined);
    assert.deepEqual(values.emails, [{ address: 'ok@example.com', type: 'other', primary: true }]);
    assert.deepEqual(values.websites, ['https://ok.example.com']);
    const update = personUpdate(
      person,
      {
        ...values,
        emails: [{ address: 'new@example.com', type: 'work', primary: true }],
        websites: ['https://ok.example.com', 'https://new.example.com'],
      },
      ['emailAddresses', 'urls'],
      'c1',
    );
    assert.deepEqual(update.updatePersonFields, ['clientData', 'emailAddresses', 'urls']);
    assert.deepEqual(
      update.person.emailAddresses?.map((e) => e.value),
      ['new@example.com', 'not an address'],
    );
    assert.deepEqual(
      update.person.urls?.map((u) => [u.value, u.type]),
      [
        ['https://ok.example.com', 'blog'],
        ['https://new.example.com', undefined],
        ['ftp://files.example.com', undefined],
      ],
    );
    assert.equal(update.person.etag, 'e1');
    assert.equal(update.person.birthdays, undefined, 'fields that did not change are not sent');
  });

  it('when names change, then honorifics and phonetic names stay and the old computed names are not sent back', () => {
    const person: Person = {
      etag: 'e1',
      names: [
        {
          givenName: 'Ann',
          honorificPrefix: 'Dr.',
          phoneticGivenName: 'An',
          displayName: 'Dr. Ann',
          unstructuredName: 'Dr. Ann',
          metadata: { primary: true },
        },
      ],
      clientData: [
        { key: 'other-app', value: '7' },
        { key: 'crmContactId', value: 'c1' },
      ],
    };
    const update = personUpdate(person, { givenName: 'Ann', familyName: 'Lee' }, ['names'], 'c1');
    assert.deepEqual(update.updatePersonFields, ['names']);
    assert.deepEqual(update.person.names, [
      { givenName: 'Ann', familyName: 'Lee', honorificPrefix: 'Dr.', phoneticGivenName: 'An' },
    ]);
  });

  it("when a person lacks our key, then an update adds it and keeps other apps' client data", () => {
    const update = personUpdate({ etag: 'e', clientData: [{ key: 'other-app', value: '7' }] }, {}, [], 'c9');
    assert.deepEqual(update.updatePersonFields, ['clientData']);
    assert.deepEqual(update.person.clientData, [
      { key: 'other-app', value: '7' },
      { key: 'crmContactId', value: 'c9' },
    ]);
  });

  it('when the CRM organization changes, then the primary Google organization changes and the others stay', () => {
    const person: Person = {
      organizations: [
        { name: 'Side gig', type: 'other' },
        { name: 'Acme', symbol: 'ACME', metadata: { primary: true } },
      ],
    };
    assert.deepEqual(personValues(person).organization, { name: 'Acme' });
    const update = personUpdate(
      person,
      { organization: { name: 'Acme', title: 'CEO' } },
      ['organizations'],
      'c1',
    );
    assert.deepEqual(
      update.person.organizations?.map((o) => [o.name, o.title, o.symbol]),
      [
        ['Acme', 'CEO', 'ACME'],
        ['Side gig', undefined, undefined],
      ],
    );
  });

  it('when a value is removed, then the CRM patch removes it (null, or an empty list)', () => {
    assert.deepEqual(contactPatch({}, ['notes', 'phones', 'organization']), {
      notes: null,
      phones: [],
      organization: null,
    });
  });

  it('when a Google person is imported, then the CRM accepts the new contact with the tag', () => {
    const values = personValues({
      names: [{ givenName: ' Gina ' }],
      emailAddresses: [{ value: 'gina@example.com', type: 'home' }],
      addresses: [{ formattedValue: '1 Main St, Springfield' }],
    });
    const parsed = parseNewContact(newContactBody(values, 'tag1'));
    assert.equal(parsed.givenName, 'Gina');
    assert.deepEqual(parsed.tagIds, ['tag1']);
    assert.deepEqual(parsed.addresses, [{ type: 'other', street: '1 Main St, Springfield' }]);
  });

  const word = fc.stringMatching(/^[A-Za-z][a-z]{0,7}$/);
  const syncValues: fc.Arbitrary<SyncValues> = fc
    .record(
      {
        givenName: word,
        familyName: word,
        emails: fc.uniqueArray(
          word.map((w) => `${w.toLowerCase()}@example.com`),
          { minLength: 1, maxLength: 3 },
        ),
        phones: fc.array(
          fc.integer({ min: 1000, max: 9999 }).map((n) => `+1 650 555 ${n}`),
          { maxLength: 2 },
        ),
        notes: word,
        birthday: fc.date({ min: new Date('1900-01-01'), max: new Date('2020-12-31'), noInvalidDate: true }),
      },
      { requiredKeys: [] },
    )
    .map((r) =>
      contactValues(
        contact({
          givenName: r.givenName,
          familyName: r.familyName,
          emails: (r.emails ?? []).map((address, i) => ({ address, type: i === 0 ? 'work' : 'home' })),
          phones: (r.phones ?? []).map((number) => ({ number, type: 'mobile' })),
          notes: r.notes,
          birthday: r.birthday?.toISOString().slice(0, 10),
        }),
      ),
    );

  it('when any CRM values are written into an existing person, then reading the person back gives the same values', () => {
    fc.assert(
      fc.property(syncValues, syncValues, (before, after) => {
        const person = newPerson(before, 'c1', GROUP);
        const update = personUpdate(
          person,
          after,
          ['names', 'emailAddresses', 'phoneNumbers', 'biographies', 'birthdays'],
          'c1',
        );
        assert.deepEqual(personValues({ ...person, ...update.person }), after);
      }),
    );
  });
});
