import { currentKey, KeyVersionUnavailable, keyVersion } from '../../adapters/secrets/encryptionKeys.js';
import { open, seal } from '../../core/crypto/tokenCipher.js';
import type { SealedValue } from '../../domain/accounts/sealedValue.js';

/**
 * Refresh tokens at rest (docs/architecture.md#quality-bars Security): sealed with the newest `token-encryption-key` version
 * and bound to their owner (the AAD names the uid), opened with whichever version sealed them.
 */

const aad = (uid: string) => `crm-google-sync/users/${uid}/google-refresh-token`;
/** A mailbox's grant is its own (docs/behaviour.md#mailbox-linking), bound to the owner and the mailbox. */
const mailboxAad = (uid: string, mailboxId: string) =>
  `crm-google-sync/users/${uid}/mailboxes/${mailboxId}/refresh-token`;

export async function sealRefreshToken(uid: string, refreshToken: string): Promise<SealedValue> {
  return seal(refreshToken, await currentKey(), aad(uid));
}

/**
 * The sealed token can never be opened: its key version is gone (disabled or destroyed in Secret
 * Manager), or it does not decrypt with it. Permanent, unlike Secret Manager being unreachable.
 */
export class SealedTokenUnreadable extends Error {
  override name = 'SealedTokenUnreadable';
  constructor(
    readonly keyVersion: string,
    why: string,
  ) {
    super(`the refresh token sealed with token-encryption-key version ${keyVersion} ${why}`);
  }
}

export async function openRefreshToken(uid: string, sealed: SealedValue): Promise<string> {
  let key: Awaited<ReturnType<typeof keyVersion>>;
  try {
    key = await keyVersion(sealed.keyVersion);
  } catch (error) {
    if (error instanceof KeyVersionUnavailable)
      throw new SealedTokenUnreadable(sealed.keyVersion, 'cannot be opened: that version is not available');
    throw error;
  }
  try {
    return open(sealed, key, aad(uid));
  } catch {
    throw new SealedTokenUnreadable(sealed.keyVersion, 'does not decrypt with that version');
  }
}

export async function sealMailboxToken(uid: string, mailboxId: string, token: string): Promise<SealedValue> {
  return seal(token, await currentKey(), mailboxAad(uid, mailboxId));
}

export async function openMailboxToken(uid: string, mailboxId: string, sealed: SealedValue): Promise<string> {
  return open(sealed, await keyVersion(sealed.keyVersion), mailboxAad(uid, mailboxId));
}
