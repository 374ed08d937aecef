// Turns a stored copy into the resource a client sees on one calendar.
import { htmlLink, instanceId } from './ids.js';
import { expand, type SeriesStart } from './recurrence.js';
import { type Calendar, clone, type Entry, type Ev, isObject } from './store.js';
import { formatInZone, parseDate } from './timezones.js';
import { edtMs, isAllDay, toIsoZ } from './validate.js';

export interface RenderOptions {
  timeZone: string;
  /** Deleted events in lists carry only their identity (Google guarantees only `id`). */
  minimalCancelled?: boolean;
  maxAttendees?: number;
}

function renderEdt(edt: unknown, tz: string): unknown {
  if (!isObject(edt) || typeof edt.dateTime !== 'string') return edt;
  return { ...edt, dateTime: formatInZone(Date.parse(edt.dateTime), tz) };
}

export function render(cal: Calendar, data: Ev, opts: RenderOptions): Ev {
  if (opts.minimalCancelled && data.status === 'cancelled') {
    const stub: Ev = { kind: 'calendar#event', etag: data.etag, id: data.id, status: 'cancelled' };
    if (data.recurringEventId !== undefined) {
      stub.recurringEventId = data.recurringEventId;
      stub.originalStartTime = renderEdt(data.originalStartTime, opts.timeZone);
    }
    return stub;
  }
  const out = clone(data);
  out.htmlLink = htmlLink(String(data.id), cal.email);
  for (const k of ['start', 'end', 'originalStartTime'])
    if (out[k] !== undefined) out[k] = renderEdt(out[k], opts.timeZone);
  const orgEmail = isObject(out.organizer) ? String(out.organizer.email).toLowerCase() : '';
  for (const k of ['organizer', 'creator']) {
    const person = out[k];
    if (!isObject(person)) continue;
    if (String(person.email).toLowerCase() === cal.email) person.self = true;
    else delete person.self;
  }
  if (Array.isArray(out.attendees)) {
    for (const a of out.attendees as Ev[]) {
      const email = String(a.email).toLowerCase();
      if (email === orgEmail) a.organizer = true;
      if (email === cal.email) a.self = true;
    }
    if (opts.maxAttendees !== undefined && out.attendees.length > opts.maxAttendees) {
      const self = (out.attendees as Ev[]).filter((a) => a.self);
      out.attendees = [...self, ...(out.attendees as Ev[]).filter((a) => !a.self)].slice(
        0,
        Math.max(opts.maxAttendees, self.length),
      );
      out.attendeesOmitted = true;
    }
  }
  return out;
}

export function seriesStart(data: Ev): SeriesStart {
  const start = data.start as Ev;
  if (typeof start.date === 'string') return { allDay: true, date: parseDate(start.date) ?? 0 };
  return { allDay: false, instant: Date.parse(String(start.dateTime)), timeZone: String(start.timeZone) };
}

export const isRecurring = (data: Ev) => Array.isArray(data.recurrence) && data.recurrence.length > 0;

/** Occurrence values (instants or date keys) of a recurring event below `limit`. */
export function occurrences(data: Ev, limit: number, maxCount?: number): number[] {
  return expand(data.recurrence as string[], seriesStart(data), limit, maxCount);
}

/** The virtual (unmodified) instance of `parent` starting at occurrence value `value`. */
export function instanceData(parent: Ev, value: number): Ev {
  const allDay = isAllDay(parent);
  const inst = clone(parent);
  delete inst.recurrence;
  const start = parent.start as Ev;
  const end = parent.end as Ev;
  inst.id = instanceId(String(parent.id), value, allDay);
  inst.recurringEventId = parent.id;
  if (allDay) {
    const days = Math.round(((parseDate(end.date) ?? 0) - (parseDate(start.date) ?? 0)) / 86_400_000);
    const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    inst.start = { ...start, date: iso(value) };
    inst.end = { ...end, date: iso(value + days * 86_400_000) };
    inst.originalStartTime = { date: iso(value) };
  } else {
    const dur = edtMs(end, 'UTC') - edtMs(start, 'UTC');
    inst.start = { ...start, dateTime: toIsoZ(value) };
    inst.end = { ...end, dateTime: toIsoZ(value + dur) };
    inst.originalStartTime = { dateTime: toIsoZ(value), timeZone: start.timeZone };
  }
  return inst;
}

/** Occurrence value encoded in an instance id suffix (`yyyymmdd` or `yyyymmddThhmmssZ`). */
export function suffixValue(suffix: string): number {
  const y = Number(suffix.slice(0, 4));
  const mo = Number(suffix.slice(4, 6)) - 1;
  const d = Number(suffix.slice(6, 8));
  if (suffix.length === 8) return Date.UTC(y, mo, d);
  return Date.UTC(
    y,
    mo,
    d,
    Number(suffix.slice(9, 11)),
    Number(suffix.slice(11, 13)),
    Number(suffix.slice(13, 15)),
  );
}

/** Stored entry, or the virtual instance `<parent>_<suffix>` of a recurring event on this calendar. */
export function findEvent(
  cal: Calendar,
  id: string,
  parse: (id: string) => { parentId: string; suffix: string } | undefined,
): { entry?: Entry; virtual?: { parent: Entry; data: Ev } } | undefined {
  const entry = cal.entries.get(id);
  if (entry) return { entry };
  const p = parse(id);
  if (!p) return undefined;
  const parent = cal.entries.get(p.parentId);
  if (!parent || !isRecurring(parent.data) || isAllDay(parent.data) !== (p.suffix.length === 8))
    return undefined;
  const value = suffixValue(p.suffix);
  if (!occurrences(parent.data, value + 1).includes(value)) return undefined;
  return { virtual: { parent, data: instanceData(parent.data, value) } };
}
