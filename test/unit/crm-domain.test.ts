import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  applyActivityPatch,
  instantsOf,
  overlaps,
  parseNewActivity,
  parseRange,
  renderTimes,
} from '../../functions/src/domain/crm/activity.js';
import {
  applyContactPatch,
  checkContactPatch,
  deriveDisplayName,
  parseNewContact,
} from '../../functions/src/domain/crm/contact.js';
import {
  decodePageToken,
  encodePageToken,
  listScope,
  parsePageSize,
  sortKeyCount,
} from '../../functions/src/domain/crm/paging.js';
import { parseNewTag, visibleTo } from '../../functions/src/domain/crm/tag.js';
import {
  addDays,
  formatInstant,
  isIanaTimeZone,
  isIsoDate,
  offsetMinutes,
  parseRfc3339,
  startOfDay,
} from '../../functions/src/domain/crm/time.js';
import { mergePatch } from '../../functions/src/domain/crm/validation.js';
import { AppError } from '../../functions/src/errors.js';

function fieldsOfError(fn: () => unknown): Record<string, string> {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof AppError, String(error));
    assert.equal(error.code, 'invalid_argument');
    return (error.details?.fields ?? {}) as Record<string, string>;
  }
  assert.fail('expected a validation error');
}

describe('CRM time handling', () => {
  it('when RFC 3339 text is parsed, then offsets apply and malformed or impossible values are refused', () => {
    assert.equal(parseRfc3339('2025-01-15T10:00:00+01:00'), Date.UTC(2025, 0, 15, 9));
    assert.equal(parseRfc3339('2025-01-15t09:00:00.250z'), Date.UTC(2025, 0, 15, 9, 0, 0, 250));
    for (const bad of [
      '2025-01-15T10:00:00',
      '2025-02-29T00:00:00Z',
      '2025-01-15 10:00:00Z',
      '2025-13-01T00:00:00Z',
      '2025-01-15T24:00:00Z',
      '2025-01-15T10:00:00+25:00',
      'tomorrow',
    ]) {
      assert.equal(parseRfc3339(bad), undefined, bad);
    }
    assert.ok(parseRfc3339('2024-02-29T00:00:00Z'));
  });

  it('when dates are checked, then only real calendar dates pass, and adding days crosses months', () => {
    assert.ok(isIsoDate('2024-02-29'));
    assert.ok(!isIsoDate('2025-02-29'));
    assert.ok(!isIsoDate('2025-1-01'));
    assert.equal(addDays('2025-02-28', 1), '2025-03-01');
    assert.equal(addDays('2024-12-31', 1), '2025-01-01');
  });

  it('when time zones are checked, then IANA names pass and offsets or unknown names do not', () => {
    for (const ok of ['Europe/Paris', 'America/Argentina/Buenos_Aires', 'UTC', 'Etc/GMT+5', 'Asia/Kolkata'])
      assert.ok(isIanaTimeZone(ok), ok);
    for (const bad of ['+01:00', 'Mars/Base', '', 'Europe/Paris; drop', '../etc'])
      assert.ok(!isIanaTimeZone(bad), bad);
  });

  it('when instants are shown in a zone, then the offset of that moment (with DST and half hours) is used', () => {
    const winter = Date.UTC(2025, 0, 15, 9);
    const summer = Date.UTC(2025, 6, 15, 9);
    assert.equal(offsetMinutes(winter, 'Europe/Paris'), 60);
    assert.equal(offsetMinutes(summer, 'Europe/Paris'), 120);
    assert.equal(formatInstant(winter, 'Europe/Paris'), '2025-01-15T10:00:00+01:00');
    assert.equal(formatInstant(summer, 'America/New_York'), '2025-07-15T05:00:00-04:00');
    assert.equal(formatInstant(winter, 'Asia/Kolkata'), '2025-01-15T14:30:00+05:30');
    assert.equal(formatInstant(winter + 5, 'UTC'), '2025-01-15T09:00:00.005+00:00');
    assert.equal(formatInstant(winter), '2025-01-15T09:00:00Z');
  });

  it('when a day starts in a zone, then midnight there is found, also on DST change days', () => {
    assert.equal(startOfDay('2025-05-01'), Date.UTC(2025, 4, 1));
    assert.equal(startOfDay('2025-05-01', 'Asia/Tokyo'), Date.UTC(2025, 3, 30, 15));
    assert.equal(startOfDay('2025-03-30', 'Europe/Paris'), Date.UTC(2025, 2, 29, 23));
    assert.equal(startOfDay('2025-03-31', 'Europe/Paris'), Date.UTC(2025, 2, 30, 22));
    assert.equal(startOfDay('2025-11-02', 'America/New_York'), Date.UTC(2025, 10, 2, 4));
  });

  it('when local midnight is skipped, repeated or unusual, then the day starts at its first existing instant', () => {
    const cases: Array<[date: string, timeZone: string, start: string, why: string]> = [
      // Spring forward at 00:00 → 01:00 (-04 → -03): the day starts at 01:00 local.
      ['2025-09-07', 'America/Santiago', '2025-09-07T04:00:00Z', 'midnight skipped'],
      ['2025-09-06', 'America/Santiago', '2025-09-06T04:00:00Z', 'the day before'],
      // Fall back at 24:00 → 23:00 (-03 → -04): 23:00–23:59 of the 5th repeat, the 6th starts after.
      ['2025-04-06', 'America/Santiago', '2025-04-06T04:00:00Z', 'fall back at midnight'],
      // Spring forward at 00:00 → 01:00 (-05 → -04).
      ['2025-03-09', 'America/Havana', '2025-03-09T05:00:00Z', 'midnight skipped'],
      // Fall back at 01:00 → 00:00 (-04 → -05): midnight happens twice, the first one counts.
      ['2025-11-02', 'America/Havana', '2025-11-02T04:00:00Z', 'midnight repeated'],
      ['2025-06-15', 'America/New_York', '2025-06-15T04:00:00Z', 'a normal day'],
      ['2025-11-02', 'America/New_York', '2025-11-02T04:00:00Z', 'fall back at 02:00'],
      ['2025-11-03', 'America/New_York', '2025-11-03T05:00:00Z', 'after fall back'],
      ['2025-05-01', 'Asia/Kathmandu', '2025-04-30T18:15:00Z', '+05:45'],
      ['2025-04-06', 'Pacific/Chatham', '2025-04-05T10:15:00Z', '+13:45, DST ends at 03:45 that day'],
      ['2025-04-07', 'Pacific/Chatham', '2025-04-06T11:15:00Z', '+12:45'],
      ['2025-09-28', 'Pacific/Chatham', '2025-09-27T11:15:00Z', 'DST starts at 02:45 that day'],
      ['2025-09-07', 'UTC', '2025-09-07T00:00:00Z', 'UTC'],
      // Samoa skipped 2011-12-30 entirely: it "starts" where the 31st does.
      ['2011-12-30', 'Pacific/Apia', '2011-12-30T10:00:00Z', 'a skipped day'],
    ];
    for (const [date, timeZone, start, why] of cases) {
      assert.equal(
        new Date(startOfDay(date, timeZone)).toISOString().replace('.000Z', 'Z'),
        start,
        `${date} ${timeZone} (${why})`,
      );
    }
  });
});

describe('CRM contact validation', () => {
  it('when a contact is valid, then defaults fill lists and types, and the display name is derived', () => {
    const contact = parseNewContact({
      givenName: ' Ada ',
      familyName: 'Lovelace',
      emails: [{ address: 'ada@example.com' }],
    });
    assert.equal(contact.givenName, 'Ada');
    assert.deepEqual(contact.emails, [{ address: 'ada@example.com', type: 'other' }]);
    assert.deepEqual(contact.tagIds, []);
    assert.equal(deriveDisplayName(contact), 'Ada Lovelace');
    assert.equal(deriveDisplayName({ ...parseNewContact({ organization: { name: 'ACME' } }) }), 'ACME');
    assert.equal(
      deriveDisplayName({ ...parseNewContact({ phones: [{ number: '+1 650 555 0100' }] }) }),
      '+1 650 555 0100',
    );
  });

  it('when fields are invalid, then each is named', () => {
    assert.ok(fieldsOfError(() => parseNewContact({})).displayName);
    assert.ok(fieldsOfError(() => parseNewContact(undefined)).body);
    assert.ok(fieldsOfError(() => parseNewContact({ phones: [{ number: '12' }] }))['phones.0.number']);
    assert.ok(fieldsOfError(() => parseNewContact({ givenName: 'x', tagIds: ['a', 'a'] })).tagIds);
    assert.ok(fieldsOfError(() => parseNewContact({ givenName: 'x', tagIds: ['bad/id'] }))['tagIds.0']);
    assert.ok(
      fieldsOfError(() => parseNewContact({ givenName: 'x', addresses: [{ type: 'home' }] }))['addresses.0'],
    );
    assert.ok(fieldsOfError(() => parseNewContact({ givenName: 'x', notes: 'n'.repeat(20_001) })).notes);
  });

  it('when a patch is checked and applied, then read-only and unknown keys are refused and null removes', () => {
    assert.deepEqual(
      fieldsOfError(() => checkContactPatch({ version: 2, tagIds: [], foo: 1 })),
      {
        version: 'is read-only',
        tagIds: 'is read-only',
        foo: 'is not a known field',
      },
    );
    const current = parseNewContact({ givenName: 'A', notes: 'x', organization: { name: 'O', title: 'T' } });
    const { tagIds: _tags, ...fields } = current;
    const next = applyContactPatch(fields, checkContactPatch({ notes: null, organization: { title: null } }));
    assert.equal(next.notes, undefined);
    assert.deepEqual(next.organization, { name: 'O' });
  });
});

describe('CRM activity validation', () => {
  const base = { title: 'Call', start: '2025-01-01T10:00:00+01:00', end: '2025-01-01T11:00:00+01:00' };

  it('when a timed activity is parsed, then times are stored in UTC and shown in its zone', () => {
    const activity = parseNewActivity({ ...base, timeZone: 'Europe/Paris' });
    assert.equal(activity.start, '2025-01-01T09:00:00Z');
    assert.equal(activity.showInCalendar, false);
    assert.equal(activity.status, 'planned');
    const shown = renderTimes(activity);
    assert.equal(shown.start, '2025-01-01T10:00:00+01:00');
    assert.deepEqual(instantsOf(activity), {
      startAt: Date.UTC(2025, 0, 1, 9),
      endAt: Date.UTC(2025, 0, 1, 10),
    });
  });

  it('when start/end do not fit allDay, then the fields are named', () => {
    assert.ok(fieldsOfError(() => parseNewActivity({ ...base, allDay: true })).start);
    assert.ok(
      fieldsOfError(() => parseNewActivity({ ...base, allDay: true, start: '2025-01-02', end: '2025-01-01' }))
        .end,
    );
    assert.ok(fieldsOfError(() => parseNewActivity({ ...base, end: '2025-01-01T09:59:00+01:00' })).end);
    assert.ok(fieldsOfError(() => parseNewActivity({ ...base, timeZone: 'Nowhere/Place' })).timeZone);
  });

  it('when a time or date lies outside what Firestore timestamps hold (years 0001 to 9999), then the field is named, never a 500 later', () => {
    for (const [start, end] of [
      ['0000-01-01T10:00:00Z', '2025-01-01T11:00:00Z'],
      ['2025-01-01T10:00:00Z', '9999-12-31T23:00:00-05:00'],
    ] as const) {
      const fields = fieldsOfError(() => parseNewActivity({ ...base, start, end }));
      assert.ok(fields.start || fields.end, `${start} / ${end}`);
    }
    for (const [start, end] of [
      ['0000-12-31', '0001-01-05'],
      ['9999-12-30', '9999-12-31'],
    ] as const) {
      const fields = fieldsOfError(() =>
        parseNewActivity({ ...base, allDay: true, timeZone: 'Pacific/Kiritimati', start, end }),
      );
      assert.ok(fields.start || fields.end, `${start} / ${end}`);
    }
    assert.ok(fieldsOfError(() => parseRange(new URLSearchParams('from=0000-01-01&to=2025-01-01'))).from);
    assert.ok(
      fieldsOfError(() => parseRange(new URLSearchParams('from=2025-01-01&to=9999-12-31T23:00:00-05:00'))).to,
    );
    const edge = parseNewActivity({ ...base, start: '0001-01-01T00:00:00Z', end: '9999-12-31T23:59:59Z' });
    assert.equal(edge.end, '9999-12-31T23:59:59Z', 'the range itself is accepted');
  });

  it('when a patch changes allDay without new times, then it is refused; with them it applies', () => {
    const activity = { ...parseNewActivity(base), organizerContactId: 'c1', participants: [] };
    assert.ok(fieldsOfError(() => applyActivityPatch(activity, { allDay: true })).start);
    const allDay = applyActivityPatch(activity, { allDay: true, start: '2025-01-01', end: '2025-01-02' });
    assert.deepEqual(instantsOf(allDay), { startAt: Date.UTC(2025, 0, 1), endAt: Date.UTC(2025, 0, 2) });
  });

  it('when overlap with [from, to) is decided, then touching ends do not overlap but zero-length inside does', () => {
    assert.ok(overlaps({ startAt: 5, endAt: 15 }, 10, 20));
    assert.ok(!overlaps({ startAt: 0, endAt: 10 }, 10, 20));
    assert.ok(!overlaps({ startAt: 20, endAt: 30 }, 10, 20));
    assert.ok(overlaps({ startAt: 10, endAt: 10 }, 10, 20));
    assert.ok(!overlaps({ startAt: 20, endAt: 20 }, 10, 20));
  });

  it('when from/to are read, then dates are 00:00 UTC and both are required together', () => {
    assert.equal(parseRange(new URLSearchParams('')), undefined);
    assert.deepEqual(parseRange(new URLSearchParams('from=2025-01-01&to=2025-01-02T00:00:00%2B01:00')), {
      from: Date.UTC(2025, 0, 1),
      to: Date.UTC(2025, 0, 1, 23),
    });
    assert.ok(fieldsOfError(() => parseRange(new URLSearchParams('from=2025-01-01'))).to);
    assert.ok(fieldsOfError(() => parseRange(new URLSearchParams('from=2025-01-02&to=2025-01-01'))).to);
  });
});

describe('CRM tags and paging', () => {
  it('when a non-admin creates a shared tag, then 403; personal tags are visible to their owner only', () => {
    assert.throws(() => parseNewTag({ name: 'x', type: 'corporate' }, { admin: false }), /administrators/);
    assert.deepEqual(parseNewTag({ name: 'x', type: 'public' }, { admin: true }), {
      name: 'x',
      type: 'public',
    });
    assert.ok(visibleTo({ type: 'personal', ownerUid: 'u1' }, 'u1'));
    assert.ok(!visibleTo({ type: 'personal', ownerUid: 'u1' }, 'u2'));
    assert.ok(visibleTo({ type: 'corporate' }, 'u2'));
  });

  it('when page sizes and tokens are read, then bounds hold and a token only works for its own list', () => {
    assert.equal(parsePageSize(null), 50);
    assert.equal(parsePageSize('1000'), 1000);
    for (const bad of ['0', '1001', '-1', '2.5', 'x'])
      assert.ok(fieldsOfError(() => parsePageSize(bad)).pageSize, bad);
    const token = encodePageToken('contacts', { keys: [[1, 2]], id: 'abc' });
    assert.deepEqual(decodePageToken('contacts', token), { keys: [[1, 2]], id: 'abc' });
    assert.ok(fieldsOfError(() => decodePageToken('tags', token)).pageToken);
    assert.ok(fieldsOfError(() => decodePageToken('contacts', 'not-a-token')).pageToken);
    assert.equal(decodePageToken('contacts', null), undefined);
  });

  it('when a page token is crafted, then anything but the exact shape of that list is 400 naming pageToken', () => {
    const craft = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const ok = { s: 'contacts', k: [[1_700_000_000, 5]], i: 'abc' };
    assert.deepEqual(decodePageToken('contacts', craft(ok)), { keys: [[1_700_000_000, 5]], id: 'abc' });
    const range = listScope.activities({ from: 1, to: 2 });
    assert.equal(sortKeyCount(range), 3);
    const three = {
      s: range,
      k: [
        [1, 0],
        [2, 0],
        [3, 999_999_999],
      ],
      i: 'x',
    };
    assert.deepEqual(decodePageToken(range, craft(three)), { keys: three.k, id: 'x' });
    const bad: Array<[string, unknown]> = [
      ['seconds out of range', { ...ok, k: [[1e20, 5]] }],
      ['seconds before year 1', { ...ok, k: [[-62_135_596_801, 0]] }],
      ['fractional seconds', { ...ok, k: [[1.5, 0]] }],
      ['nanos out of range', { ...ok, k: [[1, 1_000_000_000]] }],
      ['negative nanos', { ...ok, k: [[1, -1]] }],
      ['no keys', { ...ok, k: [] }],
      [
        'too many keys',
        {
          ...ok,
          k: [
            [1, 0],
            [2, 0],
          ],
        },
      ],
      ['too few keys for a range', { ...three, k: [[1, 0]] }],
      ['an object key', { ...ok, k: [{ seconds: 1, nanos: 0 }] }],
      ['a string key', { ...ok, k: ['2025-01-01'] }],
      ['a number key', { ...ok, k: [1] }],
      ['a key of three numbers', { ...ok, k: [[1, 2, 3]] }],
      ['keys not an array', { ...ok, k: { 0: [1, 0] } }],
      ['an empty id', { ...ok, i: '' }],
      ['an id with a slash', { ...ok, i: 'a/b' }],
      ['a reserved id', { ...ok, i: '__x__' }],
      ['a numeric id', { ...ok, i: 5 }],
      ['an extra field', { ...ok, x: 1 }],
      ['no scope', { k: ok.k, i: ok.i }],
      ['an array', [ok.s, ok.k, ok.i]],
      ['null', null],
    ];
    for (const [why, value] of bad) {
      const scope = why.includes('range') ? range : 'contacts';
      assert.ok(fieldsOfError(() => decodePageToken(scope, craft(value))).pageToken, why);
    }
    assert.ok(fieldsOfError(() => decodePageToken(range, craft(ok))).pageToken, 'contacts token for a range');
    assert.ok(fieldsOfError(() => decodePageToken('contacts', `${craft(ok)}=`)).pageToken, 'padding');
    assert.ok(fieldsOfError(() => decodePageToken('contacts', `${craft(ok)}!`)).pageToken, 'not base64url');
    assert.ok(fieldsOfError(() => decodePageToken('contacts', 'A'.repeat(5000))).pageToken, 'too long');
  });

  it('when a merge patch is applied, then nested objects merge, null removes and arrays replace', () => {
    assert.deepEqual(
      mergePatch({ a: 1, b: { c: 2, d: 3 }, e: [1, 2] }, { a: null, b: { c: null, f: 4 }, e: [3] }),
      {
        b: { d: 3, f: 4 },
        e: [3],
      },
    );
  });
});

describe('CRM Firestore deployment files', () => {
  const read = (path: string) => JSON.parse(readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8'));

  it('when firebase.json is read, then it names the rules and index files', () => {
    const firebase = read('firebase.json');
    assert.equal(firebase.firestore.rules, 'firestore.rules');
    assert.equal(firebase.firestore.indexes, 'firestore.indexes.json');
    const rules = readFileSync(new URL('../../firestore.rules', import.meta.url), 'utf8');
    assert.match(rules, /allow read, write: if false;/);
    assert.doesNotMatch(rules, /if true/);
  });

  it('when indexes are read, then each composite query of the CRM store has its index', () => {
    const { indexes, fieldOverrides } = read('firestore.indexes.json');
    const shapes = indexes.map(
      (index: {
        collectionGroup: string;
        fields: Array<{ fieldPath: string; order?: string; arrayConfig?: string }>;
      }) =>
        `${index.collectionGroup}:${index.fields.map((f) => `${f.fieldPath}/${f.order ?? f.arrayConfig}`).join(',')}`,
    );
    for (const expected of [
      'crmContacts:tagIds/CONTAINS,createdAt/ASCENDING,__name__/ASCENDING',
      'crmTags:audience/CONTAINS,createdAt/ASCENDING,__name__/ASCENDING',
      'crmActivities:createdAt/ASCENDING,endAt/ASCENDING,startAt/ASCENDING,__name__/ASCENDING',
      'crmChanges:feedKeys/CONTAINS,changedAt/ASCENDING,__name__/ASCENDING',
    ]) {
      assert.ok(shapes.includes(expected), expected);
    }
    assert.ok(
      fieldOverrides.some((o: { fieldPath: string; ttl?: boolean }) => o.fieldPath === 'expireAt' && o.ttl),
    );
  });
});
