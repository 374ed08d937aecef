// IANA time-zone arithmetic on top of Intl.DateTimeFormat (no dependencies).

export interface LocalParts {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(tz, f);
  }
  return f;
}

export function isValidTimeZone(tz: unknown): tz is string {
  if (typeof tz !== 'string' || tz === '') return false;
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

export function utcToLocal(ms: number, tz: string): LocalParts {
  const parts: Record<string, number> = {};
  for (const p of formatter(tz).formatToParts(new Date(ms))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  return {
    year: parts.year ?? 0,
    month: parts.month ?? 1,
    day: parts.day ?? 1,
    hour: parts.hour ?? 0,
    minute: parts.minute ?? 0,
    second: parts.second ?? 0,
  };
}

const partsToUtcMs = (p: LocalParts) => Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);

/** Offset of `tz` from UTC at instant `ms`, in milliseconds. */
export function offsetAt(ms: number, tz: string): number {
  const whole = Math.floor(ms / 1000) * 1000;
  return partsToUtcMs(utcToLocal(whole, tz)) - whole;
}

/** Wall-clock time in `tz` → UTC instant. DST gaps resolve forward; overlaps take the earlier instant. */
export function localToUtc(p: LocalParts, tz: string): number {
  const guess = partsToUtcMs(p);
  const fits: number[] = [];
  for (const o of [offsetAt(guess - 86_400_000, tz), offsetAt(guess + 86_400_000, tz)]) {
    const t = guess - o;
    if (partsToUtcMs(utcToLocal(t, tz)) === guess) fits.push(t);
  }
  if (fits.length > 0) return Math.min(...fits);
  const t = guess - offsetAt(guess, tz);
  return guess - offsetAt(t, tz);
}

const pad = (n: number, w = 2) => String(Math.abs(n)).padStart(w, '0');

/** RFC3339 rendering of an instant in `tz`, as Google returns it (`Z` for UTC, else `±hh:mm`). */
export function formatInZone(ms: number, tz: string): string {
  const off = tz === 'UTC' || tz === 'Etc/UTC' ? 0 : offsetAt(ms, tz);
  const p = utcToLocal(ms, tz);
  const base = `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}`;
  if (off === 0) return `${base}Z`;
  const mins = Math.round(Math.abs(off) / 60_000);
  return `${base}${off < 0 ? '-' : '+'}${pad(Math.floor(mins / 60))}:${pad(mins % 60)}`;
}

/** Parses RFC3339 with a mandatory offset (`Z` or `±hh:mm`); returns undefined otherwise. */
export function parseRfc3339(s: unknown): number | undefined {
  if (typeof s !== 'string') return undefined;
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i.exec(s);
  if (!m) return undefined;
  const ms = Date.parse(s);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Parses a dateTime without offset (`yyyy-mm-ddThh:mm:ss`) into wall-clock parts. */
export function parseLocalDateTime(s: unknown): LocalParts | undefined {
  if (typeof s !== 'string') return undefined;
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$/.exec(s);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, sec] = m;
  return {
    year: Number(y),
    month: Number(mo),
    day: Number(d),
    hour: Number(h),
    minute: Number(mi),
    second: Number(sec ?? 0),
  };
}

/** `yyyy-mm-dd` → UTC midnight ms of that calendar date (a date key, not an instant). */
export function parseDate(s: unknown): number | undefined {
  if (typeof s !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(s)) return undefined;
  const ms = Date.parse(`${s}T00:00:00Z`);
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== s) return undefined;
  return ms;
}

export const formatDate = (dateKeyMs: number) => new Date(dateKeyMs).toISOString().slice(0, 10);

/** The instant at which calendar date `dateKeyMs` (UTC-midnight key) begins in `tz`. */
export function dateStartInZone(dateKeyMs: number, tz: string): number {
  const d = new Date(dateKeyMs);
  return localToUtc(
    {
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      hour: 0,
      minute: 0,
      second: 0,
    },
    tz,
  );
}
