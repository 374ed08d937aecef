// Attendee copies: an event whose attendees include other accounts known to the emulator appears on
// their primary calendars too (same id and iCalUID), with the shared fields of the organizer's copy
// and their own private fields (extendedProperties.private, reminders, colorId, transparency).
import { newEtag } from './ids.js';
import { type Calendar, clone, type Entry, type Ev, isObject, type Store } from './store.js';
import { PRIVATE_FIELDS } from './validate.js';

export function attendeeEmails(data: Ev): Set<string> {
  const out = new Set<string>();
  if (Array.isArray(data.attendees)) {
    for (const a of data.attendees) if (isObject(a)) out.add(String(a.email).toLowerCase());
  }
  return out;
}

/** The shared part of an event: everything except per-copy fields and server bookkeeping. */
export function sharedProjection(data: Ev): Ev {
  const out = clone(data);
  for (const k of [...PRIVATE_FIELDS, 'etag', 'updated', 'htmlLink', 'kind']) delete out[k];
  const shared = isObject(out.extendedProperties) ? out.extendedProperties.shared : undefined;
  delete out.extendedProperties;
  if (isObject(shared) && Object.keys(shared).length > 0) out.extendedProperties = { shared };
  return out;
}

/** Builds a calendar's copy from the organizer's data, keeping that copy's private fields. */
function copyFor(org: Ev, privateSource: Ev | undefined): Ev {
  const out = sharedProjection(org);
  delete out.extendedProperties;
  const shared = isObject(org.extendedProperties) ? org.extendedProperties.shared : undefined;
  const priv = isObject(privateSource?.extendedProperties)
    ? privateSource.extendedProperties.private
    : undefined;
  if (shared !== undefined || priv !== undefined) {
    out.extendedProperties = {
      ...(shared !== undefined ? { shared: clone(shared) } : {}),
      ...(priv !== undefined ? { private: clone(priv) } : {}),
    };
  }
  for (const k of PRIVATE_FIELDS) {
    if (privateSource?.[k] !== undefined) out[k] = clone(privateSource[k]);
  }
  if (out.reminders === undefined) out.reminders = { useDefault: true };
  out.etag = privateSource?.etag;
  out.updated = privateSource?.updated;
  return out;
}

const same = (a: Ev, b: Ev) => {
  const strip = (d: Ev) => JSON.stringify({ ...d, etag: undefined, updated: undefined });
  return strip(a) === strip(b);
};

/** Re-derives every attendee copy of the organizer's entry `org` on `orgCal`. */
export function propagate(store: Store, orgCal: Calendar, org: Entry): void {
  if (org.privateCopy) return;
  const id = String(org.data.id);
  const invited = attendeeEmails(org.data);
  for (const cal of store.calendars.values()) {
    if (cal === orgCal) continue;
    const existing = cal.entries.get(id);
    if (existing?.organizerCopy) continue; // an unrelated event that happens to share the id
    const isInvited = invited.has(cal.email);
    if (!existing && !isInvited) continue;
    let privateSource = existing?.data;
    if (!privateSource && typeof org.data.recurringEventId === 'string') {
      privateSource = cal.entries.get(org.data.recurringEventId)?.data;
      if (privateSource) privateSource = { ...privateSource, etag: undefined, updated: undefined };
    }
    const next = copyFor(org.data, privateSource);
    if (!isInvited || existing?.userDeleted) next.status = 'cancelled';
    const entry =
      existing ?? store.add(cal, { data: next, organizerEmail: orgCal.email, organizerCopy: false });
    if (existing && same(existing.data, next)) continue;
    entry.data = next;
    store.touch(cal, entry, newEtag(store.nowMs()), String(org.data.updated));
  }
}

/** When a new account appears, give it copies of existing events that already invite it. */
export function backfill(store: Store, cal: Calendar): void {
  for (const other of store.calendars.values()) {
    if (other === cal) continue;
    for (const entry of other.entries.values()) {
      if (entry.organizerCopy && attendeeEmails(entry.data).has(cal.email)) propagate(store, other, entry);
    }
  }
}
