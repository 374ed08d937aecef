import { randomBytes } from 'node:crypto';
import { KEY_BYTES, type KeyMaterial } from '../../core/crypto/keys.js';
import { SECRET_IDS, type Secrets, secretManagerSecrets } from './secretManager.js';

/**
 * Key material of `token-encryption-key`. The newest version protects new data; older versions stay
 * enabled so that what they protected can still be opened (rotate by adding a version; never
 * disable one while tokens sealed with it exist). A missing key is created with 32 random bytes.
 */

const CURRENT_TTL_MS = 10 * 60 * 1000;

const byVersion = new Map<string, KeyMaterial>();
let current: { key: KeyMaterial; fetchedAt: number } | undefined;

export async function currentKey(
  secrets: Secrets = secretManagerSecrets,
  nowMs = Date.now(),
): Promise<KeyMaterial> {
  if (current && nowMs - current.fetchedAt < CURRENT_TTL_MS) return current.key;
  let latest = await secrets.access(SECRET_IDS.tokenEncryptionKey);
  if (!latest) {
    // First use: create the key. Two instances racing here each add a version; both stay enabled,
    // and everything sealed with either opens, because the version travels with the data.
    await secrets.addVersion(SECRET_IDS.tokenEncryptionKey, randomBytes(KEY_BYTES));
    latest = await secrets.access(SECRET_IDS.tokenEncryptionKey);
  }
  if (!latest) throw new Error('token-encryption-key has no usable version');
  const key = { version: latest.version, material: latest.data };
  byVersion.set(key.version, key);
  current = { key, fetchedAt: nowMs };
  return key;
}

/** The key version exists no more, or is disabled or destroyed: what it sealed cannot be opened. */
export class KeyVersionUnavailable extends Error {
  override name = 'KeyVersionUnavailable';
  constructor(readonly version: string) {
    super(`token-encryption-key version ${version} is not available`);
  }
}

/** A specific version (versions never change, so they are cached for the life of the process). */
export async function keyVersion(
  version: string,
  secrets: Secrets = secretManagerSecrets,
): Promise<KeyMaterial> {
  if (!/^[1-9]\d*$/.test(version)) throw new KeyVersionUnavailable(version);
  const cached = byVersion.get(version);
  if (cached) return cached;
  const value = await secrets.access(SECRET_IDS.tokenEncryptionKey, version);
  if (!value) throw new KeyVersionUnavailable(version);
  const key = { version: value.version, material: value.data };
  byVersion.set(version, key);
  return key;
}
