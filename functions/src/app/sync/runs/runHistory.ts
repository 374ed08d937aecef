import { listRuns, RUNS_LIST_SCOPE, readRun } from '../../../adapters/firestore/syncRuns.js';
import { type Page, pageRequest } from '../../../domain/crm/paging.js';
import type { SyncRun } from '../../../domain/sync/model.js';
import { notFound } from '../../../errors.js';

/**
 * The caller's own runs (docs/api.md `GET /api/me/sync/runs[/{runId}]`). Runs live under the caller's
 * uid, so another user's run id answers 404 exactly as an unknown one does. The list follows the
 * rule of every list: oldest first (by `queuedAt`, then id), with page tokens.
 */

export function listSyncRuns(uid: string, query: URLSearchParams): Promise<Page<SyncRun>> {
  return listRuns(uid, pageRequest(query, RUNS_LIST_SCOPE));
}

export async function getSyncRun(uid: string, runId: string): Promise<SyncRun> {
  const run = await readRun(uid, runId);
  if (!run) throw notFound(`Sync run ${runId}`);
  return run;
}
