import { getApps, initializeApp } from 'firebase-admin/app';
import { getAuth } from 'firebase-admin/auth';
import { config } from '../../config.js';
import type { Caller } from '../../domain/auth/caller.js';

/**
 * Verifies Firebase ID tokens (Identity Platform in the cloud, the Auth emulator locally: the Admin
 * SDK switches to the emulator by itself when FIREBASE_AUTH_EMULATOR_HOST is set).
 */

function auth() {
  const app = getApps()[0] ?? initializeApp({ projectId: config().projectId });
  return getAuth(app);
}

/** Returns the caller of a valid token, or undefined for any invalid, expired or revoked token. */
export async function verifyIdToken(idToken: string): Promise<Caller | undefined> {
  try {
    const decoded = await auth().verifyIdToken(idToken, true);
    return {
      uid: decoded.uid,
      email: decoded.email?.toLowerCase(),
      emailVerified: decoded.email_verified === true,
      admin: decoded.admin === true,
    };
  } catch {
    return undefined;
  }
}

/** Gives an existing user the `admin` custom claim (the `admin:grant` command). */
export async function grantAdmin(email: string): Promise<string> {
  const user = await auth().getUserByEmail(email);
  await auth().setCustomUserClaims(user.uid, { ...(user.customClaims ?? {}), admin: true });
  return user.uid;
}
