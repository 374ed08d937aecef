import type { CalendarEvent } from '../../core/sync/activities/fields.js';
import { type GoogleApiCaller, googleApiRootUrl } from './apiCaller.js';
import { classifyGoogleError, type GoogleApiFailure } from './apiErrors.js';
import { batchRequestBody, type InnerRequest, type InnerResponse, parseBatchResponse } from './batchHttp.js';

/**
 * Event writes sent through Calendar's batch endpoint (https://developers.google.com/calendar/api/guides/batch):
 * up to 1000 calls per HTTP request, each inner call answered (and counted toward quota) on its own.
 * Every write here is idempotent (inserts carry a client-chosen id, patches an If-Match etag,
 * deletes treat "already gone" as done), so both the batch request and a refused inner call may be
 * sent again: the batch request by the caller's rules, inner calls refused for rate (429 / 403
 * rateLimitExceeded) or availability (5xx) after the caller's backoff, in a smaller batch of their
 * own. Any other failure of an inner call is that write's outcome alone.
 *
 * We build the documented format ourselves (batchHttp.ts): `@jrmdayn/googleapis-batcher` needs the
 * whole `googleapis` bundle as a peer and guesses the batch URL as `<origin>/batch` for any host but
 * www.googleapis.com, which misses `GOOGLE_API_BASE_URL` (docs/operations.md#configuration); and it would hide the inner
 * outcomes from the caller that owns retries.
 */

export const MAX_BATCH_CALLS = 1000;

export type EventWrite =
  | { op: 'insert'; event: CalendarEvent & { id: string } }
  | { op: 'patch'; eventId: string; patch: Record<string, unknown>; etag: string | null }
  | { op: 'delete'; eventId: string };

export type EventWriteOutcome =
  /** insert: the event and whether this call created it (false: the id existed, 409 `duplicate`). */
  { ok: true; event?: CalendarEvent; created?: boolean } | { ok: false; failure: GoogleApiFailure };

const EVENTS = '/calendar/v3/calendars/primary/events';
const NAMES = {
  insert: 'calendar.events.insert',
  patch: 'calendar.events.patch',
  delete: 'calendar.events.delete',
};

function innerRequest(write: EventWrite): InnerRequest {
  // sendUpdates=all: attendees hear of the change, as with the single calls (calendar.ts).
  switch (write.op) {
    case 'insert':
      return { method: 'POST', path: `${EVENTS}?sendUpdates=all`, body: write.event };
    case 'patch':
      return {
        method: 'PATCH',
        path: `${EVENTS}/${encodeURIComponent(write.eventId)}?sendUpdates=all`,
        ...(write.etag ? { headers: { 'If-Match': write.etag } } : {}),
        body: write.patch,
      };
    case 'delete':
      return { method: 'DELETE', path: `${EVENTS}/${encodeURIComponent(write.eventId)}?sendUpdates=all` };
  }
}

function outcomeOf(write: EventWrite, response: InnerResponse, now: number): EventWriteOutcome {
  if (response.status < 300) {
    return write.op === 'delete'
      ? { ok: true }
      : {
          ok: true,
          event: response.data as CalendarEvent,
          ...(write.op === 'insert' ? { created: true } : {}),
        };
  }
  const failure = classifyGoogleError({ response }, now);
  // Already gone is done for a delete (as calendar.ts `delete`).
  if (write.op === 'delete' && (failure.kind === 'gone' || failure.kind === 'not_found')) return { ok: true };
  return { ok: false, failure };
}

function jsonOrText(text: unknown): unknown {
  if (typeof text !== 'string') return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** One batch HTTP request; its own failure (not its parts') is thrown, classified by the caller. */
async function send(
  caller: GoogleApiCaller,
  writes: EventWrite[],
  rootUrl: string,
): Promise<InnerResponse[]> {
  const { contentType, body } = batchRequestBody(writes.map(innerRequest));
  const url = `${rootUrl}batch/calendar/v3`;
  try {
    const response = await caller.auth.request<string>({
      url,
      method: 'POST',
      headers: { 'Content-Type': contentType },
      data: body,
      responseType: 'text',
    });
    const headers = response.headers as unknown as Headers;
    return parseBatchResponse(headers.get('content-type') ?? '', response.data, writes.length);
  } catch (error) {
    // The error body came as text (responseType): the classifier reads Google's JSON reasons.
    const failed = error as { response?: { data?: unknown } };
    if (failed.response) failed.response.data = jsonOrText(failed.response.data);
    throw error;
  }
}

/** `rootUrl`: Google's, or the one GOOGLE_API_BASE_URL names (docs/operations.md#configuration). */
export async function writeEvents(
  caller: GoogleApiCaller,
  writes: EventWrite[],
  rootUrl = googleApiRootUrl() ?? 'https://www.googleapis.com/',
): Promise<EventWriteOutcome[]> {
  const outcomes: EventWriteOutcome[] = new Array(writes.length);
  let pending = writes.map((_, index) => index);
  for (let attempt = 1; pending.length > 0; attempt++) {
    const refused = new Map<number, GoogleApiFailure>();
    for (let start = 0; start < pending.length; start += MAX_BATCH_CALLS) {
      const chunk = pending.slice(start, start + MAX_BATCH_CALLS);
      const chunkWrites = chunk.map((index) => writes[index] as EventWrite);
      const responses = await caller.call('calendar.batch', true, () => send(caller, chunkWrites, rootUrl));
      for (const write of chunkWrites) caller.countCalls(NAMES[write.op], 1);
      responses.forEach((response, k) => {
        const index = chunk[k] as number;
        const outcome = outcomeOf(writes[index] as EventWrite, response, Date.now());
        const refusal = !outcome.ok && ['rate_limited', 'unavailable'].includes(outcome.failure.kind);
        if (refusal) refused.set(index, outcome.failure);
        else outcomes[index] = outcome;
      });
    }
    const sample = refused.values().next().value;
    if (!sample) break;
    if (!(await caller.backoff('calendar.batch', attempt, sample, true))) {
      for (const [index, failure] of refused) outcomes[index] = { ok: false, failure };
      break;
    }
    pending = [...refused.keys()];
  }
  return outcomes;
}
