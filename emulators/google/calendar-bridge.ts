/**
 * Wiring of the Calendar module (emulators/google/calendar/, written against the CALENDAR CONTRACT):
 * the server checks the bearer token and scope, applies faults and logging, then hands the request
 * over with the account's email.
 */
import { CalendarEmulator } from './calendar/index.js';

/** What this emulator needs from the Calendar module. */
export type CalendarLike = Pick<
  CalendarEmulator,
  | 'handle'
  | 'methodName'
  | 'ensureAccount'
  | 'userCreateEvent'
  | 'userUpdateEvent'
  | 'userCancelEvent'
  | 'userRespond'
  | 'expireSyncTokens'
  | 'reset'
  | 'dump'
  | 'onChange'
>;

export function createCalendar(now: () => Date): CalendarLike {
  return new CalendarEmulator({ now });
}
