import { GoogleApiFailure } from '../../../adapters/google/apiErrors.js';
import type { SyncField } from '../../../core/sync/contacts/fields.js';
import type { FieldConflict } from '../../../core/sync/merge.js';
import {
  emptyCounts,
  type ItemError,
  type KindCounts,
  type KindSyncResult,
  type SyncConflict,
} from '../../../domain/sync/model.js';
import { AppError } from '../../../errors.js';

/** What one contact sync run did: the counts, conflicts and per-contact errors of SPEC §4.3 `SyncRun`. */
export class ContactRunReport {
  readonly counts: KindCounts = emptyCounts('contacts');
  readonly conflicts: SyncConflict[] = [];
  readonly errors: ItemError[] = [];

  conflict(recordId: string, conflicts: FieldConflict<SyncField>[]): void {
    for (const { field, crmValue, googleValue, winner } of conflicts) {
      this.conflicts.push({ kind: 'contacts', recordId, field, crmValue, googleValue, winner });
    }
  }

  /** Records a contact that could not be synced; the run goes on. */
  failed(recordId: string, error: unknown): void {
    this.errors.push({ kind: 'contacts', recordId, code: codeOf(error), message: messageOf(error) });
  }

  untagged(): void {
    this.counts.toCrm.untagged = (this.counts.toCrm.untagged ?? 0) + 1;
  }

  result(): KindSyncResult {
    return { counts: this.counts, conflicts: this.conflicts, errors: this.errors };
  }
}

function codeOf(error: unknown): string {
  if (error instanceof GoogleApiFailure) return `google_${error.kind}`;
  if (error instanceof AppError) return error.code;
  return 'internal';
}

function messageOf(error: unknown): string {
  // Both name the problem (the CRM's the invalid fields), and neither carries a secret.
  if (error instanceof AppError || error instanceof GoogleApiFailure) return error.message;
  return 'An internal error occurred.';
}

/** Failures of one contact on the CRM side (refused data, a concurrent change): reported, the run goes on. */
export function isItemError(error: unknown): error is AppError {
  return (
    error instanceof AppError &&
    ['invalid_argument', 'not_found', 'conflict', 'precondition_failed'].includes(error.code)
  );
}
