import assert from 'node:assert/strict';
import fc from 'fast-check';
import { describe, it } from 'mocha';
import type { SyncValues } from '../../functions/src/core/sync/contacts/fields.js';
import {
  type CrmSide,
  type GoogleSide,
  type MatchCandidate,
  planPair,
  planUnlinkedPerson,
} from '../../functions/src/core/sync/contacts/plan.js';

/** The contact planner (docs/behaviour.md#contacts): what to do with a linked pair, and with an unlinked Google contact. */

const tagged = (values: SyncValues, changedAt = 1): CrmSide => ({ state: 'tagged', values, changedAt });
const inGroup = (values: SyncValues, changedAt = 2): GoogleSide => ({ state: 'inGroup', values, changedAt });
const OUT: CrmSide = { state: 'outOfScope' };

describe('contact planner — linked pairs', () => {
  const cases: Array<{ name: string; base?: SyncValues; crm: CrmSide; google: GoogleSide; expect: unknown }> =
    [
      {
        name: 'when the Google contact was deleted, then the CRM contact only loses the tag',
        base: { givenName: 'Ann' },
        crm: tagged({ givenName: 'Ann' }),
        google: { state: 'deleted' },
        expect: { action: 'untagInCrm' },
      },
      {
        name: 'when the Google contact left the group although the CRM edited it, then it still only loses the tag',
        base: { givenName: 'Ann' },
        crm: tagged({ givenName: 'Ann', notes: 'edited' }),
        google: { state: 'outOfGroup' },
        expect: { action: 'untagInCrm' },
      },
      {
        name: 'when the CRM contact was deleted or untagged, then the Google contact only leaves the group',
        base: { givenName: 'Ann' },
        crm: OUT,
        google: inGroup({ givenName: 'Ann', notes: 'edited in Google' }),
        expect: { action: 'removeFromGroup' },
      },
      {
        name: 'when both sides left, then only the link goes',
        base: { givenName: 'Ann' },
        crm: OUT,
        google: { state: 'deleted' },
        expect: { action: 'unlink' },
      },
      {
        name: 'when nothing changed on either side, then the sync plan writes nothing',
        base: { givenName: 'Ann' },
        crm: tagged({ givenName: 'Ann' }),
        google: inGroup({ givenName: 'Ann' }),
        expect: {
          action: 'sync',
          merged: { givenName: 'Ann' },
          crmUpdates: [],
          googleUpdates: [],
          conflicts: [],
        },
      },
      {
        name: "when the sync's own write comes back from Google, then it is no change (no ping-pong)",
        base: { givenName: 'Ann', notes: 'pushed' },
        crm: tagged({ givenName: 'Ann', notes: 'pushed' }, 10),
        google: inGroup({ givenName: 'Ann', notes: 'pushed' }, 99),
        expect: {
          action: 'sync',
          merged: { givenName: 'Ann', notes: 'pushed' },
          crmUpdates: [],
          googleUpdates: [],
          conflicts: [],
        },
      },
      {
        name: 'when two records are first linked (no base), then their values are united',
        crm: tagged({ givenName: 'Ann', phones: [{ number: '+1 650 555 0100', type: 'work' }] }),
        google: inGroup({ givenName: 'Ann', familyName: 'Lee' }),
        expect: {
          action: 'sync',
          merged: {
            givenName: 'Ann',
            familyName: 'Lee',
            phones: [{ number: '+1 650 555 0100', type: 'work' }],
          },
          crmUpdates: ['familyName'],
          googleUpdates: ['phones'],
          conflicts: [],
        },
      },
      {
        name: 'when both changed the notes and the CRM change is later, then the CRM wins and the conflict is reported',
        base: { notes: 'old' },
        crm: tagged({ notes: 'crm' }, 20),
        google: inGroup({ notes: 'google' }, 10),
        expect: {
          action: 'sync',
          merged: { notes: 'crm' },
          crmUpdates: [],
          googleUpdates: ['notes'],
          conflicts: [{ field: 'notes', crmValue: 'crm', googleValue: 'google', winner: 'crm' }],
        },
      },
    ];
  for (const c of cases) {
    it(c.name, () => assert.deepEqual(planPair(c.base, c.crm, c.google), c.expect));
  }

  const word = fc.constantFrom('Ann', 'Bob', 'Cy');
  const values: fc.Arbitrary<SyncValues> = fc.record(
    {
      givenName: word,
      familyName: word,
      notes: word,
      emails: fc.constantFrom(
        [{ address: 'a@x.com', type: 'work', primary: true }],
        [{ address: 'b@x.com', type: 'home', primary: true }],
      ),
    },
    { requiredKeys: [] },
  );
  const time = fc.integer({ min: 0, max: 5 });
  const crmSide: fc.Arbitrary<CrmSide> = fc.oneof(
    fc.constant(OUT),
    fc.tuple(values, time).map(([v, t]) => tagged(v, t)),
  );
  const googleSide: fc.Arbitrary<GoogleSide> = fc.oneof(
    fc.constant<GoogleSide>({ state: 'deleted' }),
    fc.constant<GoogleSide>({ state: 'outOfGroup' }),
    fc.tuple(values, time).map(([v, t]) => inGroup(v, t)),
  );
  const base = fc.option(values, { nil: undefined });

  it('when the same facts are planned twice, then the plans are the same', () => {
    fc.assert(
      fc.property(base, crmSide, googleSide, (b, crm, google) => {
        assert.deepEqual(planPair(b, crm, google), planPair(b, crm, google));
      }),
    );
  });

  it('when a sync plan has been applied, then planning again finds nothing to do', () => {
    fc.assert(
      fc.property(base, values, values, time, time, (b, crm, google, t1, t2) => {
        const plan = planPair(b, tagged(crm, t1), inGroup(google, t2));
        assert.equal(plan.action, 'sync');
        if (plan.action !== 'sync') return;
        const again = planPair(plan.merged, tagged(plan.merged, t1 + 10), inGroup(plan.merged, t2 + 10));
        assert.deepEqual(again, {
          action: 'sync',
          merged: plan.merged,
          crmUpdates: [],
          googleUpdates: [],
          conflicts: [],
        });
      }),
    );
  });

  it('when both sides are still in scope, then the pair is never unlinked; and no plan ever deletes a record', () => {
    fc.assert(
      fc.property(base, crmSide, googleSide, (b, crm, google) => {
        const plan = planPair(b, crm, google);
        assert.ok(['sync', 'untagInCrm', 'removeFromGroup', 'unlink'].includes(plan.action));
        if (crm.state === 'tagged' && google.state === 'inGroup') assert.equal(plan.action, 'sync');
        // Leaving the scope on one side only ever takes the other side's record out of scope.
        if (plan.action === 'untagInCrm') assert.notEqual(google.state, 'inGroup');
        if (plan.action === 'removeFromGroup') assert.equal(crm.state, 'outOfScope');
      }),
    );
  });
});

describe('contact planner — unlinked Google contacts', () => {
  const free = (crmId: string, isTagged = true): MatchCandidate => ({
    crmId,
    tagged: isTagged,
    linked: false,
  });
  const taken = (crmId: string): MatchCandidate => ({ crmId, tagged: true, linked: true });
  const cases: Array<{ name: string; input: Parameters<typeof planUnlinkedPerson>[0]; expect: unknown }> = [
    {
      name: 'when a contact in the group carries our CRM id, then it is linked to that contact',
      input: { inGroup: true, fullListing: false, byClientData: free('c1', false), byEmail: [free('c2')] },
      expect: { action: 'link', crmId: 'c1', by: 'clientData' },
    },
    {
      name: 'when the CRM contact of our id is linked already (a copy made in Google), then email decides',
      input: {
        inGroup: true,
        fullListing: false,
        byClientData: taken('c1'),
        byEmail: [taken('c1'), free('c3', false)],
      },
      expect: { action: 'link', crmId: 'c3', by: 'email' },
    },
    {
      name: 'when several CRM contacts share the email, then a tagged one is preferred',
      input: { inGroup: true, fullListing: false, byEmail: [free('old', false), free('mine')] },
      expect: { action: 'link', crmId: 'mine', by: 'email' },
    },
    {
      name: 'when nothing matches a contact in the group, then it is imported',
      input: { inGroup: true, fullListing: false, byEmail: [taken('c1')] },
      expect: { action: 'import' },
    },
    {
      name: "when a contact outside the group changed, then it is none of the sync's business",
      input: { inGroup: false, fullListing: false, byClientData: free('c1'), byEmail: [] },
      expect: { action: 'ignore' },
    },
    {
      name: "when a full listing finds a contact outside the group with a waiting tagged contact's email, then it is linked",
      input: { inGroup: false, fullListing: true, byEmail: [free('c1')] },
      expect: { action: 'link', crmId: 'c1', by: 'email' },
    },
    {
      name: 'when a full listing finds a contact outside the group matching only untagged contacts, then it is ignored',
      input: { inGroup: false, fullListing: true, byEmail: [free('c1', false)] },
      expect: { action: 'ignore' },
    },
  ];
  for (const c of cases) {
    it(c.name, () => assert.deepEqual(planUnlinkedPerson(c.input), c.expect));
  }

  it('when any facts are planned, then a CRM contact linked elsewhere is never taken, and nothing outside the group is imported', () => {
    const candidate = fc.record({
      crmId: fc.constantFrom('a', 'b', 'c'),
      tagged: fc.boolean(),
      linked: fc.boolean(),
    });
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.boolean(),
        fc.option(candidate, { nil: undefined }),
        fc.array(candidate, { maxLength: 3 }),
        (inGroupNow, fullListing, byClientData, byEmail) => {
          const plan = planUnlinkedPerson({ inGroup: inGroupNow, fullListing, byClientData, byEmail });
          if (plan.action === 'link') {
            const chosen = [byClientData, ...byEmail].filter((c) => c?.crmId === plan.crmId && !c.linked);
            assert.ok(chosen.length > 0);
          }
          if (!inGroupNow) assert.notEqual(plan.action, 'import');
        },
      ),
    );
  });
});
