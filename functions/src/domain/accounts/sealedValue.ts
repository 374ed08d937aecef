/**
 * A secret sealed with AES-256-GCM (core/crypto/tokenCipher.ts), as it is stored: the key version
 * it was sealed with (so the key can rotate), the nonce, the ciphertext and the authentication tag.
 */
export interface SealedValue {
  alg: 'A256GCM';
  /** Version of `token-encryption-key` whose material sealed this value. */
  keyVersion: string;
  iv: string;
  ciphertext: string;
  tag: string;
}

export function isSealedValue(value: unknown): value is SealedValue {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    v.alg === 'A256GCM' &&
    typeof v.keyVersion === 'string' &&
    typeof v.iv === 'string' &&
    typeof v.ciphertext === 'string' &&
    typeof v.tag === 'string'
  );
}
