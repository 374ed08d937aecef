import { Timestamp } from '@google-cloud/firestore';
import { firestore } from './client.js';

/**
 * Single-use nonces of OAuth `state` (docs/behaviour.md#linking): created when the authorization URL is made,
 * consumed (deleted) by the first callback that presents them. Abandoned ones are swept by the
 * Firestore TTL policy on `expiresAt` declared in firestore.indexes.json
 * (https://firebase.google.com/docs/firestore/ttl).
 */

export const OAUTH_STATES = 'oauthStates';

export interface StoredNonce {
  uid: string;
  /** The user's sign-in email, for the steps after the callback (which carries no ID token). */
  email?: string;
  /** Whether the sign-in provider vouched for that email (it decides whether it may adopt a contact). */
  emailVerified?: boolean;
  /** Hash of the value the starting browser holds in a cookie (docs/behaviour.md#oauth-callback); never the value. */
  browserHash?: string;
  /** For a mailbox link (docs/behaviour.md#mailbox-linking): the provider and the address the user asked to link. */
  mailbox?: { providerId: string; email: string };
  createdAt: Date;
  expiresAt: Date;
}

export async function saveNonce(nonce: string, value: StoredNonce): Promise<void> {
  await firestore()
    .collection(OAUTH_STATES)
    .doc(nonce)
    .create({
      uid: value.uid,
      ...(value.email ? { email: value.email, emailVerified: value.emailVerified === true } : {}),
      ...(value.browserHash ? { browserHash: value.browserHash } : {}),
      ...(value.mailbox ? { mailbox: value.mailbox } : {}),
      createdAt: Timestamp.fromDate(value.createdAt),
      expiresAt: Timestamp.fromDate(value.expiresAt),
    });
}

/**
 * Deletes the nonce and returns what it held; undefined when it is unknown or already consumed.
 * A transaction makes "read then delete" atomic, so of two concurrent callbacks only one wins.
 */
export async function consumeNonce(nonce: string): Promise<StoredNonce | undefined> {
  if (!/^[\w-]{16,64}$/.test(nonce)) return undefined;
  const ref = firestore().collection(OAUTH_STATES).doc(nonce);
  return firestore().runTransaction(async (tx) => {
    const snapshot = await tx.get(ref);
    if (!snapshot.exists) return undefined;
    tx.delete(ref);
    const data = snapshot.data() as {
      uid: string;
      email?: string;
      emailVerified?: boolean;
      browserHash?: string;
      mailbox?: { providerId: string; email: string };
      createdAt: Timestamp;
      expiresAt: Timestamp;
    };
    return {
      uid: data.uid,
      email: data.email,
      emailVerified: data.emailVerified === true,
      browserHash: data.browserHash,
      ...(data.mailbox ? { mailbox: data.mailbox } : {}),
      createdAt: data.createdAt.toDate(),
      expiresAt: data.expiresAt.toDate(),
    };
  });
}
