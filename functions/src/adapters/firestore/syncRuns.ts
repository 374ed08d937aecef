import { type DocumentData, Timestamp, type Transaction, WriteBatch } from '@google-cloud/firestore';
import { isRecordId } from '../../domain/crm/common.js';
import type { Page, PageRequest } from '../../domain/crm/paging.js';
import type { SyncConflict, SyncRun } from '../../domain/sync/model.js';
import { firestore } from './client.js';
import { pageOf } from './crm/records.js';
import { USERS } from './syncStatePaths.js';

/**
 * Sync runs at `users/{uid}/syncRuns/{runId}` (docs/behaviour.md#running-syncs "every run is recorded"): reachable only
 * through the owner's uid, and history, so they stay when the account is removed. Times are stored
 * as Timestamps (the list pages by `queuedAt`); a conflict's values are stored as JSON text, because
 * Firestore refuses arrays nested in arrays and a field value may be one.
 */

export const SYNC_RUNS = 'syncRuns';
/** Page tokens of the runs list are bound to it (docs/api.md paging). */
export const RUNS_LIST_SCOPE = 'syncRuns';

const runsOf = (uid: string) => firestore().collection(`${USERS}/${uid}/${SYNC_RUNS}`);

interface StoredConflict extends Omit<SyncConflict, 'crmValue' | 'googleValue'> {
  crmValueJson: string;
  googleValueJson: string;
}

const toTimestamp = (iso: string) => Timestamp.fromDate(new Date(iso));
const toIso = (value: unknown) => (value instanceof Timestamp ? value.toDate().toISOString() : undefined);
const parseJson = (text: unknown) => (typeof text === 'string' ? (JSON.parse(text) as unknown) : null);

function toStored(run: SyncRun): DocumentData {
  const { id: _id, queuedAt, startedAt, finishedAt, conflicts, ...rest } = run;
  return {
    ...rest,
    queuedAt: toTimestamp(queuedAt),
    ...(startedAt ? { startedAt: toTimestamp(startedAt) } : {}),
    ...(finishedAt ? { finishedAt: toTimestamp(finishedAt) } : {}),
    conflicts: conflicts.map(
      ({ crmValue, googleValue, ...conflict }): StoredConflict => ({
        ...conflict,
        crmValueJson: JSON.stringify(crmValue ?? null),
        googleValueJson: JSON.stringify(googleValue ?? null),
      }),
    ),
  };
}

function fromStored(id: string, data: DocumentData): SyncRun {
  const startedAt = toIso(data.startedAt);
  const finishedAt = toIso(data.finishedAt);
  return {
    id,
    trigger: data.trigger,
    kinds: data.kinds ?? [],
    status: data.status,
    queuedAt: toIso(data.queuedAt) ?? new Date(0).toISOString(),
    ...(startedAt ? { startedAt } : {}),
    ...(finishedAt ? { finishedAt } : {}),
    counts: data.counts ?? {},
    conflicts: ((data.conflicts ?? []) as StoredConflict[]).map(
      ({ crmValueJson, googleValueJson, ...conflict }) => ({
        ...conflict,
        crmValue: parseJson(crmValueJson),
        googleValue: parseJson(googleValueJson),
      }),
    ),
    errors: data.errors ?? [],
    ...(data.error ? { error: data.error } : {}),
  };
}

/** The run, read in `tx` when given; undefined for an unknown id (or one that cannot be an id). */
export async function readRun(uid: string, runId: string, tx?: Transaction): Promise<SyncRun | undefined> {
  if (!isRecordId(runId)) return undefined;
  const ref = runsOf(uid).doc(runId);
  const snapshot = tx ? await tx.get(ref) : await ref.get();
  const data = snapshot.data();
  return data ? fromStored(snapshot.id, data) : undefined;
}

/** Creates or replaces the run's document inside `tx` (a transaction or a batch). */
export function writeRun(tx: Transaction | WriteBatch, uid: string, run: SyncRun): void {
  const ref = runsOf(uid).doc(run.id);
  if (tx instanceof WriteBatch) tx.set(ref, toStored(run));
  else tx.set(ref, toStored(run));
}

/** A fresh run id (Firestore's random ids: 20 letters and digits). */
export function newRunId(uid: string): string {
  return runsOf(uid).doc().id;
}

/** The user's runs by `queuedAt`, then id (docs/api.md: lists are ordered oldest first). */
export function listRuns(uid: string, page: PageRequest): Promise<Page<SyncRun>> {
  return pageOf(runsOf(uid), ['queuedAt'], { ...page, scope: RUNS_LIST_SCOPE }, (doc) =>
    fromStored(doc.id, doc.data()),
  );
}
