import { invalid } from './validation.js';

/**
 * Paging of list endpoints (SPEC §4.3): `pageSize` default 50, at most 1000; `pageToken` is an opaque
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

/** JSON-safe sort key values: timestamps as [seconds, nanos] pairs, then the document id. */
export interface PagePosition {
  keys: Array<string | number | [number, number]>;
  id: string;
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

export function decodePageToken(scope: string, token: string | null): PagePosition | undefined {
  if (token === null || token === '') return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as {
      s?: unknown;
      k?: unknown;
      i?: unknown;
    };
    if (parsed.s === scope && Array.isArray(parsed.k) && typeof parsed.i === 'string' && parsed.i) {
      return { keys: parsed.k as PagePosition['keys'], id: parsed.i };
    }
  } catch {
    // falls through to the error below
  }
  throw invalid({
    pageToken: 'is not a page token of this list with these filters; start from the first page',
  });
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
