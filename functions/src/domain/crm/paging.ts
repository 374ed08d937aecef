import { isRecordId } from './common.js';
import { invalid, isPlainObject } from './validation.js';

/**
 * Paging of list endpoints (docs/api.md): `pageSize` default 50, at most 1000; `pageToken` is an opaque
 * position (the sort key values of the last item) bound to the query it came from, so a token reused
 * with other filters is refused instead of silently skipping records.
 */

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 1000;

export interface Page<T> {
  items: T[];
  nextPageToken?: string;
}

export interface PageRequest {
  pageSize: number;
  /** Sort key values after which the page starts. */
  after?: PagePosition;
}

/** A Firestore timestamp as JSON: `[seconds, nanoseconds]`. */
export type TimestampKey = [seconds: number, nanos: number];

/** JSON-safe sort key values (every list sorts by timestamps), then the document id. */
export interface PagePosition {
  keys: TimestampKey[];
  id: string;
}

/** Firestore's timestamp range: 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999999Z. */
const MIN_SECONDS = -62_135_596_800;
const MAX_SECONDS = 253_402_300_799;
/** Tokens this server writes are far shorter; longer ones are not worth decoding. */
const MAX_TOKEN_LENGTH = 2048;

function isTimestampKey(key: unknown): key is TimestampKey {
  return (
    Array.isArray(key) &&
    key.length === 2 &&
    Number.isSafeInteger(key[0]) &&
    key[0] >= MIN_SECONDS &&
    key[0] <= MAX_SECONDS &&
    Number.isSafeInteger(key[1]) &&
    key[1] >= 0 &&
    key[1] <= 999_999_999
  );
}

export function parsePageSize(raw: string | null): number {
  if (raw === null || raw === '') return DEFAULT_PAGE_SIZE;
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > MAX_PAGE_SIZE) {
    throw invalid({ pageSize: `must be a whole number from 1 to ${MAX_PAGE_SIZE}` });
  }
  return Number(raw);
}

export function encodePageToken(scope: string, position: PagePosition): string {
  return Buffer.from(JSON.stringify({ s: scope, k: position.keys, i: position.id })).toString('base64url');
}

/**
 * The position a page token names, when it is one this server wrote for the list `scope`: exactly
 * `{s, k, i}` with `s` the scope, `k` as many timestamp keys as the list sorts by and `i` a record
 * id. Anything else is 400 naming `pageToken` (never a silent empty page, nor a store error).
 */
export function decodePageToken(scope: string, token: string | null): PagePosition | undefined {
  if (token === null || token === '') return undefined;
  const position = parsePageToken(scope, token);
  if (position) return position;
  throw invalid({
    pageToken: 'is not a page token of this list with these filters; start from the first page',
  });
}

function parsePageToken(scope: string, token: string): PagePosition | undefined {
  if (token.length > MAX_TOKEN_LENGTH || !/^[A-Za-z0-9_-]+$/.test(token)) return undefined;
  const bytes = Buffer.from(token, 'base64url');
  if (bytes.toString('base64url') !== token) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
  if (!isPlainObject(parsed)) return undefined;
  const { s, k, i, ...extra } = parsed;
  if (Object.keys(extra).length || s !== scope) return undefined;
  if (!Array.isArray(k) || k.length !== sortKeyCount(scope) || !k.every(isTimestampKey)) return undefined;
  // Firestore reserves ids like `__x__`; the store never generates them.
  if (typeof i !== 'string' || !isRecordId(i)) return undefined;
  return { keys: k.map(([seconds, nanos]) => [seconds, nanos]), id: i };
}

/** Reads `pageSize` and `pageToken` from a query string. */
export function pageRequest(query: URLSearchParams, scope: string): PageRequest {
  return {
    pageSize: parsePageSize(query.get('pageSize')),
    after: decodePageToken(scope, query.get('pageToken')),
  };
}

/** What a page token is bound to: the list and its filters. */
export const listScope = {
  contacts: (tagId?: string) => (tagId ? `contacts:tag=${tagId}` : 'contacts'),
  tags: () => 'tags',
  activities: (range?: { from: number; to: number }) =>
    range ? `activities:${range.from}-${range.to}` : 'activities',
};

/**
 * How many sort keys (timestamps, before the document id) position a page of the list `scope`
 * names: lists sort by `createdAt`; activities in a range also by `endAt` and `startAt`, the fields
 * the range filters on (Firestore orders by them). The store checks its sort fields against this.
 */
export function sortKeyCount(scope: string): number {
  return scope.startsWith('activities:') ? 3 : 1;
}
