// Validation and normalisation of event bodies (insert/import/update/patch results).
import { invalid, required, timeRangeEmpty } from './errors.js';
import { validateRecurrence } from './recurrence.js';
import { type Ev, isObject } from './store.js';
import {
  dateStartInZone,
  isValidTimeZone,
  localToUtc,
  parseDate,
  parseLocalDateTime,
  parseRfc3339,
} from './timezones.js';

/** Fields the server owns; whatever a client sends for them is ignored. */
export const READ_ONLY = [
  'kind',
  'etag',
  'id',
  'iCalUID',
  'created',
  'updated',
  'htmlLink',
  'creator',
  'organizer',
  'recurringEventId',
  'originalStartTime',
  'sequence',
] as const;

/** Fields that belong to one calendar's copy of an event rather than to the shared event. */
export const PRIVATE_FIELDS = ['reminders', 'colorId', 'transparency'] as const;

const STATUSES = new Set(['confirmed', 'tentative', 'cancelled']);
const RESPONSES = new Set(['needsAction', 'declined', 'tentative', 'accepted']);

export const toIsoZ = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}Z`;

/** Normalises an EventDateTime: dateTime becomes UTC `Z`; returns the stored form. */
export function normalizeEdt(edt: unknown, which: 'start' | 'end', recurring: boolean): Ev {
  if (!isObject(edt) || (edt.date == null && edt.dateTime == null)) throw required(`Missing ${which} time.`);
  const out: Ev = { ...edt };
  if (edt.timeZone != null && !isValidTimeZone(edt.timeZone)) {
    throw invalid(`Invalid time zone definition for ${which} time.`);
  }
  if (edt.date != null) {
    if (edt.dateTime != null) throw invalid(`Invalid ${which} time.`);
    if (parseDate(edt.date) === undefined) throw invalid(`Invalid ${which} time.`);
    delete out.dateTime;
    return out;
  }
  delete out.date;
  let ms = parseRfc3339(edt.dateTime);
  if (ms === undefined) {
    const local = parseLocalDateTime(edt.dateTime);
    if (!local) throw invalid(`Invalid ${which} time.`);
    if (typeof edt.timeZone !== 'string') throw required(`Missing time zone definition for ${which} time.`);
    ms = localToUtc(local, edt.timeZone);
  }
  if (recurring && typeof edt.timeZone !== 'string') {
    throw required(`Missing time zone definition for ${which} time.`);
  }
  out.dateTime = toIsoZ(ms);
  return out;
}

export const isAllDay = (data: Ev) => isObject(data.start) && typeof data.start.date === 'string';

/** Instant of an EventDateTime; all-day dates begin at midnight in `tz`. */
export function edtMs(edt: unknown, tz: string): number {
  if (!isObject(edt)) return Number.NaN;
  if (typeof edt.date === 'string') return dateStartInZone(parseDate(edt.date) ?? Number.NaN, tz);
  return Date.parse(String(edt.dateTime));
}

/** Validates and normalises the writable content of an event in place. */
export function validateEvent(data: Ev, organizerEmail: string): void {
  const recurring = Array.isArray(data.recurrence) && data.recurrence.length > 0;
  if (data.recurrence != null) validateRecurrence(data.recurrence);
  if (data.recurrence != null && !recurring) delete data.recurrence;
  data.start = normalizeEdt(data.start, 'start', recurring);
  data.end = normalizeEdt(data.end, 'end', recurring);
  const start = data.start as Ev;
  const end = data.end as Ev;
  if ((start.date == null) !== (end.date == null)) {
    throw invalid('Start and end times must either both be date or both be dateTime.');
  }
  if (start.date != null) {
    if (String(end.date) <= String(start.date)) throw timeRangeEmpty();
  } else if (Date.parse(String(end.dateTime)) < Date.parse(String(start.dateTime))) {
    throw timeRangeEmpty();
  }
  if (data.status == null) data.status = 'confirmed';
  if (!STATUSES.has(String(data.status))) throw invalid('Invalid value for: status');
  if (data.attendees != null) {
    if (!Array.isArray(data.attendees)) throw invalid('Invalid attendees.');
    const seen = new Set<string>();
    data.attendees = data.attendees.map((a: unknown) => {
      if (!isObject(a) || typeof a.email !== 'string' || a.email === '')
        throw required('Missing attendee email.');
      const email = a.email.toLowerCase();
      if (seen.has(email)) throw invalid(`Duplicate attendee: ${a.email}`);
      seen.add(email);
      const out: Ev = { ...a };
      delete out.self;
      delete out.organizer;
      const isOrganizer = email === organizerEmail.toLowerCase();
      if (out.responseStatus == null) out.responseStatus = isOrganizer ? 'accepted' : 'needsAction';
      if (!RESPONSES.has(String(out.responseStatus))) throw invalid('Invalid attendee response status.');
      return out;
    });
    if ((data.attendees as unknown[]).length === 0) delete data.attendees;
  }
  if (data.extendedProperties != null) {
    const xp = data.extendedProperties;
    if (!isObject(xp)) throw invalid('Invalid extendedProperties.');
    for (const k of ['private', 'shared']) {
      const m = xp[k];
      if (m == null) continue;
      if (!isObject(m) || Object.values(m).some((v) => typeof v !== 'string')) {
        throw invalid(`Invalid extendedProperties.${k}.`);
      }
    }
  }
}

/** Deep merge for patch semantics: objects merge recursively, arrays/scalars replace, null clears. */
export function mergePatch(target: Ev, patch: Ev): Ev {
  const out: Ev = { ...target };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else if (isObject(v) && isObject(out[k]) && k !== 'start' && k !== 'end')
      out[k] = mergePatch(out[k] as Ev, v);
    else if ((k === 'start' || k === 'end') && isObject(v) && isObject(out[k])) {
      const merged: Ev = { ...(out[k] as Ev), ...v };
      if (v.date != null) delete merged.dateTime;
      if (v.dateTime != null) delete merged.date;
      out[k] = merged;
    } else out[k] = structuredClone(v);
  }
  return out;
}
