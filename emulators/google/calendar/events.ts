// Single-event methods: get, insert, import, patch, update, delete, and attendee responses.
import {
  conditionNotMet,
  deleted,
  duplicate,
  forbiddenForNonOrganizer,
  invalid,
  notFound,
  required,
} from './errors.js';
import { newEtag, newEventId, parseInstanceId, validateClientId } from './ids.js';
import { propagate, sharedProjection } from './propagation.js';
import { findEvent, isRecurring } from './render.js';
import { type Calendar, clone, type Entry, type Ev, isObject, type Store } from './store.js';
import { mergePatch, PRIVATE_FIELDS, READ_ONLY, validateEvent } from './validate.js';

type Headers = Record<string, string | undefined>;

const header = (h: Headers, name: string) =>
  Object.entries(h).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];

function checkIfMatch(headers: Headers, etag: unknown): void {
  const want = header(headers, 'if-match');
  if (want !== undefined && want !== '*' && want !== etag) throw conditionNotMet();
}

function stripReadOnly(body: unknown): Ev {
  if (!isObject(body)) throw invalid('Invalid event resource.');
  const out = clone(body);
  for (const k of READ_ONLY) delete out[k];
  return out;
}

const keepReadOnly = (from: Ev, to: Ev) => {
  for (const k of READ_ONLY) if (from[k] !== undefined) to[k] = from[k];
  return to;
};

const organizerOf = (data: Ev) =>
  isObject(data.organizer) ? String(data.organizer.email).toLowerCase() : '';

/** Attendees listed again without a responseStatus keep the response they already gave. */
function keepResponses(current: Ev, next: Ev): void {
  if (!Array.isArray(current.attendees) || !Array.isArray(next.attendees)) return;
  const given = new Map(
    (current.attendees as Ev[]).map((a) => [String(a.email).toLowerCase(), a.responseStatus]),
  );
  next.attendees = next.attendees.map((a: unknown) =>
    isObject(a) && a.responseStatus == null && given.has(String(a.email).toLowerCase())
      ? { ...a, responseStatus: given.get(String(a.email).toLowerCase()) }
      : a,
  );
}

export class Events {
  constructor(private readonly store: Store) {}

  private stamp(cal: Calendar, entry: Entry): void {
    const now = this.store.nowMs();
    this.store.touch(cal, entry, newEtag(now), new Date(now).toISOString());
  }

  private commit(cal: Calendar, entry: Entry): void {
    this.stamp(cal, entry);
    if (entry.organizerCopy) propagate(this.store, cal, entry);
  }

  /** A stored entry, or a virtual instance materialised as a stored exception. */
  private resolve(cal: Calendar, id: string, headers: Headers): Entry {
    const found = findEvent(cal, id, parseInstanceId);
    if (!found) throw notFound();
    if (found.entry) {
      checkIfMatch(headers, found.entry.data.etag);
      return found.entry;
    }
    const v = found.virtual;
    if (!v) throw notFound();
    checkIfMatch(headers, v.data.etag);
    if (v.parent.organizerCopy) {
      const entry = this.store.add(cal, {
        data: v.data,
        organizerEmail: v.parent.organizerEmail,
        organizerCopy: true,
        privateCopy: v.parent.privateCopy,
      });
      this.commit(cal, entry);
      return entry;
    }
    const orgCal = this.store.get(v.parent.organizerEmail);
    if (!orgCal) throw notFound();
    this.resolve(orgCal, id, {});
    const copy = cal.entries.get(id);
    if (!copy) throw notFound();
    return copy;
  }

  get(cal: Calendar, id: string): Ev {
    const found = findEvent(cal, id, parseInstanceId);
    const data = found?.entry?.data ?? found?.virtual?.data;
    if (!data) throw notFound();
    return data;
  }

  insert(cal: Calendar, body: unknown): Entry {
    const data = stripReadOnly(body);
    const id = isObject(body) && body.id != null ? validateClientId(body.id) : newEventId();
    if (cal.entries.has(id)) throw duplicate();
    const iCalUID = isObject(body) && typeof body.iCalUID === 'string' ? body.iCalUID : `${id}@google.com`;
    for (const e of cal.entries.values())
      if (e.data.iCalUID === iCalUID && !e.data.recurringEventId) throw duplicate();
    validateEvent(data, cal.email);
    const now = new Date(this.store.nowMs()).toISOString();
    const full: Ev = {
      kind: 'calendar#event',
      id,
      ...data,
      iCalUID,
      created: now,
      creator: { email: cal.email },
      organizer: { email: cal.email },
      sequence: isObject(body) && typeof body.sequence === 'number' ? body.sequence : 0,
      reminders: data.reminders ?? { useDefault: true },
    };
    const entry = this.store.add(cal, { data: full, organizerEmail: cal.email, organizerCopy: true });
    this.commit(cal, entry);
    return entry;
  }

  /** events.import: a private copy keyed by iCalUID; re-importing the same iCalUID updates it. */
  importEvent(cal: Calendar, body: unknown): Entry {
    if (!isObject(body) || typeof body.iCalUID !== 'string' || body.iCalUID === '')
      throw required('Missing iCalUID.');
    const data = stripReadOnly(body);
    const organizer =
      isObject(body.organizer) && typeof body.organizer.email === 'string' ? body.organizer : undefined;
    const orgEmail = organizer ? String(organizer.email) : cal.email;
    validateEvent(data, orgEmail);
    const existing = [...cal.entries.values()].find(
      (e) => e.data.iCalUID === body.iCalUID && !e.data.recurringEventId,
    );
    const now = new Date(this.store.nowMs()).toISOString();
    const base: Ev = existing
      ? keepReadOnly(existing.data, {})
      : {
          kind: 'calendar#event',
          id: body.id != null ? validateClientId(body.id) : newEventId(),
          iCalUID: body.iCalUID,
          created: now,
          creator: isObject(body.creator) ? clone(body.creator) : { email: orgEmail },
        };
    if (!existing && cal.entries.has(String(base.id))) throw duplicate();
    const full: Ev = { ...base, ...data, organizer: organizer ? clone(organizer) : { email: orgEmail } };
    delete (full.organizer as Ev).self;
    full.sequence =
      typeof body.sequence === 'number' ? body.sequence : ((existing?.data.sequence as number) ?? 0);
    if (full.reminders === undefined) full.reminders = { useDefault: true };
    const entry =
      existing ??
      this.store.add(cal, { data: full, organizerEmail: cal.email, organizerCopy: true, privateCopy: true });
    entry.data = full;
    this.stamp(cal, entry);
    return entry;
  }

  /** patch (merge) when `full` is false, update (replace) when true. */
  write(cal: Calendar, id: string, body: unknown, headers: Headers, full: boolean): Entry {
    const patch = stripReadOnly(body);
    const entry = this.resolve(cal, id, headers);
    const current = entry.data;
    const next = keepReadOnly(current, full ? patch : mergePatch(current, patch));
    if (current.recurringEventId !== undefined) delete next.recurrence;
    if (full && next.reminders === undefined) next.reminders = { useDefault: true };
    keepResponses(current, next);
    validateEvent(next, organizerOf(current));
    if (!entry.organizerCopy) return this.attendeeWrite(cal, entry, next);
    const shared = (d: Ev) => JSON.stringify({ ...sharedProjection(d), sequence: undefined });
    if (shared(next) !== shared(current)) next.sequence = Number(current.sequence ?? 0) + 1;
    entry.data = next;
    this.commit(cal, entry);
    if (next.status === 'cancelled' && current.status !== 'cancelled') this.cancelExceptions(cal, entry);
    return entry;
  }

  private attendeeWrite(cal: Calendar, entry: Entry, next: Ev): Entry {
    const current = entry.data;
    const own = (d: Ev) =>
      (Array.isArray(d.attendees) ? (d.attendees as Ev[]) : []).find(
        (a) => isObject(a) && String(a.email).toLowerCase() === cal.email,
      );
    const comparable = (d: Ev) => {
      const p = sharedProjection(d);
      p.sequence = undefined;
      if (Array.isArray(p.attendees)) {
        p.attendees = (p.attendees as Ev[]).map((a) =>
          String(a.email).toLowerCase() === cal.email ? { email: cal.email } : a,
        );
      }
      return JSON.stringify(p);
    };
    if (comparable(next) !== comparable(current)) throw forbiddenForNonOrganizer();
    const before = JSON.stringify(current);
    const updated: Ev = { ...current };
    for (const k of PRIVATE_FIELDS) {
      if (next[k] === undefined) delete updated[k];
      else updated[k] = next[k];
    }
    const priv = isObject(next.extendedProperties) ? next.extendedProperties.private : undefined;
    const shared = isObject(current.extendedProperties) ? current.extendedProperties.shared : undefined;
    delete updated.extendedProperties;
    if (priv !== undefined || shared !== undefined) {
      updated.extendedProperties = { ...(shared ? { shared } : {}), ...(priv ? { private: priv } : {}) };
    }
    entry.data = updated;
    const seqBefore = entry.seq;
    const mine = own(next);
    const was = own(current);
    if (mine && was && JSON.stringify(mine) !== JSON.stringify(was))
      this.updateOnOrganizer(entry, cal.email, mine);
    if (entry.seq === seqBefore && JSON.stringify(entry.data) !== before) this.stamp(cal, entry);
    return entry;
  }

  private updateOnOrganizer(copy: Entry, attendeeEmail: string, fields: Ev): void {
    const orgCal = this.store.get(copy.organizerEmail);
    const org = orgCal?.entries.get(String(copy.data.id));
    if (!orgCal || !org || !Array.isArray(org.data.attendees)) return;
    const next = clone(org.data);
    next.attendees = (next.attendees as Ev[]).map((a) =>
      String(a.email).toLowerCase() === attendeeEmail ? { ...a, ...fields, email: a.email } : a,
    );
    org.data = next;
    this.commit(orgCal, org);
  }

  /** Sets the response of the calendar owner to an event on their calendar (organizer or attendee). */
  respond(cal: Calendar, id: string, response: string): Entry {
    const entry = this.resolve(cal, id, {});
    const attendees = Array.isArray(entry.data.attendees) ? (entry.data.attendees as Ev[]) : [];
    const mine = attendees.find((a) => String(a.email).toLowerCase() === cal.email);
    if (!mine) throw invalid('The calendar owner is not an attendee of this event.');
    const next = clone(entry.data);
    next.attendees = attendees.map((a) => (a === mine ? { ...a, responseStatus: response } : a));
    validateEvent(next, organizerOf(entry.data));
    if (entry.organizerCopy) {
      entry.data = next;
      this.commit(cal, entry);
      return entry;
    }
    return this.attendeeWrite(cal, entry, next);
  }

  delete(cal: Calendar, id: string, headers: Headers): void {
    const entry = this.resolve(cal, id, headers);
    if (entry.data.status === 'cancelled' || entry.userDeleted) throw deleted();
    if (!entry.organizerCopy) {
      entry.userDeleted = true;
      entry.data = { ...entry.data, status: 'cancelled' };
      this.stamp(cal, entry);
      const attendees = Array.isArray(entry.data.attendees) ? (entry.data.attendees as Ev[]) : [];
      if (attendees.some((a) => String(a.email).toLowerCase() === cal.email)) {
        this.updateOnOrganizer(entry, cal.email, { responseStatus: 'declined' });
      }
      return;
    }
    entry.data = { ...entry.data, status: 'cancelled', sequence: Number(entry.data.sequence ?? 0) + 1 };
    this.commit(cal, entry);
    this.cancelExceptions(cal, entry);
  }

  private cancelExceptions(cal: Calendar, parent: Entry): void {
    if (!isRecurring(parent.data)) return;
    for (const e of cal.entries.values()) {
      if (e.data.recurringEventId === parent.data.id && e.data.status !== 'cancelled') {
        e.data = { ...e.data, status: 'cancelled' };
        this.commit(cal, e);
      }
    }
  }
}
