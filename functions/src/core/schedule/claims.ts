import { type MinuteRange, schedulerMinute } from './slots.js';

/**
 * Which scheduler minutes a `syncTick` processes (docs/behaviour.md#running-syncs: each user once per period even when
 * ticks overlap, are retried or are missed). One state record holds the last minute processed and at
 * most one claim in progress. A tick claims every minute after the last one processed up to its own
 * minute, dispatches the users due in them, then completes the claim. A claim whose tick died (its
 * lease ran out) is redone exactly, by the next tick: the same range yields the same messages, which
 * `syncUser` recognises by uid and due minute, so a redo never runs anything twice.
 */

export interface TickClaim extends MinuteRange {
  /** Tells the claiming tick's claim from a later re-claim of the same range. */
  id: string;
  claimedAtMs: number;
}

export interface TickState {
  /** The last minute whose due users were dispatched; null before the first tick. */
  lastMinute: number | null;
  claim: TickClaim | null;
}

export interface ClaimPolicy {
  /** How long a claim's tick may work before another tick takes the claim over. */
  leaseMs: number;
  /** A tick after a long outage catches up at most this many minutes (each user then once). */
  maxCatchUpMinutes: number;
}

export type ClaimDecision =
  | { action: 'claim'; range: MinuteRange; redo: boolean }
  /** Another tick holds a live claim: it dispatches its minutes, a later tick the ones after. */
  | { action: 'busy'; claim: TickClaim }
  | { action: 'upToDate' };

export const INITIAL_TICK_STATE: TickState = { lastMinute: null, claim: null };

export function decideClaim(state: TickState, nowMs: number, policy: ClaimPolicy): ClaimDecision {
  if (state.claim) {
    if (nowMs - state.claim.claimedAtMs < policy.leaseMs) return { action: 'busy', claim: state.claim };
    return { action: 'claim', range: { first: state.claim.first, last: state.claim.last }, redo: true };
  }
  const now = schedulerMinute(nowMs);
  // The first tick ever starts at its own minute: nobody was due before the schedule existed.
  const next = state.lastMinute === null ? now : state.lastMinute + 1;
  const first = Math.max(next, now - policy.maxCatchUpMinutes + 1);
  return first > now ? { action: 'upToDate' } : { action: 'claim', range: { first, last: now }, redo: false };
}

/** The state after claiming `range` as `id` at `nowMs` (the decision said `claim`). */
export function claimedState(state: TickState, range: MinuteRange, id: string, nowMs: number): TickState {
  return { lastMinute: state.lastMinute, claim: { ...range, id, claimedAtMs: nowMs } };
}

/** The state after claim `id` was fully dispatched; undefined when another tick took it over meanwhile. */
export function completedState(state: TickState, id: string): TickState | undefined {
  if (state.claim?.id !== id) return undefined;
  return { lastMinute: Math.max(state.lastMinute ?? state.claim.last, state.claim.last), claim: null };
}

/** The state after claim `id` failed: its lease ends now, so the next tick redoes it at once. */
export function abandonedState(state: TickState, id: string): TickState | undefined {
  if (state.claim?.id !== id) return undefined;
  return { lastMinute: state.lastMinute, claim: { ...state.claim, claimedAtMs: 0 } };
}
