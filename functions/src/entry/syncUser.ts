import type { CloudEvent } from '@google-cloud/functions-framework';
import { isTransientInfrastructureFault } from '../app/sync/runs/faults.js';
import { runUserSync } from '../app/sync/runs/runUserSync.js';
import { type SyncRequest, SyncRequestSchema } from '../domain/sync/messages.js';
import { log } from '../logging.js';

/**
 * `syncUser`: runs one user's sync for a Pub/Sub message (docs/architecture.md#functions-and-state, docs/behaviour.md#running-syncs). The CloudEvent carries the
 * Pub/Sub message, whose `data` is the base64 of a JSON SyncRequest
 * (https://cloud.google.com/eventarc/docs/cloudevents#pubsub). Returning acknowledges the message;
 * throwing asks Pub/Sub to deliver it again, which is right only for a transient fault of our own
 * infrastructure, or when the run is held by another delivery that may be dead: a malformed message
 * or a failed run is acknowledged (a run records its failure).
 */

interface PubSubEventData {
  message?: { data?: unknown };
}

function requestOf(event: CloudEvent<unknown>): SyncRequest | undefined {
  const data = (event.data as PubSubEventData | undefined)?.message?.data;
  if (typeof data !== 'string') return undefined;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(data, 'base64').toString('utf8'));
  } catch {
    return undefined;
  }
  const parsed = SyncRequestSchema.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}

export default async function syncUser(event: CloudEvent<unknown>): Promise<void> {
  log.info('syncUser received a message', { eventId: event.id });
  const request = requestOf(event);
  if (!request) {
    log.warn('syncUser dropped a malformed sync request', { eventId: event.id });
    return;
  }
  let handled: Awaited<ReturnType<typeof runUserSync>>;
  try {
    handled = await runUserSync(request);
  } catch (error) {
    if (isTransientInfrastructureFault(error)) {
      log.warn('syncUser hit a transient fault; Pub/Sub will deliver the request again', {
        eventId: event.id,
        uid: request.uid,
        error,
      });
      throw error;
    }
    log.error('syncUser failed; the request is acknowledged', { eventId: event.id, uid: request.uid, error });
    return;
  }
  if (handled.outcome === 'skipped' && handled.reason === 'in_progress') {
    // The run's lease is held, maybe by a process that has just died: leave the message
    // unacknowledged, so a redelivery after the lease's short TTL takes the run over (lease.ts).
    log.info('syncUser found the run held by another delivery; Pub/Sub will deliver it again', {
      eventId: event.id,
      uid: request.uid,
    });
    throw new Error(`the run of user ${request.uid} is held by another delivery; deliver again later`);
  }
}
