import assert from 'node:assert/strict';
import fc from 'fast-check';
import { describe, it } from 'mocha';
import {
  abandonedState,
  type ClaimPolicy,
  claimedState,
  completedState,
  decideClaim,
  INITIAL_TICK_STATE,
  type TickState,
} from '../../functions/src/core/schedule/claims.js';
import {
  dayPhase,
  decodeSlot,
  dueDispatch,
  dueSlots,
  encodeSlot,
  latestDueMinute,
  MINUTE_MS,
  type MinuteRange,
  planDueQueries,
  type Slot,
  slotOf,
} from '../../functions/src/core/schedule/slots.js';
import { PERIOD_MINUTES } from '../../functions/src/domain/sync/model.js';

const period = fc.constantFrom(...PERIOD_MINUTES);
const slot: fc.Arbitrary<Slot> = period.chain((p) =>
  fc.integer({ min: 0, max: p - 1 }).map((phase) => ({ period: p, phase })),
);
/** Around 2024–2030 in scheduler minutes. */
const startMinute = fc.integer({ min: 28_000_000, max: 32_000_000 });

/** Splits [start, start + total) into consecutive ranges of the given lengths (the last one cut). */
function partition(start: number, lengths: number[]): MinuteRange[] {
  const ranges: MinuteRange[] = [];
  let first = start;
  for (const length of lengths) {
    ranges.push({ first, last: first + length - 1 });
    first += length;
  }
  return ranges;
}

function dueMinutesIn(s: Slot, range: MinuteRange): number[] {
  const minutes: number[] = [];
  for (let minute = range.first; minute <= range.last; minute += 1)
    if (minute % s.period === s.phase) minutes.push(minute);
  return minutes;
}

describe('automatic sync slots', () => {
  it('when a slot is encoded and decoded, then it is the same slot; malformed text is no slot', () => {
    fc.assert(fc.property(slot, (s) => assert.deepEqual(decodeSlot(encodeSlot(s)), s)));
    for (const bad of ['60:60', '7:1', '60', '60:-1', ' 60:1', 60, null, '0:0', '1440:1440'])
      assert.equal(decodeSlot(bad), undefined, String(bad));
  });

  it("when a user's slots are computed, then each kind's phase is the user's minute of the day modulo its period", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 40 }), period, (uid, p) => {
        const s = slotOf(uid, p);
        assert.equal(s.phase, dayPhase(uid) % p);
        assert.ok(s.phase >= 0 && s.phase < p);
      }),
    );
    assert.equal(dayPhase('alice'), dayPhase('alice'), 'stable');
    assert.throws(() => slotOf('alice', 7), RangeError);
  });

  it('when many users are hashed, then their phases spread over the day', () => {
    const counts = new Array<number>(24).fill(0);
    for (let index = 0; index < 24_000; index += 1) {
      const hour = Math.floor(dayPhase(`user-${index}`) / 60);
      counts[hour] = (counts[hour] ?? 0) + 1;
    }
    for (const count of counts) assert.ok(count > 700 && count < 1300, `an hour got ${count} of 24000`);
  });

  it('when a range is examined, then the latest due minute is the last minute of the range matching the phase', () => {
    fc.assert(
      fc.property(slot, startMinute, fc.integer({ min: 1, max: 3000 }), (s, first, length) => {
        const range = { first, last: first + length - 1 };
        assert.equal(latestDueMinute(s, range), dueMinutesIn(s, range).at(-1));
      }),
    );
  });

  it('when ticks claim consecutive ranges no longer than the period, then the user is due exactly once per period', () => {
    fc.assert(
      fc.property(
        slot,
        startMinute,
        fc.array(fc.integer({ min: 1, max: 1440 }), { minLength: 1, maxLength: 60 }),
        (s, start, raw) => {
          const lengths = raw.map((length) => ((length - 1) % s.period) + 1);
          const ranges = partition(start, lengths);
          const span = { first: start, last: ranges.at(-1)?.last ?? start };
          const dispatched = ranges
            .map((range) => latestDueMinute(s, range))
            .filter((minute): minute is number => minute !== undefined);
          assert.deepEqual(dispatched, dueMinutesIn(s, span));
          for (let index = 1; index < dispatched.length; index += 1)
            assert.equal((dispatched[index] ?? 0) - (dispatched[index - 1] ?? 0), s.period);
        },
      ),
    );
  });

  it('when ticks claim ranges of any length (catching up after an outage), then the user is never dispatched twice within a period nor skipped in a range', () => {
    fc.assert(
      fc.property(
        slot,
        startMinute,
        fc.array(fc.integer({ min: 1, max: 3000 }), { minLength: 1, maxLength: 20 }),
        (s, start, lengths) => {
          let previous: number | undefined;
          for (const range of partition(start, lengths)) {
            const minute = latestDueMinute(s, range);
            const due = dueMinutesIn(s, range);
            assert.equal(minute === undefined, due.length === 0, 'dispatched exactly when due in the range');
            if (minute === undefined) continue;
            if (previous !== undefined) assert.ok(minute - previous >= s.period);
            previous = minute;
          }
        },
      ),
    );
  });

  it('when the due slots of a range are listed, then they are exactly the slots with a due minute in it', () => {
    fc.assert(
      fc.property(startMinute, fc.integer({ min: 1, max: 1600 }), (first, length) => {
        const range = { first, last: first + length - 1 };
        const listed = new Set(dueSlots(range, PERIOD_MINUTES).map(encodeSlot));
        for (const p of PERIOD_MINUTES)
          for (let phase = 0; phase < p; phase += 1) {
            const s = { period: p, phase };
            assert.equal(listed.has(encodeSlot(s)), latestDueMinute(s, range) !== undefined, encodeSlot(s));
          }
      }),
      { numRuns: 30 },
    );
    assert.equal(dueSlots({ first: 0, last: 0 }, PERIOD_MINUTES).length, PERIOD_MINUTES.length);
    assert.equal(
      dueSlots({ first: 0, last: 1439 }, PERIOD_MINUTES).length,
      PERIOD_MINUTES.reduce((sum, p) => sum + p, 0),
      'a day: every slot of every period',
    );
  });

  it("when a user's kinds have different slots, then exactly one query dispatches them, with every due kind and the latest due minute", () => {
    const kindSlot = fc.option(slot.map(encodeSlot), { nil: undefined });
    fc.assert(
      fc.property(
        startMinute,
        fc.integer({ min: 1, max: 200 }),
        kindSlot,
        kindSlot,
        (first, length, contacts, activities) => {
          const plan = planDueQueries({ first, last: first + length - 1 }, PERIOD_MINUTES, 10_000);
          assert.equal(plan.scan, false);
          const slots = { contacts, activities };
          const due = dueDispatch(plan, slots);
          // The queries that return the user: those whose value is one of its kinds' slots.
          const returnedBy = plan.queries
            .map((value, index) => ({ value, index }))
            .filter(({ value }) => value === contacts || value === activities)
            .map(({ index }) => index);
          if (!due) {
            assert.deepEqual(returnedBy, []);
            return;
          }
          assert.equal(due.ownerQuery, Math.min(...returnedBy));
          const expectedKinds = (['contacts', 'activities'] as const).filter((kind) => {
            const decoded = decodeSlot(slots[kind]);
            return decoded && latestDueMinute(decoded, plan.range) !== undefined;
          });
          assert.deepEqual(due.kinds, expectedKinds);
          const minutes = expectedKinds.map((kind) =>
            latestDueMinute(decodeSlot(slots[kind]) as Slot, plan.range),
          );
          assert.equal(due.dueMinute, Math.max(...(minutes as number[])));
        },
      ),
    );
  });

  it('when a range has more due slots than queries allowed, then the plan scans and every due user is dispatched by it', () => {
    const hours = planDueQueries({ first: 0, last: 179 }, PERIOD_MINUTES, 500);
    assert.equal(hours.scan, true);
    assert.deepEqual(hours.queries, []);
    assert.deepEqual(dueDispatch(hours, { contacts: '60:17', activities: '1440:900' }), {
      kinds: ['contacts'],
      dueMinute: 137,
      ownerQuery: 0,
    });
    assert.equal(planDueQueries({ first: 0, last: 0 }, PERIOD_MINUTES, 500).queries.length, 10);
  });

  it('when a user has both kinds on the same phase, then one dispatch carries both', () => {
    const plan = planDueQueries({ first: 60, last: 60 }, PERIOD_MINUTES, 500);
    assert.deepEqual(dueDispatch(plan, { contacts: '60:0', activities: '15:0' }), {
      kinds: ['contacts', 'activities'],
      dueMinute: 60,
      ownerQuery: 2, // the query of 15:0 comes before the one of 60:0
    });
    assert.equal(dueDispatch(plan, { contacts: '60:1', activities: 'garbage' }), undefined);
  });
});

describe('fan-out claims on scheduler minutes', () => {
  const policy: ClaimPolicy = { leaseMs: 180_000, maxCatchUpMinutes: 1440 };
  const at = (minute: number, seconds = 3) => minute * MINUTE_MS + seconds * 1000;

  it('when the first tick ever runs, then it claims only its own minute', () => {
    assert.deepEqual(decideClaim(INITIAL_TICK_STATE, at(1000), policy), {
      action: 'claim',
      range: { first: 1000, last: 1000 },
      redo: false,
    });
  });

  it('when a tick runs again in the same minute (a retry), then there is nothing to claim', () => {
    const state: TickState = { lastMinute: 1000, claim: null };
    assert.deepEqual(decideClaim(state, at(1000, 50), policy), { action: 'upToDate' });
  });

  it('when ticks were missed, then the next one claims every minute since, at most a day', () => {
    assert.deepEqual(decideClaim({ lastMinute: 1000, claim: null }, at(1004), policy), {
      action: 'claim',
      range: { first: 1001, last: 1004 },
      redo: false,
    });
    assert.deepEqual(decideClaim({ lastMinute: 1000, claim: null }, at(9000), policy), {
      action: 'claim',
      range: { first: 9000 - 1439, last: 9000 },
      redo: false,
    });
  });

  it('when another tick holds a live claim, then this one is busy; after its lease, the claim is redone exactly', () => {
    const claimed = claimedState(
      { lastMinute: 1000, claim: null },
      { first: 1001, last: 1002 },
      'a',
      at(1002),
    );
    assert.equal(decideClaim(claimed, at(1003), policy).action, 'busy');
    assert.deepEqual(decideClaim(claimed, at(1002) + policy.leaseMs, policy), {
      action: 'claim',
      range: { first: 1001, last: 1002 },
      redo: true,
    });
  });

  it('when a claim is completed or abandoned by a tick that lost it, then nothing changes', () => {
    const claimed = claimedState(
      { lastMinute: 1000, claim: null },
      { first: 1001, last: 1002 },
      'b',
      at(1002),
    );
    assert.equal(completedState(claimed, 'a'), undefined);
    assert.equal(abandonedState(claimed, 'a'), undefined);
    assert.deepEqual(completedState(claimed, 'b'), { lastMinute: 1002, claim: null });
    const abandoned = abandonedState(claimed, 'b') as TickState;
    assert.deepEqual(decideClaim(abandoned, at(1002, 30), policy), {
      action: 'claim',
      range: { first: 1001, last: 1002 },
      redo: true,
    });
  });

  it('when ticks come at any times, overlap, repeat and crash after claiming, then each due minute is dispatched, none twice except exact redos', () => {
    const tick = fc.record({
      advance: fc.integer({ min: 0, max: 4 }),
      seconds: fc.integer({ min: 0, max: 59 }),
      crashes: fc.boolean(),
    });
    fc.assert(
      fc.property(slot, startMinute, fc.array(tick, { minLength: 1, maxLength: 80 }), (s, start, ticks) => {
        let state = INITIAL_TICK_STATE;
        let minute = start;
        let nowMs = at(minute);
        const completed: MinuteRange[] = [];
        const dispatchedMinutes: number[] = [];
        ticks.forEach((t, index) => {
          minute += t.advance;
          // A crashed tick's lease runs out only when enough time passes; time never goes back.
          nowMs = Math.max(nowMs, at(minute, t.seconds));
          for (let round = 0; round < 2; round += 1) {
            const decision = decideClaim(state, nowMs, policy);
            if (decision.action !== 'claim') break;
            const id = `tick-${index}-${round}`;
            state = claimedState(state, decision.range, id, nowMs);
            const due = latestDueMinute(s, decision.range);
            if (due !== undefined) dispatchedMinutes.push(due);
            if (t.crashes && round === 0) return;
            state = completedState(state, id) as TickState;
            completed.push(decision.range);
            if (!decision.redo) break;
          }
        });
        // Completed claims are consecutive and disjoint (no minute processed twice or skipped).
        for (let index = 1; index < completed.length; index += 1)
          assert.equal(completed[index]?.first, (completed[index - 1]?.last ?? 0) + 1);
        // Dispatches repeat only as exact redos of a crashed claim; otherwise they are a period apart.
        const distinct = [...new Set(dispatchedMinutes)];
        for (let index = 1; index < distinct.length; index += 1)
          assert.ok((distinct[index] ?? 0) - (distinct[index - 1] ?? 0) >= s.period);
        // What was dispatched is what the completed claims (and a claim still outstanding) call for.
        const expected = completed
          .map((range) => latestDueMinute(s, range))
          .filter((due): due is number => due !== undefined);
        const outstanding = state.claim ? latestDueMinute(s, state.claim) : undefined;
        assert.deepEqual(
          distinct.filter((due) => due !== outstanding || expected.includes(due)),
          expected,
        );
      }),
    );
  });
});
