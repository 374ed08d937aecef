import { z } from 'zod';
import { SYNC_KINDS } from './model.js';

/**
 * The Pub/Sub message that asks `syncUser` to run one user's sync (docs/architecture.md#functions-and-state, docs/behaviour.md#running-syncs). `syncNow`
 * publishes one for the run it queued (`runId`); `syncTick` one per due user (`dueMinute`, the
 * scheduler minute it was due in, so a duplicate delivery or a re-dispatched minute maps to the
 * same run and does no harm).
 */
export const SyncRequestSchema = z.discriminatedUnion('trigger', [
  z.strictObject({
    trigger: z.literal('manual'),
    uid: z.string().min(1).max(128),
    runId: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/),
  }),
  z.strictObject({
    trigger: z.literal('schedule'),
    uid: z.string().min(1).max(128),
    kinds: z.array(z.enum(SYNC_KINDS)).min(1).max(SYNC_KINDS.length),
    /** Minutes since the epoch (UTC) of the tick the user was due in. */
    dueMinute: z.number().int().nonnegative(),
  }),
]);

export type SyncRequest = z.output<typeof SyncRequestSchema>;
