import assert from 'node:assert/strict';
import fc from 'fast-check';
import { describe, it } from 'mocha';
import type { SyncValues } from '../../functions/src/core/sync/contacts/fields.js';
import {
  type CrmSide,
  type GoogleSide,
  planPair,
  planUnlinkedPerson,
} from '../../functions/src/core/sync/contacts/plan.js';
import { sameValue } from '../../functions/src/core/sync/merge.js';
import { propertyRuns } from './runs.js';

/**
 * Random histories of user edits on both sides, with syncs (some cut short, as a crash would) in
 * between, run through the contact planner (core/sync/contacts/plan.ts) and applied to in-memory
 * CRM and Google sides the way the executor applies each decision. After every complete sync: no
 * duplicate on either side, no edit lost, nothing deleted by the sync, and a second plan is empty.
 */

type Field = 'givenName' | 'notes';
const FIELDS: Field[] = ['givenName', 'notes'];

interface CrmRecord {
  values: SyncValues;
  tagged: boolean;
  deleted: boolean;
  changedAt: number;
}
interface GoogleRecord {
  values: SyncValues;
  inGroup: boolean;
  deleted: boolean;
  changedAt: number;
}
interface World {
  crm: CrmRecord[];
  google: GoogleRecord[];
  /** CRM index → Google index and the base both agreed on. */
  links: Map<number, { google: number; base: SyncValues }>;
  clock: number;
  /** Edits made on one side only since the last sync, that it must carry over: [crm index, field, value]. */
  pending: Map<string, { crm: number; field: Field; value: string; side: 'crm' | 'google' }>;
}

type Op =
  | { op: 'crmCreate'; value: string }
  | { op: 'crmEdit' | 'googleEdit'; at: number; field: Field; value: string }
  | { op: 'crmUntag' | 'crmRetag' | 'crmDelete' | 'googleLeave' | 'googleDelete'; at: number }
  | { op: 'googleCreate'; value: string }
  | { op: 'sync'; stopAfter?: number };

const value = fc.constantFrom('Ann', 'Bob', 'Cy', 'Dee');
const at = fc.nat(6);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('crmCreate' as const), value }),
  fc.record({ op: fc.constant('googleCreate' as const), value }),
  fc.record({
    op: fc.constantFrom('crmEdit' as const, 'googleEdit' as const),
    at,
    field: fc.constantFrom(...FIELDS),
    value,
  }),
  fc.record({
    op: fc.constantFrom(
      'crmUntag' as const,
      'crmRetag' as const,
      'crmDelete' as const,
      'googleLeave' as const,
      'googleDelete' as const,
    ),
    at,
  }),
  fc.record({ op: fc.constant('sync' as const), stopAfter: fc.option(fc.nat(4), { nil: undefined }) }),
);

const crmSide = (r: CrmRecord): CrmSide =>
  r.tagged && !r.deleted
    ? { state: 'tagged', values: r.values, changedAt: r.changedAt }
    : { state: 'outOfScope' };
const googleSide = (r: GoogleRecord): GoogleSide =>
  r.deleted
    ? { state: 'deleted' }
    : r.inGroup
      ? { state: 'inGroup', values: r.values, changedAt: r.changedAt }
      : { state: 'outOfGroup' };

function userOp(world: World, op: Exclude<Op, { op: 'sync' }>): void {
  const tick = ++world.clock;
  const crm = 'at' in op ? world.crm[op.at % Math.max(1, world.crm.length)] : undefined;
  const google = 'at' in op ? world.google[op.at % Math.max(1, world.google.length)] : undefined;
  switch (op.op) {
    case 'crmCreate':
      world.crm.push({ values: { givenName: op.value }, tagged: true, deleted: false, changedAt: tick });
      return;
    case 'googleCreate':
      world.google.push({ values: { givenName: op.value }, inGroup: true, deleted: false, changedAt: tick });
      return;
    case 'crmEdit':
    case 'googleEdit': {
      const record = op.op === 'crmEdit' ? crm : google;
      if (!record || record.deleted) return;
      record.values = { ...record.values, [op.field]: op.value };
      record.changedAt = tick;
      notePending(world, op.op === 'crmEdit' ? 'crm' : 'google', op.at, op.field, op.value);
      return;
    }
    case 'crmUntag':
      if (crm) crm.tagged = false;
      return;
    case 'crmRetag':
      if (crm && !crm.deleted) crm.tagged = true;
      return;
    case 'crmDelete':
      if (crm) crm.deleted = true;
      return;
    case 'googleLeave':
      if (google) google.inGroup = false;
      return;
    case 'googleDelete':
      if (google) google.deleted = true;
  }
}

/** Remembers an edit of a linked pair's field; an edit of the same field on the other side makes it a conflict (no promise). */
function notePending(world: World, side: 'crm' | 'google', at: number, field: Field, edited: string): void {
  const crmIndex =
    side === 'crm'
      ? at % world.crm.length
      : [...world.links].find(([, link]) => link.google === at % world.google.length)?.[0];
  if (crmIndex === undefined || !world.links.has(crmIndex)) return;
  const key = `${crmIndex}/${field}`;
  const earlier = world.pending.get(key);
  if (earlier && earlier.side !== side) world.pending.delete(key);
  else world.pending.set(key, { crm: crmIndex, field, value: edited, side });
}

/** One sync run, applying each decision as the executor does; `stopAfter` cuts it short like a crash. */
function sync(world: World, stopAfter = Number.POSITIVE_INFINITY): { complete: boolean } {
  let steps = 0;
  const step = () => steps++ < stopAfter;
  for (const [crmIndex, link] of [...world.links]) {
    if (!step()) return { complete: false };
    const crm = world.crm[crmIndex] as CrmRecord;
    const google = world.google[link.google] as GoogleRecord;
    const plan = planPair(link.base, crmSide(crm), googleSide(google));
    switch (plan.action) {
      case 'unlink':
        world.links.delete(crmIndex);
        break;
      case 'untagInCrm':
        crm.tagged = false;
        world.links.delete(crmIndex);
        break;
      case 'removeFromGroup':
        google.inGroup = false;
        world.links.delete(crmIndex);
        break;
      case 'sync':
        if (plan.crmUpdates.length) crm.values = plan.merged;
        if (plan.googleUpdates.length) google.values = plan.merged;
        link.base = plan.merged;
    }
  }
  const linkedGoogle = new Set([...world.links.values()].map((link) => link.google));
  for (const [index, google] of world.google.entries()) {
    if (google.deleted || !google.inGroup || linkedGoogle.has(index)) continue;
    if (!step()) return { complete: false };
    const plan = planUnlinkedPerson({ inGroup: true, fullListing: false, byEmail: [] });
    assert.equal(plan.action, 'import');
    world.crm.push({ values: google.values, tagged: true, deleted: false, changedAt: ++world.clock });
    world.links.set(world.crm.length - 1, { google: index, base: google.values });
    linkedGoogle.add(index);
  }
  for (const [index, crm] of world.crm.entries()) {
    if (crm.deleted || !crm.tagged || world.links.has(index)) continue;
    if (!step()) return { complete: false };
    world.google.push({ values: crm.values, inGroup: true, deleted: false, changedAt: ++world.clock });
    world.links.set(index, { google: world.google.length - 1, base: crm.values });
  }
  return { complete: true };
}

function checkInvariants(
  world: World,
  before: { crm: number; google: number; deletedCrm: number; deletedGoogle: number },
) {
  const targets = [...world.links.values()].map((link) => link.google);
  assert.equal(new Set(targets).size, targets.length, 'a Google contact is linked twice');
  for (const [index, google] of world.google.entries()) {
    if (!google.deleted && google.inGroup)
      assert.ok(targets.includes(index), `Google contact ${index} in the group is not linked`);
  }
  for (const [index, crm] of world.crm.entries()) {
    if (!crm.deleted && crm.tagged)
      assert.ok(world.links.has(index), `tagged CRM contact ${index} is not linked`);
  }
  assert.equal(
    world.crm.filter((r) => r.deleted).length,
    before.deletedCrm,
    'the sync deleted a CRM contact',
  );
  assert.equal(
    world.google.filter((r) => r.deleted).length,
    before.deletedGoogle,
    'the sync deleted a Google contact',
  );
  for (const [crmIndex, link] of world.links) {
    const crm = world.crm[crmIndex] as CrmRecord;
    const google = world.google[link.google] as GoogleRecord;
    const again = planPair(link.base, crmSide(crm), googleSide(google));
    assert.equal(again.action, 'sync', 'a second plan unlinks');
    if (again.action === 'sync') {
      assert.deepEqual([again.crmUpdates, again.googleUpdates], [[], []], 'a second plan is not empty');
    }
    for (const field of FIELDS)
      assert.ok(sameValue(crm.values[field], google.values[field]), `pair disagrees on ${field}`);
  }
  for (const { crm, field, value: edited } of world.pending.values()) {
    const link = world.links.get(crm);
    if (!link) continue;
    assert.equal((world.crm[crm] as CrmRecord).values[field], edited, `the edit of ${field} was lost`);
  }
}

describe('contact sync histories (plan + apply against in-memory sides)', () => {
  it('when any history of edits, deletes, tag and group changes and cut-short syncs is run, then no duplicate, no lost edit, no sync delete, and a second plan is empty', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 40 }), (ops) => {
        const world: World = { crm: [], google: [], links: new Map(), clock: 0, pending: new Map() };
        for (const op of [...ops, { op: 'sync' as const }]) {
          if (op.op !== 'sync') {
            userOp(world, op);
            continue;
          }
          const before = {
            crm: world.crm.length,
            google: world.google.length,
            deletedCrm: world.crm.filter((r) => r.deleted).length,
            deletedGoogle: world.google.filter((r) => r.deleted).length,
          };
          if (!sync(world, op.stopAfter).complete) continue;
          checkInvariants(world, before);
          world.pending.clear();
        }
      }),
      { numRuns: propertyRuns() },
    );
  });
});
