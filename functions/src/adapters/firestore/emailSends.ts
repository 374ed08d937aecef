import { createHash } from 'node:crypto';
import { Timestamp } from '@google-cloud/firestore';
import { firestore } from './client.js';

/**
 * `Idempotency-Key` of `POST /api/emails` (docs/behaviour.md#sending-mail): `emailSends/{hash}` per user and key,
 * holding the first answer for 24 hours (then swept by the TTL policy on `expiresAt`). A send in
 * progress holds the key, so a concurrent retry does not send twice.
 */

export const EMAIL_SENDS = 'emailSends';
export const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;

export type Claimed =
  | { outcome: 'claimed' }
  | { outcome: 'answered'; status: number; body: unknown }
  | { outcome: 'in_progress' }
  | { outcome: 'other_request' };

const ref = (uid: string, key: string) =>
  firestore()
    .collection(EMAIL_SENDS)
    .doc(createHash('sha256').update(`${uid}\n${key}`).digest('base64url'));

export async function claimIdempotencyKey(
  uid: string,
  key: string,
  fingerprint: string,
  now: Date,
): Promise<Claimed> {
  return firestore().runTransaction(async (tx) => {
    const snapshot = await tx.get(ref(uid, key));
    const data = snapshot.data() as
      | {
          state: 'sending' | 'answered';
          fingerprint: string;
          expiresAt: Timestamp;
          status?: number;
          body?: string;
        }
      | undefined;
    if (data && data.expiresAt.toMillis() > now.getTime()) {
      if (data.fingerprint !== fingerprint) return { outcome: 'other_request' };
      if (data.state === 'sending') return { outcome: 'in_progress' };
      return {
        outcome: 'answered',
        status: data.status ?? 200,
        body: JSON.parse(data.body ?? 'null') as unknown,
      };
    }
    tx.set(ref(uid, key), {
      state: 'sending',
      fingerprint,
      createdAt: Timestamp.fromDate(now),
      expiresAt: Timestamp.fromMillis(now.getTime() + IDEMPOTENCY_WINDOW_MS),
    });
    return { outcome: 'claimed' };
  });
}

export async function recordAnswer(uid: string, key: string, status: number, body: unknown): Promise<void> {
  await ref(uid, key).update({ state: 'answered', status, body: JSON.stringify(body) });
}

/** Frees the key (a transient failure): a retry with it may try again. */
export async function releaseIdempotencyKey(uid: string, key: string): Promise<void> {
  await ref(uid, key).delete();
}
