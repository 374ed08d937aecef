import { randomBytes } from 'node:crypto';
import { invalidArgument } from '../errors.js';
import type { PeopleAccount } from './store.js';
import {
  checkNotExpired,
  decodePageToken,
  decodeSyncToken,
  encodePageToken,
  encodeSyncToken,
  SYNC_TOKEN_LIFETIME_MS,
} from './tokens.js';

export interface Listable {
  id: string;
  changeSeq: number;
  deleted: boolean;
}

/**
 * The ids a paged listing delivers, fixed at its first page (kept in `PeopleAccount.listings`, so page
 * tokens stay short). Later pages read from it, so changes made while paging cannot shift records
 * out of the listing; they go to the next incremental sync instead.
 */
export interface ListingSnapshot {
  kind: 'c' | 'g';
  ids: string[];
  /** Change-log position at the first page: the next sync token stands for it. */
  upTo: number;
  /** For an incremental listing: the position of the sync token it started from. */
  from?: number;
  /** Time of the full sync the listing descends from (ms since epoch). */
  fullSyncAt: number;
  generation: number;
}

export interface ListOptions<T extends Listable> {
  kind: 'c' | 'g';
  email: string;
  account: PeopleAccount;
  records: ReadonlyMap<string, T>;
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

/** Snapshots kept per account; the oldest go first beyond this (emulator memory bound). */
export const MAX_LISTINGS = 200;

/**
 * Drops snapshots whose page tokens can no longer be used (expired by age or by the control API),
 * then the oldest beyond MAX_LISTINGS. Snapshots are kept after their last page so that a client may
 * fetch a page again.
 */
function pruneListings(account: PeopleAccount, nowMs: number): void {
  for (const [id, l] of account.listings) {
    if (l.generation !== account.syncTokenGeneration || nowMs - l.fullSyncAt > SYNC_TOKEN_LIFETIME_MS) {
      account.listings.delete(id);
    }
  }
  for (const id of account.listings.keys()) {
    if (account.listings.size < MAX_LISTINGS) break;
    account.listings.delete(id);
  }
}

/**
 * Full or incremental listing over an account's change log. A listing is a snapshot: the set and
 * order of the records it delivers are fixed at its first page (changes up to the sequence number
 * current then); page tokens are cursors into that snapshot. Records changed while paging are still
 * delivered (with their current data, or skipped in a full listing if deleted meanwhile) and,
 * because their change is newer than the snapshot, come again in the next incremental sync.
 */
export function listChanges<T extends Listable>(o: ListOptions<T>): ListResult<T> {
  const a = o.email.toLowerCase();
  const generation = o.account.syncTokenGeneration;
  let offset = 0;
  let listingId: string | undefined;
  let snap: ListingSnapshot;
  if (o.pageToken) {
    const d = decodePageToken(o.pageToken, o.kind, o.email, o.paramsKey);
    checkNotExpired(d, o.nowMs, generation);
    const found = o.account.listings.get(d.l);
    if (!found || found.kind !== o.kind || d.o < 0 || d.o > found.ids.length) {
      throw invalidArgument('Page token is invalid.');
    }
    snap = found;
    listingId = d.l;
    offset = d.o;
  } else {
    let from: number | undefined;
    let fullSyncAt = o.nowMs;
    if (o.syncToken) {
      const d = decodeSyncToken(o.syncToken, o.kind, o.email);
      if (d.p !== o.paramsKey) {
        throw invalidArgument('Parameters of the request do not match the parameters of the sync token.');
      }
      checkNotExpired(d, o.nowMs, generation);
      from = d.s;
      fullSyncAt = d.f;
    }
    const upTo = o.account.seq;
    const selected = [...o.records.values()].filter((r) =>
      from === undefined ? !r.deleted : r.changeSeq > from && r.changeSeq <= upTo,
    );
    selected.sort(o.sort ?? ((x, y) => x.changeSeq - y.changeSeq));
    snap = { kind: o.kind, ids: selected.map((r) => r.id), upTo, fullSyncAt, generation };
    if (from !== undefined) snap.from = from;
  }
  const incremental = snap.from !== undefined;
  const end = offset + o.pageSize;
  const items: T[] = [];
  for (const id of snap.ids.slice(offset, end)) {
    const rec = o.records.get(id);
    // A record deleted after the first page of a full listing is left out; its tombstone is newer
    // than the snapshot and goes to the next incremental sync.
    if (rec && (incremental || !rec.deleted)) items.push(rec);
  }
  const result: ListResult<T> = { items, totalItems: snap.ids.length, incremental };
  const base = { k: o.kind, a, p: o.paramsKey, f: snap.fullSyncAt, g: snap.generation };
  if (end < snap.ids.length) {
    if (listingId === undefined) {
      pruneListings(o.account, o.nowMs);
      listingId = randomBytes(9).toString('base64url');
      o.account.listings.set(listingId, snap);
    }
    result.nextPageToken = encodePageToken({ ...base, l: listingId, o: end });
  } else if (o.requestSyncToken) {
    result.nextSyncToken = encodeSyncToken({ ...base, s: snap.upTo });
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
