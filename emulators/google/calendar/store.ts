// In-memory state: one primary calendar per account, each holding per-calendar copies of events
// and a monotonic change counter that sync tokens point into.
import { randomBytes } from 'node:crypto';

export type Ev = Record<string, unknown>;

/** One event (or stored exception of a recurring event) as it exists on one calendar. */
export interface Entry {
  /** Stored resource. start/end dateTimes are normalised to UTC `Z`; self flags are added on render. */
  data: Ev;
  /** Position in the calendar's change log of the last change to this copy. */
  seq: number;
  /** Creation order on this calendar (stable default list order). */
  order: number;
  /** Email of the organizer's calendar that owns the shared fields. */
  organizerEmail: string;
  /** True when this calendar holds the organizer's copy (or a private imported copy). */
  organizerCopy: boolean;
  /** Attendee copy removed by its user (declined and hidden). */
  userDeleted?: boolean;
  /** Imported private copy: never propagated to attendees. */
  privateCopy?: boolean;
}

export interface Calendar {
  email: string;
  timeZone: string;
  entries: Map<string, Entry>;
  seq: number;
  order: number;
  /** Bumped by expireSyncTokens; tokens carry the epoch they were issued in. */
  epoch: number;
  updatedMs: number;
}

export class Store {
  readonly calendars = new Map<string, Calendar>();
  /** Random per reset so tokens from an earlier life of the emulator are invalid. */
  nonce = randomBytes(6).toString('hex');
  /** Told the calendar of every change (push notifications watch them, emulators/google/push/). */
  private readonly changeListeners: ((calendarEmail: string) => void)[] = [];

  constructor(
    readonly now: () => Date,
    /** Sync tokens older than this are rejected with 410 (undefined: they never age out). */
    readonly syncTokenTtlMs?: number,
  ) {}

  nowMs(): number {
    return this.now().getTime();
  }

  ensure(email: string, timeZone = 'UTC'): Calendar {
    const key = email.toLowerCase();
    let cal = this.calendars.get(key);
    if (!cal) {
      cal = { email: key, timeZone, entries: new Map(), seq: 0, order: 0, epoch: 0, updatedMs: this.nowMs() };
      this.calendars.set(key, cal);
    }
    return cal;
  }

  get(email: string): Calendar | undefined {
    return this.calendars.get(email.toLowerCase());
  }

  /** Records a change of `entry` on `cal`: new log position, `updated`, etag. */
  touch(cal: Calendar, entry: Entry, etag: string, updatedIso: string): void {
    cal.seq += 1;
    entry.seq = cal.seq;
    entry.data.etag = etag;
    entry.data.updated = updatedIso;
    cal.updatedMs = Date.parse(updatedIso);
    for (const listener of this.changeListeners) listener(cal.email);
  }

  onChange(listener: (calendarEmail: string) => void): void {
    this.changeListeners.push(listener);
  }

  add(cal: Calendar, entry: Omit<Entry, 'seq' | 'order'>): Entry {
    cal.order += 1;
    const full: Entry = { ...entry, seq: 0, order: cal.order };
    cal.entries.set(String(entry.data.id), full);
    return full;
  }

  reset(): void {
    this.calendars.clear();
    this.nonce = randomBytes(6).toString('hex');
  }
}

export function clone<T>(v: T): T {
  return structuredClone(v);
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
