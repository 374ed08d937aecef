import { z } from 'zod';
import { linkedAccountOf } from '../../../adapters/firestore/accounts.js';
import { listMailboxes } from '../../../adapters/firestore/mailboxes.js';
import { publishSyncRequests } from '../../../adapters/pubsub/publisher.js';
import { invalid, parseOrThrow } from '../../../domain/crm/validation.js';
import { SYNC_KINDS } from '../../../domain/sync/model.js';
import { AppError } from '../../../errors.js';
import { log } from '../../../logging.js';
import { abandonUnpublishedRun, type QueuedRun, queueManualRun } from './queueManualRun.js';

/**
 * `syncNow` (docs/api.md, the CRM's "Run sync"): queue a manual run for the caller and publish its
 * request, or name the caller's run that is already queued or running. Answers at once; the run's
 * progress and result are read from `GET /api/me/sync/runs/{runId}`.
 */

/** Body of `POST /syncNow` (the OpenAPI document shows it too). */
export const SyncNowBodySchema = z.strictObject({
  kinds: z
    .array(z.enum(SYNC_KINDS, { error: `must be one of ${SYNC_KINDS.join(', ')}` }))
    .min(1, 'must name at least one kind (or leave kinds out for all)')
    .max(SYNC_KINDS.length, 'names a kind twice')
    .refine((kinds) => new Set(kinds).size === kinds.length, 'names a kind twice')
    .optional(),
});

export async function requestSync(
  uid: string,
  body: unknown,
  now: () => number = Date.now,
): Promise<QueuedRun> {
  if (body !== undefined && (typeof body !== 'object' || body === null || Array.isArray(body))) {
    throw invalid({ body: 'must be a JSON object such as {"kinds": ["contacts"]}' });
  }
  const { kinds: requested } = parseOrThrow(SyncNowBodySchema, body ?? {});
  // A mailbox is enough for kind mail (docs/behaviour.md#mail-import); the other kinds need the linked account.
  const [account, mailboxes] = await Promise.all([linkedAccountOf(uid), listMailboxes(uid)]);
  // Kinds in their fixed order, whatever order the caller named them in; left out, every kind the
  // user can run (mail only with a mailbox).
  const kinds = SYNC_KINDS.filter((kind) =>
    requested ? requested.includes(kind) : kind !== 'mail' || mailboxes.length > 0,
  );
  const onlyMail = kinds.length === 1 && kinds[0] === 'mail';
  if (mailboxes.length === 0 && onlyMail) {
    throw new AppError('no_mailbox', 'Link a mailbox before running the mail sync.');
  }
  if (!account && (mailboxes.length === 0 || !kinds.includes('mail'))) {
    throw new AppError('no_linked_account', 'Link a Google account before running the sync.');
  }
  const queued = await queueManualRun(uid, kinds, now());
  if (queued.coalesced) return { runId: queued.runId, coalesced: true };
  await publishQueuedRun(uid, queued.runId, now);
  log.info('manual sync queued', { uid, runId: queued.runId, kinds });
  return queued;
}

/**
 * Publishes the request of a run just queued. When Pub/Sub does not take it, the run fails and frees
 * the user at once, and the caller is told to try again (`unavailable`).
 */
export async function publishQueuedRun(uid: string, runId: string, now: () => number): Promise<void> {
  try {
    await publishSyncRequests([{ trigger: 'manual', uid, runId }]);
  } catch (error) {
    log.error('could not publish a sync request', { uid, runId, error });
    await abandonUnpublishedRun(uid, runId, now());
    throw new AppError(
      'unavailable',
      'The sync could not be queued right now; try again in a moment.',
      undefined,
      { retryAfterSeconds: 1 },
    );
  }
}
