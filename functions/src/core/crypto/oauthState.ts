import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { deriveKey, type KeyMaterial } from './keys.js';

/**
 * The OAuth `state` parameter (docs/behaviour.md#linking, docs/api.md): `<payload>.<mac>`, both base64url, the MAC an
 * HMAC-SHA256 over the payload with a key derived from `token-encryption-key`. The payload names
 * the user, a single-use nonce (stored by the product, checked elsewhere), the issue time and the
 * key version. Google echoes `state` back unchanged
 * (https://developers.google.com/identity/protocols/oauth2/web-server#creatingclient).
 *
 * The PKCE code verifier (RFC 7636) is derived from the nonce with the same key, so no verifier is
 * stored anywhere: only the holder of the key can recompute it.
 */

export const STATE_LIFETIME_MS = 10 * 60 * 1000;
/** Tolerated clock difference between instances for a state "issued in the future". */
const CLOCK_SKEW_MS = 60 * 1000;

export interface StatePayload {
  v: 1;
  uid: string;
  nonce: string;
  /** Issue time, milliseconds since the epoch. */
  iat: number;
  /** Version of the key material that signed it. */
  kv: string;
  /** What the flow links: absent for a Google account (docs/behaviour.md#linking), `mailbox` for a mailbox (docs/behaviour.md#mailbox-linking). */
  p?: 'mailbox';
}

export type StateCheck = { ok: true; payload: StatePayload } | { ok: false; reason: 'invalid' | 'expired' };

const b64url = (buffer: Buffer) => buffer.toString('base64url');

function mac(signedPart: string, key: KeyMaterial): Buffer {
  return createHmac('sha256', deriveKey(key, 'oauth-state-signing')).update(signedPart).digest();
}

export function newNonce(): string {
  return b64url(randomBytes(24));
}

export function signState(payload: Omit<StatePayload, 'v' | 'kv'>, key: KeyMaterial): string {
  const full: StatePayload = {
    v: 1,
    uid: payload.uid,
    nonce: payload.nonce,
    iat: payload.iat,
    kv: key.version,
    ...(payload.p ? { p: payload.p } : {}),
  };
  const signedPart = b64url(Buffer.from(JSON.stringify(full), 'utf8'));
  return `${signedPart}.${b64url(mac(signedPart, key))}`;
}

/**
 * Reads the payload WITHOUT checking the MAC: only to learn which key version to fetch (or which
 * nonce to retire). Never trust anything from it before `verifyState` says ok.
 */
export function peekState(state: string): StatePayload | undefined {
  return decodePayload(state.split('.')[0] ?? '');
}

export function verifyState(state: string, key: KeyMaterial, nowMs: number): StateCheck {
  const parts = state.split('.');
  if (parts.length !== 2 || !parts[0] || !parts[1]) return { ok: false, reason: 'invalid' };
  const [signedPart, macPart] = parts as [string, string];
  const expected = mac(signedPart, key);
  const given = Buffer.from(macPart, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, reason: 'invalid' };
  const payload = decodePayload(signedPart);
  if (!payload || payload.kv !== key.version) return { ok: false, reason: 'invalid' };
  if (payload.iat > nowMs + CLOCK_SKEW_MS) return { ok: false, reason: 'invalid' };
  if (nowMs - payload.iat > STATE_LIFETIME_MS) return { ok: false, reason: 'expired' };
  return { ok: true, payload };
}

function decodePayload(part: string): StatePayload | undefined {
  try {
    const value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (
      value.v === 1 &&
      typeof value.uid === 'string' &&
      value.uid.length > 0 &&
      typeof value.nonce === 'string' &&
      value.nonce.length > 0 &&
      typeof value.iat === 'number' &&
      Number.isFinite(value.iat) &&
      typeof value.kv === 'string' &&
      (value.p === undefined || value.p === 'mailbox')
    ) {
      return {
        v: 1,
        uid: value.uid,
        nonce: value.nonce,
        iat: value.iat,
        kv: value.kv,
        ...(value.p ? { p: value.p } : {}),
      };
    }
  } catch {
    // malformed: not a state of ours
  }
  return undefined;
}

/** RFC 7636 code verifier: 43 base64url characters (256 bits), recomputable only with the key. */
export function pkceVerifier(nonce: string, key: KeyMaterial): string {
  return b64url(createHmac('sha256', deriveKey(key, 'oauth-state-signing')).update(`pkce:${nonce}`).digest());
}

/** RFC 7636 §4.2 S256 challenge. */
export function pkceChallenge(verifier: string): string {
  return b64url(createHash('sha256').update(verifier, 'ascii').digest());
}
