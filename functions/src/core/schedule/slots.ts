/**
 * When a user's automatic sync is due (docs/behaviour.md#running-syncs), as pure arithmetic on scheduler minutes (minutes
 * since the epoch, UTC). Each user has a fixed *phase* in the day, a stable hash of the uid; a kind
 * synced every `period` minutes is due in minute m when m ≡ phase (mod period). Every period divides
 * the 1440 minutes of a day, so a user's kinds share one phase and, when due in the same minute,
 * travel in one message. The fan-out asks only for the slots (`period:phase`) due in the minutes it
 * claimed, instead of writing every due user on every tick.
 */

export const MINUTE_MS = 60_000;
export const MINUTES_PER_DAY = 1440;

/** An inclusive range of scheduler minutes. */
export interface MinuteRange {
  first: number;
  last: number;
}

export interface Slot {
  period: number;
  phase: number;
}

/** The scheduler minute an instant falls in. */
export function schedulerMinute(epochMs: number): number {
  return Math.floor(epochMs / MINUTE_MS);
}

export function rangeLength(range: MinuteRange): number {
  return Math.max(0, range.last - range.first + 1);
}

const mod = (value: number, divisor: number) => ((value % divisor) + divisor) % divisor;

/** FNV-1a (32 bit) of the uid's UTF-16 code units: stable across processes and releases. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** The user's minute of the day; spreads users evenly over the day's minutes. */
export function dayPhase(uid: string): number {
  return fnv1a(uid) % MINUTES_PER_DAY;
}

export function isPeriod(period: number): boolean {
  return Number.isInteger(period) && period > 0 && MINUTES_PER_DAY % period === 0;
}

export function slotOf(uid: string, period: number): Slot {
  if (!isPeriod(period)) throw new RangeError(`a period must divide ${MINUTES_PER_DAY} minutes: ${period}`);
  return { period, phase: dayPhase(uid) % period };
}

/** The stored form, e.g. `60:17`; equal slots are equal strings, so Firestore can match them with `in`. */
export function encodeSlot(slot: Slot): string {
  return `${slot.period}:${slot.phase}`;
}

export function decodeSlot(text: unknown): Slot | undefined {
  if (typeof text !== 'string') return undefined;
  const match = /^(\d{1,4}):(\d{1,4})$/.exec(text);
  const period = Number(match?.[1]);
  const phase = Number(match?.[2]);
  if (!match || !isPeriod(period) || phase >= period) return undefined;
  return { period, phase };
}

/** The latest minute of `range` in which `slot` is due, or undefined when it is not due in it. */
export function latestDueMinute(slot: Slot, range: MinuteRange): number | undefined {
  const minute = range.last - mod(range.last - slot.phase, slot.period);
  return minute >= range.first ? minute : undefined;
}

/** Every slot of the given periods that is due somewhere in `range`, ordered by period, then phase. */
export function dueSlots(range: MinuteRange, periods: readonly number[]): Slot[] {
  const length = rangeLength(range);
  const slots: Slot[] = [];
  for (const period of [...new Set(periods)].sort((a, b) => a - b)) {
    const phases = new Set<number>();
    for (let offset = 0; offset < Math.min(length, period); offset += 1)
      phases.add(mod(range.first + offset, period));
    for (const phase of [...phases].sort((a, b) => a - b)) slots.push({ period, phase });
  }
  return slots;
}

/**
 * How the fan-out finds the users due in one claimed range. Normally one query per due slot value
 * (each user carries the values of its kinds' slots, so a query returns exactly the users with that
 * slot). A user whose kinds have different slots may be returned by two queries; `dueDispatch`
 * names the one query that dispatches it, so the fan-out sends one message per user without
 * remembering whom it has seen. After a long outage the due values of the range outnumber
 * `maxQueries`: then one scan of every schedule is cheaper, and each user is read once anyway.
 */
export interface DuePlan {
  range: MinuteRange;
  /** The slot values to query, in order; empty when `scan`. */
  queries: string[];
  scan: boolean;
  queryOfSlot: ReadonlyMap<string, number>;
}

export function planDueQueries(range: MinuteRange, periods: readonly number[], maxQueries: number): DuePlan {
  const values = dueSlots(range, periods).map(encodeSlot);
  const queryOfSlot = new Map(values.map((value, index) => [value, index]));
  const scan = values.length > maxQueries;
  return { range, queries: scan ? [] : values, scan, queryOfSlot };
}

export interface DueDispatch<Kind extends string> {
  /** The kinds due in the range, in the order of the slots given. */
  kinds: Kind[];
  /** The latest minute any of them is due in: with the uid, it names the run (duplicates do no harm). */
  dueMinute: number;
  /** The index of the query that dispatches this user (0 when the plan scans). */
  ownerQuery: number;
}

/** What one user's stored slots (by kind) ask for in the plan's range; undefined when nothing is due. */
export function dueDispatch<Kind extends string>(
  plan: DuePlan,
  slotsByKind: Readonly<Partial<Record<Kind, unknown>>>,
): DueDispatch<Kind> | undefined {
  const kinds: Kind[] = [];
  let dueMinute = -1;
  let ownerQuery = Number.POSITIVE_INFINITY;
  for (const [kind, stored] of Object.entries(slotsByKind) as [Kind, unknown][]) {
    const slot = decodeSlot(stored);
    const query = slot && plan.queryOfSlot.get(encodeSlot(slot));
    if (!slot || query === undefined) continue;
    const minute = latestDueMinute(slot, plan.range);
    if (minute === undefined) continue;
    kinds.push(kind);
    dueMinute = Math.max(dueMinute, minute);
    ownerQuery = Math.min(ownerQuery, query);
  }
  if (!kinds.length) return undefined;
  return { kinds, dueMinute, ownerQuery: plan.scan ? 0 : ownerQuery };
}
