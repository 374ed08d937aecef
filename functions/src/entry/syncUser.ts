import type { CloudEvent } from '@google-cloud/functions-framework';
import { log } from '../logging.js';

/** `syncUser`: runs one user's sync for a Pub/Sub fan-out message (SPEC §2, §3.6). */
export default async function syncUser(event: CloudEvent<unknown>): Promise<void> {
  log.info('syncUser received a message', { eventId: event.id });
}
