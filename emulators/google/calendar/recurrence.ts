// A small RFC 5545 recurrence expander for the subset the emulator supports:
// RRULE FREQ=DAILY|WEEKLY|MONTHLY|YEARLY with INTERVAL, COUNT, UNTIL, BYDAY (daily/weekly filter,
// monthly with ordinals like 2TU/-1FR), BYMONTHDAY (monthly), WKST; RDATE and EXDATE lines.
// Anything else is rejected with 400 so an unsupported rule never expands silently wrong.
import { invalid } from './errors.js';
import { localToUtc, utcToLocal } from './timezones.js';

const DAY = 86_400_000;
const WEEKDAYS = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'];
const SUPPORTED = new Set(['FREQ', 'INTERVAL', 'COUNT', 'UNTIL', 'BYDAY', 'BYMONTHDAY', 'WKST']);

interface Rule {
  freq: 'DAILY' | 'WEEKLY' | 'MONTHLY' | 'YEARLY';
  interval: number;
  count?: number;
  until?: { floating: boolean; dateOnly: boolean; value: number };
  byDay?: { n: number; wd: number }[];
  byMonthDay?: number[];
  wkst: number;
}

/** The start of a series: all-day (date key = UTC midnight of the date) or timed (instant + IANA zone). */
export type SeriesStart =
  | { allDay: true; date: number }
  | { allDay: false; instant: number; timeZone: string };

/** Parses `yyyymmdd[Thhmmss[Z]]` into a floating ms value (wall clock as if UTC). */
function parseIcalTime(s: string): { value: number; dateOnly: boolean; utc: boolean } | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z)?)?$/.exec(s);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, se, z] = m;
  const value = Date.UTC(
    Number(y),
    Number(mo) - 1,
    Number(d),
    Number(h ?? 0),
    Number(mi ?? 0),
    Number(se ?? 0),
  );
  return { value, dateOnly: h === undefined, utc: z === 'Z' };
}

function parseRule(line: string): Rule {
  const parts = new Map<string, string>();
  for (const kv of line.slice('RRULE:'.length).split(';')) {
    const [k, v] = kv.split('=');
    if (!k || v === undefined) throw invalid(`Invalid recurrence rule: ${line}`);
    if (!SUPPORTED.has(k.toUpperCase()))
      throw invalid(`Emulator does not support recurrence rule part ${k}.`);
    parts.set(k.toUpperCase(), v.toUpperCase());
  }
  const freq = parts.get('FREQ');
  if (freq !== 'DAILY' && freq !== 'WEEKLY' && freq !== 'MONTHLY' && freq !== 'YEARLY') {
    throw invalid(`Invalid or unsupported recurrence frequency in: ${line}`);
  }
  const interval = Number(parts.get('INTERVAL') ?? '1');
  const rule: Rule = { freq, interval, wkst: WEEKDAYS.indexOf(parts.get('WKST') ?? 'MO') };
  if (!Number.isInteger(interval) || interval < 1 || rule.wkst < 0)
    throw invalid(`Invalid recurrence rule: ${line}`);
  const count = parts.get('COUNT');
  if (count !== undefined) {
    rule.count = Number(count);
    if (!Number.isInteger(rule.count) || rule.count < 1) throw invalid(`Invalid recurrence rule: ${line}`);
  }
  const until = parts.get('UNTIL');
  if (until !== undefined) {
    const t = parseIcalTime(until);
    if (!t || rule.count !== undefined) throw invalid(`Invalid recurrence rule: ${line}`);
    rule.until = { floating: !t.utc, dateOnly: t.dateOnly, value: t.value };
  }
  const byDay = parts.get('BYDAY');
  if (byDay !== undefined) {
    rule.byDay = byDay.split(',').map((tok) => {
      const m = /^([+-]?\d{1,2})?(SU|MO|TU|WE|TH|FR|SA)$/.exec(tok);
      if (!m?.[2]) throw invalid(`Invalid recurrence rule: ${line}`);
      const n = Number(m[1] ?? 0);
      if (n !== 0 && freq !== 'MONTHLY')
        throw invalid(`Emulator supports BYDAY ordinals only for MONTHLY: ${line}`);
      return { n, wd: WEEKDAYS.indexOf(m[2]) };
    });
    if (freq === 'YEARLY') throw invalid(`Emulator does not support BYDAY with FREQ=YEARLY: ${line}`);
  }
  const byMonthDay = parts.get('BYMONTHDAY');
  if (byMonthDay !== undefined) {
    if (freq !== 'MONTHLY') throw invalid(`Emulator supports BYMONTHDAY only for MONTHLY: ${line}`);
    rule.byMonthDay = byMonthDay.split(',').map(Number);
    if (rule.byMonthDay.some((d) => !Number.isInteger(d) || d === 0 || Math.abs(d) > 31)) {
      throw invalid(`Invalid recurrence rule: ${line}`);
    }
  }
  return rule;
}

const daysInMonth = (y: number, m0: number) => new Date(Date.UTC(y, m0 + 1, 0)).getUTCDate();

/** Candidate floating day keys (UTC midnight) of one period, unsorted, before the time of day is added. */
function periodDays(rule: Rule, startDay: number, k: number): number[] {
  const s = new Date(startDay);
  if (rule.freq === 'DAILY') {
    const d = startDay + k * rule.interval * DAY;
    return !rule.byDay || rule.byDay.some((b) => b.wd === new Date(d).getUTCDay()) ? [d] : [];
  }
  if (rule.freq === 'WEEKLY') {
    const weekStart = startDay - ((s.getUTCDay() - rule.wkst + 7) % 7) * DAY + k * rule.interval * 7 * DAY;
    const wds = rule.byDay ? rule.byDay.map((b) => b.wd) : [s.getUTCDay()];
    return wds.map((wd) => weekStart + ((wd - rule.wkst + 7) % 7) * DAY);
  }
  if (rule.freq === 'YEARLY') {
    const y = s.getUTCFullYear() + k * rule.interval;
    return s.getUTCDate() <= daysInMonth(y, s.getUTCMonth())
      ? [Date.UTC(y, s.getUTCMonth(), s.getUTCDate())]
      : [];
  }
  const monthIndex = s.getUTCMonth() + k * rule.interval;
  const y = s.getUTCFullYear() + Math.floor(monthIndex / 12);
  const m0 = monthIndex % 12;
  const dim = daysInMonth(y, m0);
  const out: number[] = [];
  if (rule.byDay) {
    for (const { n, wd } of rule.byDay) {
      const all: number[] = [];
      for (let d = 1; d <= dim; d++) if (new Date(Date.UTC(y, m0, d)).getUTCDay() === wd) all.push(d);
      const pick = n === 0 ? all : [n > 0 ? all[n - 1] : all[all.length + n]];
      for (const d of pick) if (d !== undefined) out.push(Date.UTC(y, m0, d));
    }
  } else {
    for (const md of rule.byMonthDay ?? [s.getUTCDate()]) {
      const d = md > 0 ? md : dim + md + 1;
      if (d >= 1 && d <= dim) out.push(Date.UTC(y, m0, d));
    }
  }
  return out;
}

export function validateRecurrence(lines: unknown): void {
  if (!Array.isArray(lines)) throw invalid('Invalid recurrence.');
  for (const line of lines) {
    if (typeof line !== 'string') throw invalid('Invalid recurrence.');
    const upper = line.toUpperCase();
    if (upper.startsWith('RRULE:')) parseRule(line);
    else if (upper.startsWith('EXDATE') || upper.startsWith('RDATE')) parseDateList(line, 'UTC');
    else throw invalid(`Emulator does not support recurrence line: ${line}`);
  }
}

/** RDATE/EXDATE values as floating (wall clock in `tz`) or absolute values. */
function parseDateList(line: string, tz: string): { instant?: number; floating?: number; date?: number }[] {
  const colon = line.indexOf(':');
  if (colon < 0) throw invalid(`Invalid recurrence line: ${line}`);
  const params = line.slice(0, colon).toUpperCase().split(';').slice(1);
  const tzid = line
    .slice(0, colon)
    .split(';')
    .find((p) => p.toUpperCase().startsWith('TZID='))
    ?.slice(5);
  const isDate = params.includes('VALUE=DATE');
  return line
    .slice(colon + 1)
    .split(',')
    .map((v) => {
      const t = parseIcalTime(v.trim());
      if (!t || (isDate && !t.dateOnly)) throw invalid(`Invalid recurrence line: ${line}`);
      if (t.dateOnly) return { date: t.value };
      if (t.utc) return { instant: t.value };
      return tzid ? { instant: localToUtc(floatingParts(t.value), tzid) } : { floating: t.value };
    })
    .map((v) => (v.floating !== undefined ? { instant: localToUtc(floatingParts(v.floating), tz) } : v));
}

function floatingParts(ms: number) {
  const d = new Date(ms);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
  };
}

/**
 * Original start values of all occurrences (instants for timed series, date keys for all-day ones),
 * ascending, below `limit` (same unit) and at most `maxCount`.
 */
export function expand(lines: string[], start: SeriesStart, limit: number, maxCount = 5000): number[] {
  const tz = start.allDay ? 'UTC' : start.timeZone;
  const startFloating = start.allDay ? start.date : floatingOf(start.instant, tz);
  const startDay = Math.floor(startFloating / DAY) * DAY;
  const timeOfDay = startFloating - startDay;
  const toValue = (floating: number) => (start.allDay ? floating : localToUtc(floatingParts(floating), tz));
  const first = start.allDay ? start.date : start.instant;
  const result = new Set<number>([first]);
  const exdates: { instant?: number; date?: number }[] = [];
  for (const line of lines) {
    const upper = line.toUpperCase();
    if (upper.startsWith('EXDATE')) exdates.push(...parseDateList(line, tz));
    if (upper.startsWith('RDATE')) {
      for (const v of parseDateList(line, tz)) {
        const value = v.instant ?? (start.allDay ? v.date : toValue((v.date ?? 0) + timeOfDay));
        if (value !== undefined && value < limit) result.add(value);
      }
    }
    if (!upper.startsWith('RRULE:')) continue;
    const rule = parseRule(line);
    let emitted = 1; // DTSTART always counts as the first occurrence (RFC 5545)
    outer: for (let k = 0; k < 100_000; k++) {
      const days = periodDays(rule, startDay, k).sort((a, b) => a - b);
      for (const day of days) {
        const floating = day + timeOfDay;
        if (floating <= startFloating) continue;
        if (rule.count !== undefined && emitted >= rule.count) break outer;
        if (rule.until) {
          const u = rule.until;
          const beyond = u.dateOnly
            ? floating >= u.value + DAY
            : u.floating || start.allDay
              ? floating > u.value
              : toValue(floating) > u.value;
          if (beyond) break outer;
        }
        const value = toValue(floating);
        if (value >= limit || result.size >= maxCount) break outer;
        result.add(value);
        emitted++;
      }
    }
  }
  const excluded = (v: number) =>
    exdates.some((x) =>
      x.instant !== undefined
        ? x.instant === v
        : start.allDay
          ? x.date === v
          : Math.floor(floatingOf(v, tz) / DAY) * DAY === x.date,
    );
  return [...result]
    .filter((v) => v < limit && !excluded(v))
    .sort((a, b) => a - b)
    .slice(0, maxCount);
}

function floatingOf(instant: number, tz: string): number {
  const p = utcToLocal(instant, tz);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
}

/** True when the series has no end (no COUNT/UNTIL on any RRULE). */
export function isInfinite(lines: string[]): boolean {
  return lines.some(
    (l) => l.toUpperCase().startsWith('RRULE:') && !/;(COUNT|UNTIL)=/i.test(`;${l.slice(6)}`),
  );
}
