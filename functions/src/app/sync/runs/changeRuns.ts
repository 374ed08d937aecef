import { requestFollowUp, takeFollowUp } from '../../../adapters/firestore/syncFollowUps.js';
import { readRun } from '../../../adapters/firestore/syncRuns.js';
import type { SyncKind } from '../../../domain/sync/model.js';
import { log } from '../../../logging.js';
import { isFinished } from './lease.js';
import { queueManualRun } from './queueManualRun.js';
import { publishQueuedRun } from './requestSync.js';

/**
 * Runs asked for because Google announced a change (docs/behaviour.md#near-real-time-calendar), coalesced: a burst of
 * announcements gives one run, plus at most one follow-up for what changed while it ran.
 *
 * - No run of the user's is queued or running: one is queued (an automatic run, `schedule`).
 * - One is queued and has not started: it will read the change; nothing more (unless it is a
 *   contacts-only run, which will not: then as below).
 * - One is running: it may have read Google already, so one follow-up is asked for after it; the run
 *   starts it when it finishes (`startFollowUp`). If the run finished between our look and the
 *   request, nobody else will see the request: we start it ourselves. Both sides take the request in
 *   a transaction, so exactly one of them starts it.
 */

export type ChangeRunOutcome = 'queued' | 'coalesced' | 'follow_up';

const KINDS: SyncKind[] = ['activities'];

export async function queueRunForChange(
  uid: string,
  now: () => number = Date.now,
): Promise<{ outcome: ChangeRunOutcome; runId: string }> {
  const queued = await queueManualRun(uid, KINDS, now(), 'schedule');
  if (!queued.coalesced) {
    await publishQueuedRun(uid, queued.runId, now);
    log.info('run queued for a calendar change', { uid, runId: queued.runId });
    return { outcome: 'queued', runId: queued.runId };
  }
  const holder = await readRun(uid, queued.runId);
  // A queued run that will sync the activities reads the change; a contacts-only one does not.
  const covers = holder?.kinds.includes('activities') ?? false;
  if (queued.state === 'queued' && covers) return { outcome: 'coalesced', runId: queued.runId };
  await requestFollowUp(uid, queued.runId, now());
  const current = await readRun(uid, queued.runId);
  if (!current || isFinished(current)) await startFollowUp(uid, queued.runId, now);
  return { outcome: 'follow_up', runId: queued.runId };
}

/** Called when run `runId` has finished: queues the follow-up asked for during it, if any. */
export async function startFollowUp(uid: string, runId: string, now: () => number = Date.now): Promise<void> {
  if (!(await takeFollowUp(uid, runId))) return;
  const { outcome, runId: next } = await queueRunForChange(uid, now);
  log.info('follow-up run for calendar changes during a run', { uid, after: runId, outcome, runId: next });
}
