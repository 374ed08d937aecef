import { getApps, initializeApp } from 'firebase-admin/app';
import { getAuth } from 'firebase-admin/auth';
import { config } from '../../config.js';

/**
 * Verifies Firebase ID tokens (Identity Platform in the cloud, the Auth emulator locally: the Admin
 * SDK switches to the emulator by itself when FIREBASE_AUTH_EMULATOR_HOST is set).
 */

export interface Caller {
  uid: string;
  email?: string;
  /**
   * Whether the identity provider vouches for `email` (the ID token's `email_verified` claim). An
   * address anyone can type at sign-up must not adopt an existing CRM contact as the user's own.
   */
  emailVerified?: boolean;
  admin: boolean;
}

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
