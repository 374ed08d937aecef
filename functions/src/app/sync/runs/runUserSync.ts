import { randomUUID } from 'node:crypto';
import { linkedAccountOf } from '../../../adapters/firestore/accounts.js';
import { readSyncSettings, recordKindCompleted } from '../../../adapters/firestore/syncSettings.js';
import type { LinkedAccountRecord } from '../../../domain/accounts/linkedAccount.js';
import type { SyncRequest } from '../../../domain/sync/messages.js';
import { SYNC_KINDS, type SyncKind, type SyncRun, type SyncSettings } from '../../../domain/sync/model.js';
import { log } from '../../../logging.js';
import { forgetAccessToken, getAccessToken } from '../../accounts/accessTokens.js';
import { type Claim, claimRun } from './claimRun.js';
import { isTransientInfrastructureFault } from './faults.js';
import { finishRun, type Holding, renewLease, saveProgress, yieldLease } from './heldRun.js';
import { KIND_SYNCS, type KindSyncs, runKind, skipReason } from './kinds.js';
import { failedRun, iso, LEASE_RENEW_EVERY_MS } from './lease.js';
import {
  appendConflicts,
  appendErrors,
  type KindOutcome,
  kindError,
  runResult,
  stopsRun,
} from './runOutcome.js';

/**
 * One delivery of a sync request (SPEC §3.6): take the user's lease for the run, run each requested
 * kind that is configured and permitted, record what each did, finish the run and free the user.
 *
 * Google's faults are the kinds' to handle; whatever a kind still throws fails that kind, and the
 * run records it. Only a transient fault of our own infrastructure (Firestore unavailable) escapes,
 * so that Pub/Sub redelivers the message; the lease is given up first so the redelivery takes over.
 */

export interface RunDependencies {
  kindSyncs: KindSyncs;
  /** Milliseconds since the epoch; tests move it. */
  now: () => number;
}

export type HandledRequest =
  | { outcome: 'ran'; run: SyncRun }
  | Extract<Claim, { outcome: 'skipped' }>
  | { outcome: 'skipped'; reason: 'no_active_account' | 'lease_lost' };

export async function runUserSync(
  request: SyncRequest,
  dependencies: Partial<RunDependencies> = {},
): Promise<HandledRequest> {
  const deps: RunDependencies = { kindSyncs: KIND_SYNCS, now: Date.now, ...dependencies };
  const { uid } = request;
  if (request.trigger === 'schedule') {
    // The fan-out dispatches only active accounts; one that went away since is not worth a run.
    const account = await linkedAccountOf(uid);
    if (account?.status !== 'active')
      return skipped(request, { outcome: 'skipped', reason: 'no_active_account' });
  }
  const holder = randomUUID();
  const claim = await claimRun(request, holder, deps.now());
  if (claim.outcome === 'skipped') return skipped(request, claim);

  const held: Holding = { uid, runId: claim.run.id, holder };
  log.info('sync run started', {
    uid,
    runId: held.runId,
    trigger: claim.run.trigger,
    takeover: claim.takeover,
  });
  const renewal = keepLeaseAlive(held, deps.now);
  try {
    const run = await syncKinds(claim.run, held, deps, renewal.lost);
    if (!run || !(await finishRun(held, run))) return lostLease(held);
    log.info('sync run finished', { uid, runId: run.id, status: run.status, error: run.error });
    return { outcome: 'ran', run };
  } catch (error) {
    if (isTransientInfrastructureFault(error)) {
      await yieldLease(held, deps.now()).catch(() => undefined);
      throw error;
    }
    // A fault of the run's own bookkeeping: end the run rather than leave it "running".
    log.error('sync run failed', { uid, runId: held.runId, error });
    const failed = failedRun(claim.run, deps.now(), {
      code: 'internal',
      message: 'The run failed because of an internal error; the next run retries.',
    });
    return (await finishRun(held, failed)) ? { outcome: 'ran', run: failed } : lostLease(held);
  } finally {
    renewal.stop();
  }
}

function skipped<T extends HandledRequest>(request: SyncRequest, result: T): T {
  log.info('sync request skipped', { uid: request.uid, trigger: request.trigger, result });
  return result;
}

function lostLease(held: Holding): HandledRequest {
  // Another delivery took the run over after this one stalled past the lease; it records the result.
  log.warn('sync run lost its lease; its result is not recorded', { uid: held.uid, runId: held.runId });
  return { outcome: 'skipped', reason: 'lease_lost' };
}

/** Renews the lease while the run works; `lost()` tells whether another delivery has taken it. */
function keepLeaseAlive(held: Holding, now: () => number) {
  let lost = false;
  const timer = setInterval(() => {
    renewLease(held, now())
      .then((kept) => {
        lost ||= !kept;
      })
      .catch((error: unknown) => log.warn('could not renew the sync lease', { uid: held.uid, error }));
  }, LEASE_RENEW_EVERY_MS);
  timer.unref();
  return { lost: () => lost, stop: () => clearInterval(timer) };
}

/**
 * Runs the run's kinds in a fixed order, saving progress after each. A run taken over after a crash
 * keeps what its completed kinds recorded and runs the others (incremental sync makes that cheap).
 * Undefined when the lease was lost on the way.
 */
async function syncKinds(
  run: SyncRun,
  held: Holding,
  deps: RunDependencies,
  lost: () => boolean,
): Promise<SyncRun | undefined> {
  const [settings, account] = await Promise.all([readSyncSettings(held.uid), linkedAccountOf(held.uid)]);
  if (!account) {
    return failedRun(run, deps.now(), {
      code: 'no_linked_account',
      message: 'No Google account is linked any more: link one, then run the sync.',
    });
  }
  let current: SyncRun = { ...run, errors: run.errors.filter((e) => run.counts[e.kind] !== undefined) };
  const outcomes: KindOutcome[] = [];
  for (const kind of SYNC_KINDS.filter((k) => run.kinds.includes(k))) {
    if (lost()) return undefined;
    if (current.counts[kind]) {
      outcomes.push({ kind, result: 'completed', itemErrors: current.errors.some((e) => e.kind === kind) });
      continue;
    }
    const attempt = await attemptKind(kind, current, settings, account, deps);
    outcomes.push(attempt.outcome);
    current = attempt.run;
    if (!(await saveProgress(held, current, deps.now()))) return undefined;
    if (attempt.outcome.result === 'failed' && stopsRun(attempt.outcome.error)) break;
  }
  const { status, error } = runResult(outcomes);
  return { ...current, status, finishedAt: iso(deps.now()), ...(error ? { error } : {}) };
}

async function attemptKind(
  kind: SyncKind,
  run: SyncRun,
  settings: SyncSettings,
  account: LinkedAccountRecord,
  deps: RunDependencies,
): Promise<{ outcome: KindOutcome; run: SyncRun }> {
  const { uid } = account;
  const skip = skipReason(kind, settings, account);
  if (skip) {
    return { outcome: { kind, result: 'skipped', error: skip }, run: withKindError(run, kind, skip) };
  }
  const accessToken = async (forceRefresh = false) => {
    if (forceRefresh) forgetAccessToken(uid);
    return (await getAccessToken(uid, deps.now)).accessToken;
  };
  try {
    // Fails fast when Google no longer accepts the account, before the kind reads anything.
    await accessToken();
    const result = await runKind(deps.kindSyncs, kind, settings, {
      uid,
      runId: run.id,
      account,
      accessToken,
      now: deps.now,
    });
    await recordKindCompleted(uid, kind, new Date(deps.now()));
    return {
      outcome: { kind, result: 'completed', itemErrors: result.errors.length > 0 },
      run: {
        ...run,
        counts: { ...run.counts, [kind]: result.counts },
        conflicts: appendConflicts(run.conflicts, result.conflicts),
        errors: appendErrors(run.errors, result.errors),
      },
    };
  } catch (error) {
    if (isTransientInfrastructureFault(error)) throw error;
    const failure = kindError(kind, error);
    const fields = { uid, runId: run.id, kind, code: failure.code, error };
    if (failure.code === 'internal') log.error('sync kind failed', fields);
    else log.warn('sync kind failed', fields);
    return { outcome: { kind, result: 'failed', error: failure }, run: withKindError(run, kind, failure) };
  }
}

/** The run with a kind-level entry in `errors` (always kept, however many item errors came before). */
function withKindError(run: SyncRun, kind: SyncKind, error: { code: string; message: string }): SyncRun {
  return { ...run, errors: [...run.errors, { kind, ...error }] };
}
