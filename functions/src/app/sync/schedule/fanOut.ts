import { randomUUID } from 'node:crypto';
import {
  claimMinutes,
  type DueSchedule,
  streamAllSchedules,
  streamSchedulesWithSlot,
  updateTickState,
} from '../../../adapters/firestore/syncSchedule.js';
import { publishSyncRequests } from '../../../adapters/pubsub/publisher.js';
import { abandonedState, type ClaimPolicy, completedState } from '../../../core/schedule/claims.js';
import { dueDispatch, type MinuteRange, planDueQueries } from '../../../core/schedule/slots.js';
import type { SyncRequest } from '../../../domain/sync/messages.js';
import { PERIOD_MINUTES, type SyncKind } from '../../../domain/sync/model.js';
import { log } from '../../../logging.js';
import { activeApp } from '../../settings/googleSettings.js';

/**
 * `syncTick` (docs/behaviour.md#running-syncs): claims the scheduler minutes not dispatched yet, finds the users due in
 * them and publishes one Pub/Sub message per user with every kind due. Nothing is written per user:
 * the work is one query per due slot (ten for a one-minute tick), streamed, and the messages. A tick
 * that dies after claiming is redone by a later tick (see core/schedule/claims.ts); duplicates are
 * harmless.
 */

export const DEFAULT_CLAIM_POLICY: ClaimPolicy = {
  // The Scheduler's attempt deadline (180 s, infra/ and scripts/local/wiring.ts): by then Cloud
  // Scheduler has given up on the tick anyway.
  leaseMs: 180_000,
  maxCatchUpMinutes: 24 * 60,
};

/** Messages handed to the publisher at once, and how many such batches may be in flight. */
const PUBLISH_BATCH = 1000;
const BATCHES_IN_FLIGHT = 20;
/** Slot queries streamed at once. */
const PARALLEL_QUERIES = 4;
/**
 * More due slots than this (a range of over an hour, after an outage) and one scan of all schedules
 * reads less than the queries would cost.
 */
const MAX_SLOT_QUERIES = 500;

export interface FanOutOptions {
  nowMs: number;
  policy?: ClaimPolicy;
  publish?: (requests: readonly SyncRequest[]) => Promise<void>;
}

export interface FanOutResult {
  dispatched: number;
}

export async function fanOutDueUsers({
  nowMs,
  policy = DEFAULT_CLAIM_POLICY,
  publish = publishSyncRequests,
}: FanOutOptions): Promise<FanOutResult> {
  let dispatched = 0;
  // A redone claim is followed by the minutes that passed since; then the state is up to date.
  for (let round = 0; round < 2; round += 1) {
    const claimId = randomUUID();
    const decision = await claimMinutes(nowMs, policy, claimId);
    if (decision.action === 'busy') {
      log.info('syncTick: another tick is dispatching', {
        first: decision.claim.first,
        last: decision.claim.last,
      });
      break;
    }
    if (decision.action === 'upToDate') break;
    const started = Date.now();
    try {
      const count = await dispatchRange(decision.range, publish);
      dispatched += count;
      const completed = await updateTickState((state) => completedState(state, claimId));
      log.info('syncTick: dispatched the due users', {
        ...decision.range,
        redo: decision.redo,
        dispatched: count,
        ms: Date.now() - started,
        ...(completed ? {} : { note: 'another tick took the claim over meanwhile' }),
      });
    } catch (error) {
      // Give the claim up at once, so the next tick redoes it instead of waiting for the lease.
      await updateTickState((state) => abandonedState(state, claimId)).catch(() => undefined);
      throw error;
    }
    if (!decision.redo) break;
  }
  return { dispatched };
}

/** Publishes every user due in `range`, once each; resolves with how many were published. */
async function dispatchRange(
  range: MinuteRange,
  publish: (requests: readonly SyncRequest[]) => Promise<void>,
): Promise<number> {
  const app = await activeApp();
  const plan = planDueQueries(range, PERIOD_MINUTES, MAX_SLOT_QUERIES);
  const inFlight = new Set<Promise<void>>();
  let failure: unknown;
  let batch: SyncRequest[] = [];
  let dispatched = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    const sending = publish(batch).catch((error: unknown) => {
      failure ??= error;
    });
    batch = [];
    inFlight.add(sending);
    void sending.finally(() => inFlight.delete(sending));
    if (inFlight.size >= BATCHES_IN_FLIGHT) await Promise.race(inFlight);
  };
  /** Dispatches the users a query returns that are this query's to dispatch. */
  const consume = async (schedules: AsyncGenerator<DueSchedule>, queryIndex: number) => {
    for await (const schedule of schedules) {
      if (failure) throw failure;
      // An account of another OAuth app needs reauthorization: its kinds are not dispatched (docs/behaviour.md#oauth-apps); mail goes through the mailboxes' own grants.
      const slots =
        schedule.clientId === app.clientId
          ? schedule.slots
          : schedule.slots.mail
            ? { mail: schedule.slots.mail }
            : undefined;
      if (!slots) continue;
      const due = dueDispatch<SyncKind>(plan, slots);
      if (!due || due.ownerQuery !== queryIndex) continue;
      batch.push({ trigger: 'schedule', uid: schedule.uid, kinds: due.kinds, dueMinute: due.dueMinute });
      dispatched += 1;
      if (batch.length >= PUBLISH_BATCH) await flush();
    }
  };
  if (plan.scan) await consume(streamAllSchedules(), 0);
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < plan.queries.length; index = next++)
      await consume(streamSchedulesWithSlot(plan.queries[index] ?? ''), index);
  };
  await Promise.all(Array.from({ length: PARALLEL_QUERIES }, worker));
  await flush();
  await Promise.all(inFlight);
  if (failure) throw failure;
  return dispatched;
}
