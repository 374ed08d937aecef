import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Secret tokens of push notification channels (docs/behaviour.md#near-real-time-calendar). Only their SHA-256 is stored; a
 * notification's token is checked by hashing it and comparing the hashes in constant time (equal
 * lengths whatever was sent, so neither the content nor the length leaks through timing).
 */

export const hashChannelToken = (token: string): string =>
  createHash('sha256').update(token, 'utf8').digest('base64url');

export function channelTokenMatches(token: string | undefined, tokenHash: string): boolean {
  if (token === undefined) return false;
  const given = Buffer.from(hashChannelToken(token), 'utf8');
  const expected = Buffer.from(tokenHash, 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
