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

/** Creates a user (a unique email unless given) and returns a fresh ID token; `admin` sets the claim. */
export async function createUser(
  stack: TestStack,
  options: { email?: string; admin?: boolean } = {},
): Promise<TestUser> {
  counter += 1;
  const email = options.email ?? `user${counter}-${Date.now()}@example.com`;
  const password = PASSWORD;
  const signUp = await identityToolkit(stack, 'signUp', { email, password, returnSecureToken: true });
  if (!options.admin) return { uid: signUp.localId, email, idToken: signUp.idToken };
  await grantAdmin(email);
  // A token minted after the claim was set carries it.
  const signIn = await identityToolkit(stack, 'signInWithPassword', {
    email,
    password,
    returnSecureToken: true,
  });
  return { uid: signIn.localId, email, idToken: signIn.idToken };
}
