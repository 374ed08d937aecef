import { randomUUID } from 'node:crypto';
import { linkedAccountOf } from '../../../adapters/firestore/accounts.js';
import { listMailboxes } from '../../../adapters/firestore/mailboxes.js';
import { readSyncSettings, recordKindCompleted } from '../../../adapters/firestore/syncSettings.js';
import type { LinkedAccountRecord } from '../../../domain/accounts/linkedAccount.js';
import type { SyncRequest } from '../../../domain/sync/messages.js';
import {
  type AccountKind,
  emptyCounts,
  type KindCounts,
  SYNC_KINDS,
  type SyncKind,
  type SyncRun,
  type SyncSettings,
} from '../../../domain/sync/model.js';
import { log } from '../../../logging.js';
import { forgetAccessToken, getAccessToken } from '../../accounts/accessTokens.js';
import type { MailSyncResult } from '../../mail/syncMail.js';
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
 * One delivery of a sync request (docs/behaviour.md#running-syncs): take the user's lease for the run, run each requested
 * kind that is configured and permitted, record what each did, finish the run and free the user.
 *
 * Google's faults are the kinds' to handle; whatever a kind still throws fails that kind, and the
 * run records it. Only a transient fault of our own infrastructure (Firestore unavailable) escapes,
 * so that Pub/Sub redelivers the message; the lease is given up first so the redelivery takes over.
 */

export interface RunDependencies {
  kindSyncs: KindSyncs;
  syncMail: (uid: string, now: () => number) => Promise<MailSyncResult>;
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
  const deps: RunDependencies = {
    kindSyncs: KIND_SYNCS,
    syncMail: loadedSyncMail,
    now: Date.now,
    ...dependencies,
  };
  const { uid } = request;
  if (request.trigger === 'schedule') {
    // The fan-out dispatches only active accounts and mailboxes; what went away since is not worth
    // a run: its kinds are dropped, and with none left the request is.
    const [account, mailboxes] = await Promise.all([linkedAccountOf(uid), listMailboxes(uid)]);
    const kinds = request.kinds.filter((kind) =>
      kind === 'mail' ? mailboxes.some((m) => m.status === 'active') : account?.status === 'active',
    );
    if (kinds.length === 0) return skipped(request, { outcome: 'skipped', reason: 'no_active_account' });
    request = { ...request, kinds };
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
    await followUp(held, deps.now);
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
    if (!(await finishRun(held, failed))) return lostLease(held);
    await followUp(held, deps.now);
    return { outcome: 'ran', run: failed };
  } finally {
    renewal.stop();
  }
}

/**
 * Changes announced while the run worked get their one follow-up run (docs/behaviour.md#near-real-time-calendar). Loaded when a run
 * ends, so the function's cold start does not carry the publisher.
 */
async function followUp(held: Holding, now: () => number): Promise<void> {
  try {
    const { startFollowUp } = await import('./changeRuns.js');
    await startFollowUp(held.uid, held.runId, now);
  } catch (error) {
    log.warn('could not queue the follow-up run; the sync period still applies', { uid: held.uid, error });
  }
}

/** IMAP and MIME parsing are loaded only by runs that import mail. */
async function loadedSyncMail(uid: string, now: () => number): Promise<MailSyncResult> {
  return (await import('../../mail/syncMail.js')).syncMail(uid, now);
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
  if (!account && !run.kinds.includes('mail')) {
    return failedRun(run, deps.now(), {
      code: 'no_linked_account',
      message: 'No Google account is linked any more: link one, then run the sync.',
    });
  }
  let current: SyncRun = { ...run, errors: run.errors.filter((e) => run.counts[e.kind] !== undefined) };
  const outcomes: KindOutcome[] = [];
  // A refused account grant stops the account's other kinds, not mail: mailboxes have grants of their own.
  let accountStopped = false;
  for (const kind of SYNC_KINDS.filter((k) => run.kinds.includes(k))) {
    if (lost()) return undefined;
    if (accountStopped && kind !== 'mail') continue;
    if (current.counts[kind]) {
      outcomes.push({ kind, result: 'completed', itemErrors: current.errors.some((e) => e.kind === kind) });
      continue;
    }
    const attempt =
      kind === 'mail'
        ? await attemptMail(current, held.uid, deps)
        : await attemptKind(kind, current, settings, account, deps);
    outcomes.push(attempt.outcome);
    current = attempt.run;
    if (!(await saveProgress(held, current, deps.now()))) return undefined;
    if (attempt.outcome.result === 'failed' && stopsRun(attempt.outcome.error)) accountStopped = true;
  }
  const { status, error } = runResult(outcomes);
  return { ...current, status, finishedAt: iso(deps.now()), ...(error ? { error } : {}) };
}

/** Kind `mail` (docs/behaviour.md#mail-import): through the user's mailboxes, whether or not a Google account is linked. */
async function attemptMail(
  run: SyncRun,
  uid: string,
  deps: RunDependencies,
): Promise<{ outcome: KindOutcome; run: SyncRun }> {
  try {
    const result = await deps.syncMail(uid, deps.now);
    await recordKindCompleted(uid, 'mail', new Date(deps.now()));
    return {
      outcome: { kind: 'mail', result: 'completed', itemErrors: result.errors.length > 0 },
      run: {
        ...run,
        counts: { ...run.counts, mail: result.counts },
        errors: appendErrors(run.errors, result.errors),
      },
    };
  } catch (error) {
    if (isTransientInfrastructureFault(error)) throw error;
    const failure = kindError('mail', error);
    log.warn('sync kind failed', { uid, runId: run.id, kind: 'mail', code: failure.code, error });
    const result = failure.code === 'no_mailbox' ? 'skipped' : 'failed';
    return { outcome: { kind: 'mail', result, error: failure }, run: withKindError(run, 'mail', failure) };
  }
}

async function attemptKind(
  kind: AccountKind,
  run: SyncRun,
  settings: SyncSettings,
  account: LinkedAccountRecord | undefined,
  deps: RunDependencies,
): Promise<{ outcome: KindOutcome; run: SyncRun }> {
  if (!account) {
    const error = {
      code: 'no_linked_account',
      message: 'No Google account is linked: link one to sync this kind.',
    };
    return { outcome: { kind, result: 'skipped', error }, run: withKindError(run, kind, error) };
  }
  const { uid } = account;
  const skip = skipReason(kind, settings, account);
  if (skip) {
    return { outcome: { kind, result: 'skipped', error: skip }, run: withKindError(run, kind, skip) };
  }
  const accessToken = async (forceRefresh = false) => {
    if (forceRefresh) forgetAccessToken(uid);
    return (await getAccessToken(uid, deps.now)).accessToken;
  };
  const counts = emptyCounts(kind);
  try {
    // Fails fast when Google no longer accepts the account, before the kind reads anything.
    await accessToken();
    const result = await runKind(deps.kindSyncs, kind, settings, {
      uid,
      runId: run.id,
      account,
      accessToken,
      now: deps.now,
      counts,
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
    // What the kind did before it failed stays on record (issue #16); a kind that did nothing shows none.
    const done = didAnything(counts) ? { ...run, counts: { ...run.counts, [kind]: counts } } : run;
    return { outcome: { kind, result: 'failed', error: failure }, run: withKindError(done, kind, failure) };
  }
}

function didAnything(counts: KindCounts): boolean {
  const numbers = [...Object.values(counts.toGoogle), ...Object.values(counts.toCrm), counts.unchanged];
  return numbers.some((value) => (value ?? 0) > 0);
}

/** The run with a kind-level entry in `errors` (always kept, however many item errors came before). */
function withKindError(run: SyncRun, kind: SyncKind, error: { code: string; message: string }): SyncRun {
  return { ...run, errors: [...run.errors, { kind, ...error }] };
}
