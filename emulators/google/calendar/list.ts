// events.list and events.instances.
import { badRequest, invalid, invalidParameterWithSyncToken, timeRangeEmpty } from './errors.js';
import { instanceSuffix } from './ids.js';
import { isInfinite } from './recurrence.js';
import { instanceData, isRecurring, occurrences, render } from './render.js';
import type { Calendar, Entry, Ev, Store } from './store.js';
import { isObject } from './store.js';
import { isValidTimeZone, parseRfc3339 } from './timezones.js';
import { issuePageToken, issueSyncToken, readPageToken, readSyncToken } from './tokens.js';
import { edtMs, isAllDay } from './validate.js';

const DAY = 86_400_000;
/** Open-ended series are expanded this far past `now` when no timeMax bounds them (unconfirmed horizon). */
const HORIZON = 730 * DAY;
const FORBIDDEN_WITH_SYNC = [
  'iCalUID',
  'orderBy',
  'privateExtendedProperty',
  'q',
  'sharedExtendedProperty',
  'timeMin',
  'timeMax',
  'updatedMin',
];

interface Item {
  data: Ev;
  entry: Entry;
  order: number;
  start: number;
  end: number;
}

interface Params {
  maxResults: number;
  showDeleted: boolean;
  singleEvents: boolean;
  timeZone: string;
  timeMin?: number;
  timeMax?: number;
  maxAttendees?: number;
}

function bool(q: URLSearchParams, name: string): boolean | undefined {
  const v = q.get(name);
  if (v === null) return undefined;
  if (v !== 'true' && v !== 'false') throw invalid(`Invalid boolean value for ${name}.`, name);
  return v === 'true';
}

function time(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null) return undefined;
  const ms = parseRfc3339(v);
  if (ms === undefined) throw badRequest(`Invalid value for ${name}: ${v}`, name);
  return ms;
}

function commonParams(cal: Calendar, q: URLSearchParams): Params {
  const raw = q.get('maxResults');
  const maxResults = raw === null ? 250 : Number(raw);
  if (!Number.isInteger(maxResults) || maxResults < 1)
    throw invalid('Invalid value for maxResults.', 'maxResults');
  const timeZone = q.get('timeZone') ?? cal.timeZone;
  if (!isValidTimeZone(timeZone)) throw invalid('Invalid time zone.', 'timeZone');
  const timeMin = time(q, 'timeMin');
  const timeMax = time(q, 'timeMax');
  if (timeMin !== undefined && timeMax !== undefined && timeMin >= timeMax) throw timeRangeEmpty('timeMax');
  const ma = q.get('maxAttendees');
  return {
    maxResults: Math.min(maxResults, 2500),
    showDeleted: bool(q, 'showDeleted') ?? false,
    singleEvents: bool(q, 'singleEvents') ?? false,
    timeZone,
    timeMin,
    timeMax,
    maxAttendees: ma === null ? undefined : Number(ma),
  };
}

function itemOf(data: Ev, entry: Entry, order: number, tz: string): Item {
  return { data, entry, order, start: edtMs(data.start, tz), end: edtMs(data.end, tz) };
}

/** Virtual instances of a series plus its stored exceptions. */
function expandSeries(cal: Calendar, parent: Entry, p: Params, now: number): Item[] {
  const allDay = isAllDay(parent.data);
  let limit =
    p.timeMax ??
    (isInfinite(parent.data.recurrence as string[])
      ? Math.max(now, p.timeMin ?? now) + HORIZON
      : Number.POSITIVE_INFINITY);
  if (allDay && Number.isFinite(limit)) limit += 2 * DAY;
  const stored = new Map<string, Entry>();
  for (const e of cal.entries.values())
    if (e.data.recurringEventId === parent.data.id) stored.set(String(e.data.id), e);
  const items: Item[] = [];
  for (const value of occurrences(parent.data, limit, 2500)) {
    const id = `${String(parent.data.id)}_${instanceSuffix(value, allDay)}`;
    if (!stored.has(id))
      items.push(itemOf(instanceData(parent.data, value), parent, parent.order, p.timeZone));
  }
  for (const e of stored.values()) items.push(itemOf(e.data, e, parent.order, p.timeZone));
  return items;
}

function overlaps(item: Item, p: Params, cal: Calendar, now: number): boolean {
  if (p.timeMin === undefined && p.timeMax === undefined) return true;
  const { timeMin = Number.NEGATIVE_INFINITY, timeMax = Number.POSITIVE_INFINITY } = p;
  if (isRecurring(item.data) && item.data.recurringEventId === undefined) {
    if (p.timeMax === undefined && isInfinite(item.data.recurrence as string[])) return true;
    return expandSeries(cal, item.entry, p, now).some((i) => i.end > timeMin && i.start < timeMax);
  }
  return item.end > timeMin && item.start < timeMax;
}

function extendedMatch(data: Ev, q: URLSearchParams, param: string, kind: 'private' | 'shared'): boolean {
  const xp = isObject(data.extendedProperties) ? data.extendedProperties[kind] : undefined;
  return q.getAll(param).every((kv) => {
    const i = kv.indexOf('=');
    if (i < 0) throw invalid(`Invalid value for ${param}.`, param);
    return isObject(xp) && xp[kv.slice(0, i)] === kv.slice(i + 1);
  });
}

function textMatch(data: Ev, text: string): boolean {
  const hay = [
    data.summary,
    data.description,
    data.location,
    ...(Array.isArray(data.attendees) ? data.attendees : []),
  ]
    .map((v) => (isObject(v) ? `${v.email} ${v.displayName ?? ''}` : String(v ?? '')))
    .join(' ')
    .toLowerCase();
  return text
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .every((w) => hay.includes(w));
}

const pad = (n: number) => String(Math.round(n) + 1e14).padStart(16, '0');

function envelope(cal: Calendar, items: Ev[], p: Params): Ev {
  return {
    kind: 'calendar#events',
    etag: `"${cal.updatedMs * 1000 + cal.seq}"`,
    summary: cal.email,
    updated: new Date(cal.updatedMs).toISOString(),
    timeZone: p.timeZone,
    accessRole: 'owner',
    defaultReminders: [{ method: 'popup', minutes: 10 }],
    items,
  };
}

function fingerprint(q: URLSearchParams): string {
  const pairs = [...q.entries()].filter(([k]) => !['pageToken', 'syncToken', 'maxResults'].includes(k));
  return JSON.stringify(pairs.sort());
}

function paginate(items: Item[], key: (i: Item) => string, after: string | undefined, max: number) {
  const keyed = items.map((i) => ({ i, k: key(i) })).sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0));
  const rest = after === undefined ? keyed : keyed.filter((x) => x.k > after);
  const page = rest.slice(0, max);
  return { page: page.map((x) => x.i), more: rest.length > max, last: page.at(-1)?.k ?? after ?? '' };
}

export function listEvents(store: Store, cal: Calendar, q: URLSearchParams): Ev {
  const p = commonParams(cal, q);
  const now = store.nowMs();
  const fp = fingerprint(q);
  const page = q.get('pageToken') === null ? undefined : readPageToken(String(q.get('pageToken')), fp);
  const syncParam = q.get('syncToken');
  let syncPos = page?.p;
  if (syncParam !== null) {
    for (const name of FORBIDDEN_WITH_SYNC) if (q.has(name)) throw invalidParameterWithSyncToken(name);
    if (q.get('showDeleted') === 'false') throw invalidParameterWithSyncToken('showDeleted');
    syncPos = readSyncToken(store, cal, syncParam);
  }
  const orderBy = q.get('orderBy');
  if (orderBy !== null && orderBy !== 'startTime' && orderBy !== 'updated')
    throw invalid('Invalid orderBy.', 'orderBy');
  if (orderBy === 'startTime' && !p.singleEvents) {
    throw badRequest('The requested ordering is not available for the particular query.');
  }
  const updatedMin = time(q, 'updatedMin');
  const iCalUID = q.get('iCalUID');
  const text = q.get('q');

  const items: Item[] = [];
  const seen = new Set<string>();
  const push = (i: Item) => {
    if (!seen.has(String(i.data.id))) items.push(i);
    seen.add(String(i.data.id));
  };
  for (const entry of cal.entries.values()) {
    if (syncPos !== undefined && entry.seq <= syncPos) continue;
    const d = entry.data;
    const parentOrder = d.recurringEventId
      ? (cal.entries.get(String(d.recurringEventId))?.order ?? entry.order)
      : entry.order;
    if (p.singleEvents && isRecurring(d) && d.status !== 'cancelled') {
      for (const i of expandSeries(cal, entry, p, now)) push(i);
    } else push(itemOf(d, entry, parentOrder, p.timeZone));
  }
  const parentCancelled = (d: Ev) => cal.entries.get(String(d.recurringEventId))?.data.status === 'cancelled';
  const visible = items.filter(({ data: d, entry }) => {
    if (d.status === 'cancelled') {
      const since = updatedMin !== undefined && Date.parse(String(d.updated)) >= updatedMin;
      const liveException = !p.singleEvents && d.recurringEventId !== undefined && !parentCancelled(d);
      if (!(syncPos !== undefined || p.showDeleted || since || liveException)) return false;
      if (p.singleEvents && p.showDeleted && syncPos === undefined && isRecurring(d)) return false;
    }
    if (updatedMin !== undefined && Date.parse(String(d.updated)) < updatedMin) return false;
    if (iCalUID !== null && d.iCalUID !== iCalUID) return false;
    if (text !== null && !textMatch(d, text)) return false;
    if (!extendedMatch(d, q, 'privateExtendedProperty', 'private')) return false;
    if (!extendedMatch(d, q, 'sharedExtendedProperty', 'shared')) return false;
    return overlaps(
      { data: d, entry, order: 0, start: edtMs(d.start, p.timeZone), end: edtMs(d.end, p.timeZone) },
      p,
      cal,
      now,
    );
  });
  const key = (i: Item) => {
    const id = String(i.data.id);
    if (syncPos !== undefined) return `${pad(i.entry.seq)}|${pad(i.order)}|${pad(i.start)}|${id}`;
    if (orderBy === 'startTime') return `${pad(i.start)}|${pad(i.order)}|${id}`;
    if (orderBy === 'updated')
      return `${pad(Date.parse(String(i.data.updated)))}|${pad(i.order)}|${pad(i.start)}|${id}`;
    return `${pad(i.order)}|${pad(i.start)}|${id}`;
  };
  const snapshot = page?.s ?? cal.seq;
  const { page: pageItems, more, last } = paginate(visible, key, page?.k, p.maxResults);
  const body = envelope(
    cal,
    pageItems.map((i) =>
      render(cal, i.data, { timeZone: p.timeZone, minimalCancelled: true, maxAttendees: p.maxAttendees }),
    ),
    p,
  );
  if (more) body.nextPageToken = issuePageToken({ k: last, s: snapshot, p: syncPos, q: fp });
  else body.nextSyncToken = issueSyncToken(store, cal, snapshot);
  return body;
}

export function listInstances(store: Store, cal: Calendar, parent: Entry, q: URLSearchParams): Ev {
  const p = commonParams(cal, q);
  if (!isRecurring(parent.data)) throw badRequest('The event is not a recurring event.');
  const fp = fingerprint(q);
  const page = q.get('pageToken') === null ? undefined : readPageToken(String(q.get('pageToken')), fp);
  const originalStart = time(q, 'originalStart');
  const visible = expandSeries(cal, parent, p, store.nowMs()).filter((i) => {
    if (i.data.status === 'cancelled' && !p.showDeleted) return false;
    if (originalStart !== undefined && edtMs(i.data.originalStartTime, p.timeZone) !== originalStart)
      return false;
    return (p.timeMin === undefined || i.end > p.timeMin) && (p.timeMax === undefined || i.start < p.timeMax);
  });
  const key = (i: Item) => `${pad(edtMs(i.data.originalStartTime, p.timeZone))}|${String(i.data.id)}`;
  const { page: pageItems, more, last } = paginate(visible, key, page?.k, p.maxResults);
  const body = envelope(
    cal,
    pageItems.map((i) =>
      render(cal, i.data, { timeZone: p.timeZone, minimalCancelled: true, maxAttendees: p.maxAttendees }),
    ),
    p,
  );
  if (more) body.nextPageToken = issuePageToken({ k: last, s: cal.seq, q: fp });
  return body;
}
