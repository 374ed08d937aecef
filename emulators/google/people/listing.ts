import { invalidArgument } from '../errors.js';
import type { PeopleAccount } from './store.js';
import {
  checkNotExpired,
  decodePageToken,
  decodeSyncToken,
  encodePageToken,
  encodeSyncToken,
} from './tokens.js';

export interface Listable {
  changeSeq: number;
  deleted: boolean;
}

export interface ListOptions<T extends Listable> {
  kind: 'c' | 'g';
  email: string;
  account: PeopleAccount;
  records: Iterable<T>;
  /** Key of the parameters that page and sync tokens must be used with. */
  paramsKey: string;
  pageSize: number;
  pageToken?: string | null;
  syncToken?: string | null;
  requestSyncToken: boolean;
  nowMs: number;
  sort?: (a: T, b: T) => number;
}

export interface ListResult<T> {
  items: T[];
  nextPageToken?: string;
  nextSyncToken?: string;
  totalItems: number;
  incremental: boolean;
}

/**
 * Full or incremental listing over an account's change log. A listing is a snapshot: it covers the
 * changes up to the sequence number current at its first page; later changes go to the next sync.
 */
export function listChanges<T extends Listable>(o: ListOptions<T>): ListResult<T> {
  const a = o.email.toLowerCase();
  let offset = 0;
  let upTo = o.account.seq;
  let from: number | undefined;
  let fullSyncAt = o.nowMs;
  let generation = o.account.syncTokenGeneration;
  if (o.pageToken) {
    const d = decodePageToken(o.pageToken, o.kind, o.email, o.paramsKey);
    if (d.from !== undefined) checkNotExpired(d, o.nowMs, generation);
    ({ o: offset, u: upTo, from, f: fullSyncAt, g: generation } = d);
  } else if (o.syncToken) {
    const d = decodeSyncToken(o.syncToken, o.kind, o.email);
    if (d.p !== o.paramsKey) {
      throw invalidArgument('Parameters of the request do not match the parameters of the sync token.');
    }
    checkNotExpired(d, o.nowMs, generation);
    from = d.s;
    fullSyncAt = d.f;
  }
  const selected = [...o.records].filter((r) =>
    from === undefined ? !r.deleted && r.changeSeq <= upTo : r.changeSeq > from && r.changeSeq <= upTo,
  );
  selected.sort(o.sort ?? ((x, y) => x.changeSeq - y.changeSeq));
  const items = selected.slice(offset, offset + o.pageSize);
  const result: ListResult<T> = { items, totalItems: selected.length, incremental: from !== undefined };
  const base = { k: o.kind, a, p: o.paramsKey, f: fullSyncAt, g: generation };
  if (offset + o.pageSize < selected.length) {
    result.nextPageToken = encodePageToken({ ...base, o: offset + o.pageSize, u: upTo, from });
  } else if (o.requestSyncToken) {
    result.nextSyncToken = encodeSyncToken({ ...base, s: upTo });
  }
  return result;
}

export function parsePageSize(value: string | null, def: number, max = 1000): number {
  if (value === null || value === '') return def;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > max) {
    throw invalidArgument(`Invalid pageSize: ${value}. The page size must be between 1 and ${max}.`);
  }
  return n === 0 ? def : n;
}
