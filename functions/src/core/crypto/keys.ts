import { hkdfSync } from 'node:crypto';

/**
 * One secret (`token-encryption-key` in Secret Manager, 32 random bytes per version) feeds several
 * purposes; each purpose gets its own subkey through HKDF (RFC 5869), so a key used to sign OAuth
 * `state` is never also an encryption key. The version travels with whatever it protected, so the
 * secret can rotate: new data uses the newest version, old data names the one it needs.
 */

export interface KeyMaterial {
  /** The Secret Manager version number of the material (`"1"`, `"2"`, …). */
  version: string;
  material: Buffer;
}

export type KeyPurpose = 'refresh-token-encryption' | 'oauth-state-signing';

export const KEY_BYTES = 32;

export function deriveKey(key: KeyMaterial, purpose: KeyPurpose): Buffer {
  if (key.material.length < KEY_BYTES) {
    throw new Error(
      `token-encryption-key version ${key.version} holds ${key.material.length} bytes; 32 are needed`,
    );
  }
  return Buffer.from(
    hkdfSync('sha256', key.material, Buffer.alloc(0), `crm-google-sync:${purpose}`, KEY_BYTES),
  );
}
