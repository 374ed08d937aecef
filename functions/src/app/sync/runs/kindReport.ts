import { GoogleApiFailure } from '../../../adapters/google/apiErrors.js';
import type { FieldConflict } from '../../../core/sync/merge.js';
import { UnreadableRecordError } from '../../../core/sync/unreadable.js';
import {
  type AccountKind,
  emptyCounts,
  type ItemError,
  type KindCounts,
  type KindSyncResult,
  type SyncConflict,
} from '../../../domain/sync/model.js';
import { AppError } from '../../../errors.js';
import { log } from '../../../logging.js';
import { faultScope } from './faults.js';

/**
 * What one kind's sync did in a run, the same for every kind (docs/api.md `SyncRun`): counts,
 * conflicts, and one item error per record that could not be synced, each with a stable code and a
 * message of one shape (what happened, then that the record is tried again).
 *
 * `perItem` is the skeleton of every record's work: a fault of that record alone (faults.ts) is
 * recorded and the run goes on; a fault of the kind or of our infrastructure escapes. The records
 * that failed are remembered, so that no kind's cursor moves past them (`holdsCursor`, `failedIds`).
 */
export class KindReport {
  readonly counts: KindCounts;
  readonly conflicts: SyncConflict[] = [];
  readonly errors: ItemError[] = [];
  private readonly failed = new Set<string>();

  /** `counts`: the run's live counts of this kind (KindSyncContext.counts), else a fresh set. */
  constructor(
    readonly kind: AccountKind,
    private readonly uid: string,
    counts: KindCounts = emptyCounts(kind),
  ) {
    this.counts = counts;
  }

  /** Runs the work of one record; false when it failed alone (it is then reported). */
  async perItem(recordId: string, work: () => Promise<void>): Promise<boolean> {
    try {
      await work();
      return true;
    } catch (error) {
      if (faultScope(error) !== 'item') throw error;
      this.itemFailed(recordId, error);
      return false;
    }
  }

  /** Records a record that could not be synced, with the fault that stopped it. */
  itemFailed(recordId: string, error: unknown): void {
    this.failed.add(recordId);
    const outcome = itemError(this.kind, recordId, error);
    const fields = { uid: this.uid, kind: this.kind, recordId, code: outcome.code };
    if (outcome.code === 'internal') log.error('a record could not be synced', { ...fields, error });
    else log.warn('a record could not be synced; it is tried again next run', fields);
    this.errors.push(outcome);
  }

  /** A reported problem of a record that is no thrown fault (e.g. Google's listing cannot be trusted). */
  itemProblem(recordId: string, code: string, cause: string): void {
    this.failed.add(recordId);
    log.warn('a record could not be synced; it is tried again next run', {
      uid: this.uid,
      kind: this.kind,
      recordId,
      code,
    });
    this.errors.push({ kind: this.kind, recordId, code, message: itemMessage(cause) });
  }

  conflict<Field extends string>(recordId: string, conflicts: FieldConflict<Field>[]): void {
    for (const { field, crmValue, googleValue, winner } of conflicts) {
      this.conflicts.push({ kind: this.kind, recordId, field, crmValue, googleValue, winner });
    }
  }

  /** Some record failed in this run: a cursor that would pass it must stay. */
  get holdsCursor(): boolean {
    return this.failed.size > 0;
  }

  /** The records that failed in this run (to be tried again by the next). */
  failedIds(): string[] {
    return [...this.failed];
  }

  result(): KindSyncResult {
    return { counts: this.counts, conflicts: this.conflicts, errors: this.errors };
  }
}

/**
 * The item error of a fault. Codes are stable: Google's refusals `google_<kind>` (apiErrors.ts), the
 * CRM's its API error code (docs/api.md), `unreadable_record` for data the sync cannot read, and
 * `internal` for anything else recorded by hand (its detail stays in the log: it may carry anything).
 */
export function itemError(kind: AccountKind, recordId: string, error: unknown): ItemError {
  if (error instanceof GoogleApiFailure) {
    return { kind, recordId, code: `google_${error.kind}`, message: itemMessage(error.message) };
  }
  if (error instanceof UnreadableRecordError) {
    return { kind, recordId, code: 'unreadable_record', message: itemMessage(error.reason) };
  }
  // AppError messages are written for users (the CRM's name the refused fields).
  if (error instanceof AppError)
    return { kind, recordId, code: error.code, message: itemMessage(error.message) };
  return { kind, recordId, code: 'internal', message: itemMessage('An internal error occurred') };
}

/** One shape for every item error's message: the cause as a sentence, then what happens next. */
export function itemMessage(cause: string): string {
  const sentence = /[.!?]$/.test(cause.trim()) ? cause.trim() : `${cause.trim()}.`;
  return `${sentence} The record is tried again on the next run.`;
}
