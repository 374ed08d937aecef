import { FieldValue, type Firestore } from '@google-cloud/firestore';
import { ACCOUNT_SUBCOLLECTIONS, accountPath } from './syncStatePaths.js';

/** Firestore's `in` and `array-contains-any` filters take at most 30 values. */
export const IN_LIMIT = 30;
/** Firestore's limit of writes per batch (and our size of a getAll). */
export const BATCH_LIMIT = 500;

/** The distinct values, in slices of at most `size` (one query or batch each). */
export function chunksOf<T>(values: readonly T[], size: number): T[][] {
  const unique = [...new Set(values)];
  const result: T[][] = [];
  for (let i = 0; i < unique.length; i += size) result.push(unique.slice(i, i + size));
  return result;
}

/**
 * What every kind's sync state has under a linked account (syncStatePaths.ts): its cursor document
 * `syncCursors/{kind}` and the shared `syncMappings` collection, where each kind keeps its own
 * document ids.
 */
export class AccountSyncState<Cursor extends object> {
  protected readonly account: string;

  constructor(
    protected readonly db: Firestore,
    uid: string,
    accountId: string,
    private readonly cursorId: string,
  ) {
    this.account = accountPath(uid, accountId);
  }

  private get cursorRef() {
    return this.db.doc(`${this.account}/${ACCOUNT_SUBCOLLECTIONS.cursors}/${this.cursorId}`);
  }
  protected get mappings() {
    return this.db.collection(`${this.account}/${ACCOUNT_SUBCOLLECTIONS.mappings}`);
  }

  async cursor(): Promise<Cursor> {
    return ((await this.cursorRef.get()).data() as Cursor | undefined) ?? ({} as Cursor);
  }

  /** Merges `change` into the cursor document; `null` removes a field. */
  async saveCursor(change: { [K in keyof Cursor]?: Cursor[K] | null }): Promise<void> {
    const data = Object.fromEntries(
      Object.entries(change).map(([key, value]) => [key, value === null ? FieldValue.delete() : value]),
    );
    await this.cursorRef.set(data, { merge: true });
  }
}
