import { randomBytes } from 'node:crypto';
import { invalid } from './errors.js';

const BASE32HEX = '0123456789abcdefghijklmnopqrstuv';

/** A server-generated event id: 26 lowercase base32hex chars, like Google's. */
export function newEventId(): string {
  const bytes = randomBytes(26);
  let out = '';
  for (const b of bytes) out += BASE32HEX[b & 31];
  return out;
}

/** Client-supplied ids: base32hex `[a-v0-9]`, length 5–1024 (docs/google-apis.md#calendar-api). */
export function validateClientId(id: unknown): string {
  if (typeof id !== 'string' || id.length < 5 || id.length > 1024 || !/^[a-v0-9]+$/.test(id)) {
    throw invalid('Invalid resource id value.');
  }
  return id;
}

let etagCounter = 0;

/** Google event etags are quoted decimal strings, e.g. `"3181161784712000"`. */
export function newEtag(nowMs: number): string {
  etagCounter = (etagCounter + 1) % 1000;
  return `"${nowMs * 1000 + etagCounter}"`;
}

/** Instance id suffix: `yyyymmddThhmmssZ` (UTC) for timed events, `yyyymmdd` for all-day ones. */
export function instanceSuffix(startMs: number, allDay: boolean): string {
  const iso = new Date(startMs).toISOString();
  const date = iso.slice(0, 10).replaceAll('-', '');
  if (allDay) return date;
  return `${date}T${iso.slice(11, 19).replaceAll(':', '')}Z`;
}

export function instanceId(parentId: string, startMs: number, allDay: boolean): string {
  return `${parentId}_${instanceSuffix(startMs, allDay)}`;
}

/** Splits `<parent>_<suffix>`; returns undefined when the id is not shaped like an instance id. */
export function parseInstanceId(id: string): { parentId: string; suffix: string } | undefined {
  const m = /^(.+)_(\d{8}(?:T\d{6}Z)?)$/.exec(id);
  if (!m?.[1] || !m[2]) return undefined;
  return { parentId: m[1], suffix: m[2] };
}

export function htmlLink(eventId: string, calendarEmail: string): string {
  const eid = Buffer.from(`${eventId} ${calendarEmail}`).toString('base64url');
  return `https://www.google.com/calendar/event?eid=${eid}`;
}

export function encodeToken(payload: object): string {
  return Buffer.from(JSON.stringify(payload)).toString('base64url');
}

export function decodeToken(token: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    return v !== null && typeof v === 'object' && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
