import { createHash } from 'node:crypto';
import type { CalendarEvent } from './fields.js';

/**
 * Identities that make every write of the activity sync repeatable without duplicates:
 *
 * - The Google event id of an exported activity is derived from the CRM activity id, so a retried
 *   insert can never create a second event: Google answers 409 `duplicate` instead (the Odoo way,
 *   docs/architecture.md#google-calendar-in-odoo). Event ids allow only base32hex `a-v0-9`, 5–1024 characters
 *   (https://developers.google.com/workspace/calendar/api/v3/reference/events/insert, `id`).
 * - One Google event seen from several calendars (the organizer's and each attendee's copy) shares
 *   its iCalUID; the occurrences of a recurring event share it too and differ by original start.
 *   `eventKey` names one meeting (or one occurrence) deployment-wide, and the CRM activity imported
 *   for it gets an id derived from that key, so two users' runs that import it at once create it once.
 */

const BASE32HEX = '0123456789abcdefghijklmnopqrstuv';
/** `crm` + the activity id's bytes in base32hex: readable back, and never a Google-generated id. */
const EXPORT_PREFIX = 'crm';

export function eventIdForActivity(activityId: string): string {
  let bits = 0;
  let value = 0;
  let out = EXPORT_PREFIX;
  for (const byte of Buffer.from(activityId, 'utf8')) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32HEX[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  if (bits > 0) out += BASE32HEX[(value << (5 - bits)) & 31];
  return out;
}

/** The CRM activity id an exported event's id was derived from, or undefined for other events. */
export function activityIdOfEventId(eventId: string): string | undefined {
  const instance = eventId.indexOf('_');
  const id = instance >= 0 ? eventId.slice(0, instance) : eventId;
  if (!id.startsWith(EXPORT_PREFIX) || !/^[0-9a-v]+$/.test(id)) return undefined;
  const bytes: number[] = [];
  let bits = 0;
  let value = 0;
  for (const char of id.slice(EXPORT_PREFIX.length)) {
    value = (value << 5) | BASE32HEX.indexOf(char);
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 255);
      bits -= 8;
      value &= (1 << bits) - 1;
    }
  }
  const decoded = Buffer.from(bytes).toString('utf8');
  return instance < 0 && eventIdForActivity(decoded) === id && /^[A-Za-z0-9_-]{1,128}$/.test(decoded)
    ? decoded
    : undefined;
}

/** One meeting (or one occurrence of a series) across every calendar it is on. */
export function eventKey(event: CalendarEvent): string | undefined {
  if (!event.iCalUID) return undefined;
  const original = event.originalStartTime;
  const occurrence = original ? (original.dateTime ?? original.date ?? '') : '';
  // dateTime offsets differ per calendar's zone: compare instants.
  const instant = occurrence.includes('T') ? new Date(occurrence).toISOString() : occurrence;
  return instant ? `${event.iCalUID}|${instant}` : event.iCalUID;
}

const digest = (key: string) => createHash('sha256').update(key).digest('base64url');

/** Firestore document id of a key's entry in the deployment-wide index. */
export const eventKeyDocId = (key: string) => digest(key);

/** The id of the CRM activity imported for a key: the same whichever user's run imports it first. */
export const activityIdForEventKey = (key: string) => `gcal-${digest(key).slice(0, 40)}`;
