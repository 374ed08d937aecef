import { errorInfo, failedPrecondition, invalidArgument } from '../errors.js';

/** Sync tokens expire 7 days after the full sync they descend from (People v1 discovery doc). */
export const SYNC_TOKEN_LIFETIME_MS = 7 * 24 * 3600 * 1000;

export interface SyncTokenData {
  /** Kind: `c` connections, `g` contact groups. */
  k: 'c' | 'g';
  /** Account (email, lower case). */
  a: string;
  /** Change-log position the token stands for. */
  s: number;
  /** Key of the request parameters it was issued for. */
  p: string;
  /** Time of the full sync this chain started with (ms since epoch). */
  f: number;
  /** Expiry generation of the account at issue time (bumped by the control API). */
  g: number;
}

export interface PageTokenData {
  k: 'c' | 'g';
  a: string;
  p: string;
  /** Id of the listing snapshot (PeopleAccount.listings) the token pages through. */
  l: string;
  /** Offset of the next page in that snapshot. */
  o: number;
  /** Time of the full sync this listing belongs to (ms since epoch). */
  f: number;
  g: number;
}

const encode = (prefix: string, data: object) =>
  prefix + Buffer.from(JSON.stringify(data)).toString('base64url');

function decode<T>(prefix: string, token: string): T | undefined {
  if (!token.startsWith(prefix)) return undefined;
  try {
    return JSON.parse(Buffer.from(token.slice(prefix.length), 'base64url').toString('utf8')) as T;
  } catch {
    return undefined;
  }
}

export const encodeSyncToken = (d: SyncTokenData) => encode('EmuS', d);
export const encodePageToken = (d: PageTokenData) => encode('EmuP', d);

export function decodeSyncToken(token: string, kind: 'c' | 'g', email: string): SyncTokenData {
  const d = decode<SyncTokenData>('EmuS', token);
  if (!d || d.k !== kind || d.a !== email.toLowerCase() || typeof d.s !== 'number') {
    throw invalidArgument('Sync token is invalid.');
  }
  return d;
}

export function decodePageToken(
  token: string,
  kind: 'c' | 'g',
  email: string,
  paramsKey: string,
): PageTokenData {
  const d = decode<PageTokenData>('EmuP', token);
  if (
    !d ||
    d.k !== kind ||
    d.a !== email.toLowerCase() ||
    typeof d.o !== 'number' ||
    typeof d.l !== 'string' ||
    typeof d.f !== 'number' ||
    typeof d.g !== 'number'
  ) {
    throw invalidArgument('Page token is invalid.');
  }
  if (d.p !== paramsKey) {
    throw invalidArgument('Parameters of the request do not match the parameters of the page token.');
  }
  return d;
}

export function expiredSyncTokenError() {
  return failedPrecondition(
    'Sync token is expired. Clear local cache and retry call without the sync token.',
    [errorInfo('EXPIRED_SYNC_TOKEN', 'people.googleapis.com')],
  );
}

export function checkNotExpired(d: { f: number; g: number }, nowMs: number, generation: number): void {
  if (d.g !== generation || nowMs - d.f > SYNC_TOKEN_LIFETIME_MS) throw expiredSyncTokenError();
}
