/**
 * Wiring of the Calendar module (emulators/google/calendar/, written against the CALENDAR CONTRACT):
 * the server checks the bearer token and scope, applies faults and logging, then hands the request
 * over with the account's email.
 */
import { CalendarEmulator } from './calendar/index.js';

export interface CalendarRequest {
  accountEmail: string;
  method: string;
  /** Path after `/calendar/v3`, e.g. `/calendars/primary/events`. */
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | undefined>;
  body: unknown;
}

export interface CalendarResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

/** What this emulator needs from the Calendar module. */
export interface CalendarLike {
  handle(req: CalendarRequest): CalendarResponse;
  methodName(method: string, path: string): string;
  ensureAccount(email: string): void;
  userCreateEvent(email: string, event: object): object;
  userUpdateEvent(email: string, eventId: string, patch: object): object;
  userCancelEvent(email: string, eventId: string): void;
  userRespond(email: string, eventId: string, response: string): void;
  expireSyncTokens(email?: string): void;
  reset(): void;
  dump(): object;
}

export function createCalendar(now: () => Date): CalendarLike {
  return new CalendarEmulator({ now });
}
