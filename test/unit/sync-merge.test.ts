import assert from 'node:assert/strict';
import fc from 'fast-check';
import { describe, it } from 'mocha';
import { canonicalJson, sameValue, threeWayMerge } from '../../functions/src/core/sync/merge.js';

/** The three-way merge of a linked record (docs/behaviour.md#conflicts). */

const FIELDS = ['a', 'b', 'c'] as const;
type Field = (typeof FIELDS)[number];
type Values = Partial<Record<Field, unknown>>;

const merge = (base: Values | undefined, crm: Values, google: Values, crmAt = 1, googleAt = 2) =>
  threeWayMerge<Field>({ fields: FIELDS, base, crm, google, crmChangedAt: crmAt, googleChangedAt: googleAt });

describe('three-way merge', () => {
  const cases: Array<{
    name: string;
    base: Values | undefined;
    crm: Values;
    google: Values;
    crmAt?: number;
    googleAt?: number;
    merged: Values;
    crmUpdates: Field[];
    googleUpdates: Field[];
    conflicts: number;
  }> = [
    {
      name: 'when nothing changed, then nothing is written',
      base: { a: 'x' },
      crm: { a: 'x' },
      google: { a: 'x' },
      merged: { a: 'x' },
      crmUpdates: [],
      googleUpdates: [],
      conflicts: 0,
    },
    {
      name: 'when only the CRM changed a field, then Google gets it',
      base: { a: 'x' },
      crm: { a: 'y' },
      google: { a: 'x' },
      merged: { a: 'y' },
      crmUpdates: [],
      googleUpdates: ['a'],
      conflicts: 0,
    },
    {
      name: 'when each side changed another field, then both changes are kept',
      base: { a: 'x', b: 'x' },
      crm: { a: 'y', b: 'x' },
      google: { a: 'x', b: 'z' },
      merged: { a: 'y', b: 'z' },
      crmUpdates: ['b'],
      googleUpdates: ['a'],
      conflicts: 0,
    },
    {
      name: 'when Google removed a value the CRM kept, then the removal wins',
      base: { a: 'x' },
      crm: { a: 'x' },
      google: {},
      merged: {},
      crmUpdates: ['a'],
      googleUpdates: [],
      conflicts: 0,
    },
    {
      name: 'when both changed a field to different values and Google is later, then Google wins and a conflict is logged',
      base: { a: 'x' },
      crm: { a: 'y' },
      google: { a: 'z' },
      merged: { a: 'z' },
      crmUpdates: ['a'],
      googleUpdates: [],
      conflicts: 1,
    },
    {
      name: 'when both changed a field at the same time, then the CRM wins',
      base: { a: 'x' },
      crm: { a: 'y' },
      google: { a: 'z' },
      crmAt: 5,
      googleAt: 5,
      merged: { a: 'y' },
      crmUpdates: [],
      googleUpdates: ['a'],
      conflicts: 1,
    },
    {
      name: 'when both changed a field to the same value, then there is no conflict',
      base: { a: 'x' },
      crm: { a: 'y' },
      google: { a: 'y' },
      merged: { a: 'y' },
      crmUpdates: [],
      googleUpdates: [],
      conflicts: 0,
    },
    {
      name: 'when there is no base, then values present on one side only are united',
      base: undefined,
      crm: { a: 'x' },
      google: { b: 'y' },
      merged: { a: 'x', b: 'y' },
      crmUpdates: ['b'],
      googleUpdates: ['a'],
      conflicts: 0,
    },
    {
      name: 'when empty strings, empty lists and absence meet, then they are the same "no value"',
      base: { a: '' },
      crm: { a: [] },
      google: {},
      merged: {},
      crmUpdates: [],
      googleUpdates: [],
      conflicts: 0,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const result = merge(c.base, c.crm, c.google, c.crmAt, c.googleAt);
      assert.deepEqual(result.merged, c.merged);
      assert.deepEqual(result.crmUpdates, c.crmUpdates);
      assert.deepEqual(result.googleUpdates, c.googleUpdates);
      assert.equal(result.conflicts.length, c.conflicts);
    });
  }

  it('when objects differ only in key order or empty members, then they are the same value', () => {
    assert.ok(sameValue({ x: 1, y: [1, 2], z: '' }, { y: [1, 2], x: 1 }));
    assert.ok(!sameValue([1, 2], [2, 1]));
    assert.equal(canonicalJson(null), '');
  });

  const value = fc.oneof(
    fc.constant(undefined),
    fc.constantFrom('x', 'y', 'z', ''),
    fc.constant([] as string[]),
    fc.array(fc.constantFrom('p', 'q'), { maxLength: 2 }),
  );
  const values = fc.record({ a: value, b: value, c: value }, { requiredKeys: [] });
  const time = fc.integer({ min: 0, max: 3 });

  it('when a merged result is merged again, then nothing is left to write and nothing conflicts', () => {
    fc.assert(
      fc.property(
        fc.option(values, { nil: undefined }),
        values,
        values,
        time,
        time,
        (base, crm, google, t1, t2) => {
          const { merged } = merge(base, crm, google, t1, t2);
          const again = merge(merged, merged, merged, t1, t2);
          assert.deepEqual(again.crmUpdates, []);
          assert.deepEqual(again.googleUpdates, []);
          assert.deepEqual(again.conflicts, []);
          // Applying the updates to each side makes both equal to the merged values.
          const result = merge(base, crm, google, t1, t2);
          for (const field of FIELDS) {
            const crmAfter = result.crmUpdates.includes(field) ? result.merged[field] : crm[field];
            const googleAfter = result.googleUpdates.includes(field) ? result.merged[field] : google[field];
            assert.ok(sameValue(crmAfter, result.merged[field]));
            assert.ok(sameValue(googleAfter, result.merged[field]));
          }
        },
      ),
    );
  });

  it('when a field changed on one side only, then its change is never lost', () => {
    fc.assert(
      fc.property(values, values, values, time, time, (base, crm, google, t1, t2) => {
        const { merged, conflicts } = merge(base, crm, google, t1, t2);
        for (const field of FIELDS) {
          const crmChanged = !sameValue(crm[field], base[field]);
          const googleChanged = !sameValue(google[field], base[field]);
          if (crmChanged && !googleChanged) assert.ok(sameValue(merged[field], crm[field]));
          if (googleChanged && !crmChanged) assert.ok(sameValue(merged[field], google[field]));
          const conflicted = conflicts.some((conflict) => conflict.field === field);
          assert.equal(conflicted, crmChanged && googleChanged && !sameValue(crm[field], google[field]));
        }
      }),
    );
  });
});
