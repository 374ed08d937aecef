import { getApps, initializeApp } from 'firebase-admin/app';
import { getAuth } from 'firebase-admin/auth';
import { grantAdmin } from '../../functions/src/adapters/auth/firebaseAuth.js';
import type { TestStack } from './stack.js';

/** Signed-in users of the Auth emulator, with real ID tokens (sign-up and sign-in REST calls). */

export interface TestUser {
  uid: string;
  email: string;
  idToken: string;
}

async function identityToolkit(stack: TestStack, method: string, body: object) {
  const url = `http://${stack.hosts.auth}/identitytoolkit.googleapis.com/v1/accounts:${method}?key=fake-api-key`;
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as { localId: string; idToken: string; error?: { message: string } };
  if (!response.ok) throw new Error(`Auth emulator ${method} failed: ${json.error?.message}`);
  return json;
}

/** Every test user's password, so that a browser test can sign in as them. */
export const PASSWORD = 'correct horse battery staple';

let counter = 0;

/**
 * Creates a user (a unique email unless given) and returns a fresh ID token; `admin` sets the claim.
 * The email is verified (as an identity provider or a clicked verification link would make it)
 * unless `emailVerified: false`: only a verified email adopts an existing CRM contact.
 */
export async function createUser(
  stack: TestStack,
  options: { email?: string; admin?: boolean; emailVerified?: boolean } = {},
): Promise<TestUser> {
  counter += 1;
  const email = options.email ?? `user${counter}-${Date.now()}@example.com`;
  const password = PASSWORD;
  const signUp = await identityToolkit(stack, 'signUp', { email, password, returnSecureToken: true });
  const verified = options.emailVerified ?? true;
  if (!options.admin && !verified) return { uid: signUp.localId, email, idToken: signUp.idToken };
  if (verified) {
    const app = getApps()[0] ?? initializeApp({ projectId: stack.projectId });
    await getAuth(app).updateUser(signUp.localId, { emailVerified: true });
  }
  if (options.admin) await grantAdmin(email);
  // A token minted after the claim (and the verification) was set carries it.
  const signIn = await identityToolkit(stack, 'signInWithPassword', {
    email,
    password,
    returnSecureToken: true,
  });
  return { uid: signIn.localId, email, idToken: signIn.idToken };
}
