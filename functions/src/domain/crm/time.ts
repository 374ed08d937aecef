/**
 * Pure time helpers for activities (docs/api.md): RFC 3339 instants, all-day dates, IANA time zones.
 * Nothing here reads the clock; every function takes the instants it works on.
 */

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/**
 * The instants the store can keep: Firestore timestamps run from 0001-01-01T00:00:00Z to
 * 9999-12-31T23:59:59.999999999Z (https://firebase.google.com/docs/firestore/manage-data/data-types).
 * Dates stop a day inside that range, so that their midnight in any time zone still fits.
 */
const EARLIEST_MS = Date.parse('0001-01-01T00:00:00Z');
const LATEST_MS = Date.parse('9999-12-31T23:59:59.999Z');
const EARLIEST_DATE = '0001-01-02';
const LATEST_DATE = '9999-12-30';

function validCalendarDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  // Day 0 of the next month is the last day of this one (UTC, so no zone can shift it).
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The instant (epoch ms) of an RFC 3339 date-time with an offset, or undefined when malformed. */
export function parseRfc3339(value: string): number | undefined {
  const m = RFC3339.exec(value);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (!validCalendarDate(year, month, day) || hour > 23 || minute > 59 || second > 59) return undefined;
  const offset = m[8] ?? 'Z';
  if (offset !== 'Z' && offset !== 'z' && (Number(offset.slice(1, 3)) > 23 || Number(offset.slice(4)) > 59)) {
    return undefined;
  }
  const ms = Date.parse(value.toUpperCase());
  return Number.isNaN(ms) || ms < EARLIEST_MS || ms > LATEST_MS ? undefined : ms;
}

/** True for a real calendar date written `YYYY-MM-DD`. */
export function isIsoDate(value: string): boolean {
  const m = DATE.exec(value);
  if (!m || value < EARLIEST_DATE || value > LATEST_DATE) return false;
  return validCalendarDate(Number(m[1]), Number(m[2]), Number(m[3]));
}

/** `date` plus `days` calendar days (dates carry no zone, so UTC arithmetic is exact). */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let found = formatters.get(timeZone);
  if (!found) {
    found = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, found);
  }
  return found;
}

/** True when the runtime's time-zone database knows `name` (IANA names such as `Europe/Paris`). */
export function isIanaTimeZone(name: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/.test(name)) return false;
  try {
    formatter(name);
    return true;
  } catch {
    return false;
  }
}

/**
 * The zone's wall clock at `instant`, written as if it were a UTC instant (epoch ms): the formatter
 * gives whole seconds, so the milliseconds of `instant` are carried over unchanged.
 */
function wallClock(instant: number, timeZone: string): number {
  const parts = Object.fromEntries(
    formatter(timeZone)
      .formatToParts(new Date(instant))
      .map((part) => [part.type, part.value]),
  );
  // setUTCFullYear, unlike Date.UTC, does not map the years 0–99 to 1900–1999.
  const wall = new Date(0);
  wall.setUTCFullYear(Number(parts.year), Number(parts.month) - 1, Number(parts.day));
  wall.setUTCHours(Number(parts.hour), Number(parts.minute), Number(parts.second));
  return wall.getTime() + (instant - Math.floor(instant / 1000) * 1000);
}

/** The zone's offset from UTC at `instant`, in ms. */
function offsetMs(instant: number, timeZone: string): number {
  return wallClock(instant, timeZone) - instant;
}

/** The zone's offset from UTC at `instant`, in minutes (e.g. +60 for Paris in winter). */
export function offsetMinutes(instant: number, timeZone: string): number {
  return Math.round(offsetMs(instant, timeZone) / 60_000);
}

const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?$/;

/**
 * The instant of a wall-clock date-time without offset (`2030-03-04T10:00:00`) in `timeZone`, or
 * undefined when malformed. The zone's offset at that wall time is found in two steps (the offset
 * at the naive guess, then at the instant it gives), which settles within one transition.
 */
export function zonedInstant(localDateTime: string, timeZone: string): number | undefined {
  const m = LOCAL_DATE_TIME.exec(localDateTime);
  if (!m || !validCalendarDate(Number(m[1]), Number(m[2]), Number(m[3]))) return undefined;
  if (Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6]) > 59 || !isIanaTimeZone(timeZone))
    return undefined;
  const naive = Date.parse(`${localDateTime}Z`);
  const first = naive - offsetMs(naive, timeZone);
  return naive - offsetMs(first, timeZone);
}

/** RFC 3339 text of `instant` in the zone's offset, or in UTC (`Z`) without a zone. */
export function formatInstant(instant: number, timeZone?: string): string {
  const offset = timeZone ? offsetMinutes(instant, timeZone) : 0;
  const iso = new Date(instant + offset * 60_000).toISOString();
  const body = iso.endsWith('.000Z') ? iso.slice(0, 19) : iso.slice(0, 23);
  if (!timeZone) return `${body}Z`;
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${body}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/**
 * The instant at which `date` begins in `timeZone` (UTC without one): where all-day activities sit
 * on the time line for overlap queries. That is the first instant whose local date is `date`:
 * - local midnight, when it exists once;
 * - its first occurrence, when a fall-back repeats it;
 * - the end of the gap, when a spring-forward skips it (America/Santiago 2025-09-07 starts at
 *   01:00 local = 04:00Z, since 00:00–00:59 does not exist there).
 * The offsets in force a day before and a day after local midnight are the only ones it can have
 * (time zones change at most once within such a span), so the candidates are midnight at either
 * offset, kept when the zone really shows midnight then; with none, a binary search finds the
 * first instant past the gap.
 */
export function startOfDay(date: string, timeZone?: string): number {
  const midnight = Date.parse(`${date}T00:00:00Z`);
  if (!timeZone) return midnight;
  const before = offsetMs(midnight - DAY_MS, timeZone);
  const after = offsetMs(midnight + DAY_MS, timeZone);
  const candidates = [midnight - before, midnight - after].filter(
    (instant) => wallClock(instant, timeZone) === midnight,
  );
  if (candidates.length) return Math.min(...candidates);
  // A gap: the wall clock jumps from before `midnight` to after it between `low` and `high`.
  let low = Math.min(midnight - before, midnight - after);
  let high = Math.max(midnight - before, midnight - after);
  if (wallClock(low, timeZone) >= midnight || wallClock(high, timeZone) < midnight) {
    throw new Error(`cannot find the start of ${date} in ${timeZone}`);
  }
  // Invariant: wall(low) < midnight <= wall(high). Zone transitions fall on whole seconds.
  low = Math.floor(low / 1000) * 1000;
  high = Math.ceil(high / 1000) * 1000;
  while (high - low > 1000) {
    const middle = low + Math.floor((high - low) / 2000) * 1000;
    if (wallClock(middle, timeZone) >= midnight) high = middle;
    else low = middle;
  }
  return high;
}
