import { Timestamp } from '@google-cloud/firestore';
import { firestore } from './client.js';
import { USER_SYNC_STATE_COLLECTIONS } from './syncStatePaths.js';

/**
 * At `syncFollowUps/{uid}`: "run once more after run X" — a change was announced while run X was
 * working and may have come after X read it (docs/behaviour.md#near-real-time-calendar's coalescing: a burst gives one run, plus at
 * most one follow-up). Asking again only rewrites the same request, so a burst still asks once.
 */

const ref = (uid: string) => firestore().collection(USER_SYNC_STATE_COLLECTIONS.followUp).doc(uid);

export async function requestFollowUp(uid: string, afterRunId: string, nowMs: number): Promise<void> {
  await ref(uid).set({ afterRunId, requestedAt: Timestamp.fromMillis(nowMs) });
}

/**
 * Takes the follow-up asked for after `afterRunId`, once: true for exactly one of any number of
 * concurrent callers (a transaction deletes it).
 */
export function takeFollowUp(uid: string, afterRunId: string): Promise<boolean> {
  return firestore().runTransaction(async (tx) => {
    const snapshot = await tx.get(ref(uid));
    if (snapshot.data()?.afterRunId !== afterRunId) return false;
    tx.delete(ref(uid));
    return true;
  });
}
