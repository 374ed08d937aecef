import { calendar_v3 } from '@googleapis/calendar';
import type { CalendarEvent } from '../../core/sync/activities/fields.js';
import { type GoogleApiCaller, googleApiRootUrl } from './apiCaller.js';
import { GoogleApiFailure } from './apiErrors.js';
import { type EventWrite, type EventWriteOutcome, writeEvents } from './calendarBatch.js';

/**
 * The user's primary Google Calendar, as the activity sync uses it. Every call goes through the
 * run's GoogleApiCaller (retries, Retry-After, 401 refresh).
 */

const CALENDAR_ID = 'primary';
/** Google's largest page (https://developers.google.com/workspace/calendar/api/v3/reference/events/list). */
const PAGE_SIZE = 2500;

export interface EventPage {
  items: CalendarEvent[];
  nextPageToken?: string;
  nextSyncToken?: string;
}

/**
 * Where a listing stands. A full listing starts at `timeMin`; an incremental one at a sync token.
 * `singleEvents=true` on both: occurrences of recurring events arrive one by one (each becomes its own
 * activity, docs/behaviour.md#all-day-time-zones-and-recurrence), as in Google's own sync sample, which pairs `singleEvents=true` with the token
 * and restricts only the full sync by time: "Sync tokens aren't compatible with most filters, but you
 * may want to limit your full sync to only a certain date range"
 * (https://developers.google.com/calendar/api/guides/sync). `timeMin` and `showDeleted=false` are
 * refused together with a sync token (events.list reference), so they are never sent with one.
 */
export type ListPosition =
  | { mode: 'full'; timeMin: string; pageToken?: string }
  | { mode: 'incremental'; syncToken: string; pageToken?: string };

export class CalendarApi {
  private readonly client: calendar_v3.Calendar;

  constructor(private readonly caller: GoogleApiCaller) {
    this.client = new calendar_v3.Calendar({
      rootUrl: googleApiRootUrl(),
      // The per-API package bundles its own google-auth-library types.
      auth: caller.auth as never,
      retry: false,
    });
  }

  /** One page of the listing. Throws GoogleApiFailure `sync_token_expired` (410) for a stale token. */
  async listPage(position: ListPosition): Promise<EventPage> {
    const params: calendar_v3.Params$Resource$Events$List = {
      calendarId: CALENDAR_ID,
      singleEvents: true,
      maxResults: PAGE_SIZE,
      ...(position.mode === 'full' ? { timeMin: position.timeMin } : { syncToken: position.syncToken }),
      ...(position.pageToken ? { pageToken: position.pageToken } : {}),
    };
    const { data } = await this.caller.call('calendar.events.list', true, () =>
      this.client.events.list(params),
    );
    return {
      items: (data.items ?? []) as CalendarEvent[],
      ...(data.nextPageToken ? { nextPageToken: data.nextPageToken } : {}),
      ...(data.nextSyncToken ? { nextSyncToken: data.nextSyncToken } : {}),
    };
  }

  /** Occurrences of a recurring event that start in [timeMin, timeMax) (the rolling window). */
  async instances(seriesId: string, timeMin: string, timeMax: string): Promise<CalendarEvent[]> {
    const items: CalendarEvent[] = [];
    let pageToken: string | undefined;
    do {
      const { data } = await this.caller.call('calendar.events.instances', true, () =>
        this.client.events.instances({
          calendarId: CALENDAR_ID,
          eventId: seriesId,
          timeMin,
          timeMax,
          maxResults: PAGE_SIZE,
          ...(pageToken ? { pageToken } : {}),
        }),
      );
      items.push(...((data.items ?? []) as CalendarEvent[]));
      pageToken = data.nextPageToken ?? undefined;
    } while (pageToken);
    return items;
  }

  /** The event, or undefined when it does not exist (or no longer does). */
  async get(eventId: string): Promise<CalendarEvent | undefined> {
    try {
      const { data } = await this.caller.call('calendar.events.get', true, () =>
        this.client.events.get({ calendarId: CALENDAR_ID, eventId }),
      );
      return data as CalendarEvent;
    } catch (error) {
      if (error instanceof GoogleApiFailure && (error.kind === 'not_found' || error.kind === 'gone'))
        return undefined;
      throw error;
    }
  }

  /**
   * Inserts an event with a client-chosen id: repeating it cannot duplicate, so it is idempotent for
   * the caller's retries. `created: false` when the id existed already (Google answers 409
   * `duplicate`: an earlier attempt had succeeded); the event is then read back.
   */
  async insert(event: CalendarEvent & { id: string }): Promise<{ event: CalendarEvent; created: boolean }> {
    try {
      const { data } = await this.caller.call('calendar.events.insert', true, () =>
        this.client.events.insert({
          calendarId: CALENDAR_ID,
          sendUpdates: 'all',
          requestBody: event as calendar_v3.Schema$Event,
        }),
      );
      return { event: data as CalendarEvent, created: true };
    } catch (error) {
      if (!(error instanceof GoogleApiFailure) || error.kind !== 'conflict') throw error;
      const existing = await this.get(event.id);
      if (!existing) throw error;
      return { event: existing, created: false };
    }
  }

  /**
   * Patches only the given fields (what the CRM does not model stays as it is), if the event still
   * has `etag` (If-Match): throws GoogleApiFailure `precondition_failed` (412) when it changed
   * meanwhile (https://developers.google.com/workspace/calendar/api/guides/version-resources).
   */
  async patch(eventId: string, patch: Record<string, unknown>, etag: string | null): Promise<CalendarEvent> {
    const { data } = await this.caller.call('calendar.events.patch', true, () =>
      this.client.events.patch(
        { calendarId: CALENDAR_ID, eventId, sendUpdates: 'all', requestBody: patch },
        etag ? { headers: { 'If-Match': etag } } : {},
      ),
    );
    return data as CalendarEvent;
  }

  /**
   * Deletes the event; already deleted (410 `deleted`) or absent (404) counts as done, so a repeated
   * delete is harmless (the Odoo way, docs/architecture.md#google-calendar-in-odoo).
   */
  async delete(eventId: string): Promise<void> {
    try {
      await this.caller.call('calendar.events.delete', true, () =>
        this.client.events.delete({ calendarId: CALENDAR_ID, eventId, sendUpdates: 'all' }),
      );
    } catch (error) {
      if (error instanceof GoogleApiFailure && (error.kind === 'gone' || error.kind === 'not_found')) return;
      throw error;
    }
  }

  /**
   * Many inserts, patches and deletes in as few HTTP requests as Google allows (calendarBatch.ts), one
   * outcome per write in the same order; each ends as its single call above would (an insert whose
   * id existed is read back, `created: false`). A failed write fails alone.
   */
  async writeMany(writes: EventWrite[]): Promise<EventWriteOutcome[]> {
    const outcomes = await writeEvents(this.caller, writes);
    for (const [index, outcome] of outcomes.entries()) {
      const write = writes[index];
      if (outcome.ok || write?.op !== 'insert' || outcome.failure.kind !== 'conflict') continue;
      const existing = await this.get(write.event.id);
      if (existing) outcomes[index] = { ok: true, event: existing, created: false };
    }
    return outcomes;
  }
}
