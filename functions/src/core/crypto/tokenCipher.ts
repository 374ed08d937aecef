import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { SealedValue } from '../../domain/accounts/sealedValue.js';
import { deriveKey, type KeyMaterial } from './keys.js';

/**
 * AES-256-GCM for secrets at rest (refresh tokens). Each sealed value carries the key version it
 * was sealed with (so the key can rotate) and is bound to where it is stored by the additional
 * authenticated data: a ciphertext copied into another user's record does not open there.
 */

const IV_BYTES = 12; // the GCM standard nonce size (NIST SP 800-38D §8.2)

export function seal(plaintext: string, key: KeyMaterial, aad: string): SealedValue {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', deriveKey(key, 'refresh-token-encryption'), iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return {
    alg: 'A256GCM',
    keyVersion: key.version,
    iv: iv.toString('base64'),
    ciphertext: ciphertext.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
  };
}

/** Opens a sealed value; throws when the key, the AAD or any byte of it is wrong. */
export function open(sealed: SealedValue, key: KeyMaterial, aad: string): string {
  if (sealed.alg !== 'A256GCM') throw new Error(`unsupported algorithm ${String(sealed.alg)}`);
  if (sealed.keyVersion !== key.version) {
    throw new Error(`sealed with key version ${sealed.keyVersion}, given version ${key.version}`);
  }
  const decipher = createDecipheriv(
    'aes-256-gcm',
    deriveKey(key, 'refresh-token-encryption'),
    Buffer.from(sealed.iv, 'base64'),
  );
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
  return Buffer.concat([
    decipher.update(Buffer.from(sealed.ciphertext, 'base64')),
    decipher.final(),
  ]).toString('utf8');
}
