// Sync and page tokens. A sync token names a position in one calendar's change log plus its issue
// time; it is valid only for that calendar, in the same emulator life and token epoch.
import { badRequest, fullSyncRequired } from './errors.js';
import { decodeToken, encodeToken } from './ids.js';
import type { Calendar, Store } from './store.js';

export function issueSyncToken(store: Store, cal: Calendar, position: number): string {
  return encodeToken({ c: cal.email, p: position, t: store.nowMs(), e: cal.epoch, n: store.nonce });
}

/** The change-log position of a valid token; 410 fullSyncRequired otherwise. */
export function readSyncToken(store: Store, cal: Calendar, token: string): number {
  const t = decodeToken(token);
  if (
    !t ||
    t.c !== cal.email ||
    t.n !== store.nonce ||
    t.e !== cal.epoch ||
    typeof t.p !== 'number' ||
    !Number.isInteger(t.p) ||
    t.p < 0 ||
    t.p > cal.seq ||
    typeof t.t !== 'number' ||
    (store.syncTokenTtlMs !== undefined && store.nowMs() - t.t > store.syncTokenTtlMs)
  ) {
    throw fullSyncRequired();
  }
  return t.p;
}

export interface PageState {
  /** Sort key of the last item already returned. */
  k: string;
  /** Change-log position when the listing started (becomes nextSyncToken on the last page). */
  s: number;
  /** Sync position of an incremental listing, if any. */
  p?: number;
  /** Fingerprint of the query the token belongs to. */
  q: string;
}

export const issuePageToken = (state: PageState) => encodeToken(state);

export function readPageToken(token: string, fingerprint: string): PageState {
  const t = decodeToken(token);
  if (!t || typeof t.k !== 'string' || typeof t.s !== 'number' || t.q !== fingerprint) {
    throw badRequest('Invalid page token value.', 'pageToken');
  }
  return { k: t.k, s: t.s, p: typeof t.p === 'number' ? t.p : undefined, q: t.q };
}
