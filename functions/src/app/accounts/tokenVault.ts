import { currentKey, keyVersion } from '../../adapters/secrets/encryptionKeys.js';
import { open, seal } from '../../core/crypto/tokenCipher.js';
import type { SealedValue } from '../../domain/accounts/sealedValue.js';

/**
 * Refresh tokens at rest (SPEC §5 Security): sealed with the newest `token-encryption-key` version
 * and bound to their owner (the AAD names the uid), opened with whichever version sealed them.
 */

const aad = (uid: string) => `crm-google-sync/users/${uid}/google-refresh-token`;

export async function sealRefreshToken(uid: string, refreshToken: string): Promise<SealedValue> {
  return seal(refreshToken, await currentKey(), aad(uid));
}

export async function openRefreshToken(uid: string, sealed: SealedValue): Promise<string> {
  return open(sealed, await keyVersion(sealed.keyVersion), aad(uid));
}
