import assert from 'node:assert/strict';
import type { DocumentReference, Firestore } from '@google-cloud/firestore';
import { SecretManagerServiceClient } from '@google-cloud/secret-manager';
import { GoogleEmulatorControl } from '../../emulators/google/control-client.js';
import { firestore } from '../../functions/src/adapters/firestore/client.js';
import { googleCloudClientOptions } from '../../functions/src/adapters/googleCloudClientOptions.js';
import type { TestStack } from '../support/stack.js';
import type { TestUser } from '../support/users.js';

/** Shared helpers of the settings / linking / accounts integration suites. */

export const CLIENT_ID = '123456789012-linkingtestapp.apps.googleusercontent.com';
export const CLIENT_SECRET = 'GOCSPX-linking-test-secret-0123456789';
export const OTHER_CLIENT_ID = '210987654321-otherapp.apps.googleusercontent.com';
export const OTHER_CLIENT_SECRET = 'GOCSPX-other-app-secret-9876543210';
export const CONTACTS = 'https://www.googleapis.com/auth/contacts';
export const CALENDAR_EVENTS = 'https://www.googleapis.com/auth/calendar.events';

export interface CallResult {
  status: number;
  json: unknown;
  text: string;
  headers: Headers;
}

/** Every response body the suites saw, so a test can assert that no secret was ever in one. */
export const responseTexts: string[] = [];

export async function call(
  stack: TestStack,
  method: string,
  path: string,
  options: { user?: TestUser; body?: unknown } = {},
): Promise<CallResult> {
  const headers = new Headers();
  if (options.user) headers.set('authorization', `Bearer ${options.user.idToken}`);
  if (options.body !== undefined) headers.set('content-type', 'application/json');
  const response = await fetch(`${stack.baseUrl}${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    redirect: 'manual',
  });
  const text = await response.text();
  responseTexts.push(text, response.headers.get('location') ?? '');
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, json, text, headers: response.headers };
}

export function control(stack: TestStack): GoogleEmulatorControl {
  return new GoogleEmulatorControl(stack.googleApiBaseUrl);
}

/** Registers the OAuth clients in the Google emulator, as the administrator does in the Cloud console. */
export async function registerClients(stack: TestStack): Promise<void> {
  const redirectUris = [`${stack.baseUrl}/oauthCallback`];
  await control(stack).createClient({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUris });
  await control(stack).createClient({
    clientId: OTHER_CLIENT_ID,
    clientSecret: OTHER_CLIENT_SECRET,
    redirectUris,
  });
}

export async function saveSettings(stack: TestStack, admin: TestUser, body: Record<string, unknown>) {
  const result = await call(stack, 'PUT', '/settings/google', { user: admin, body });
  assert.equal(result.status, 200, result.text);
  return result;
}

export interface LinkAttempt {
  authorizationUrl: URL;
  /** Where Google sent the browser (the callback URL with code and state, or error). */
  callbackUrl: URL;
  /** Where the callback sent the browser (APP_URL with the outcome). */
  outcome: URL;
}

/** Asks for the authorization URL as `user`, then plays the browser: Google, then the callback. */
export async function link(stack: TestStack, user: TestUser): Promise<LinkAttempt> {
  const started = await call(stack, 'POST', '/api/me/accounts/google', { user });
  assert.equal(started.status, 200, started.text);
  const authorizationUrl = new URL((started.json as { authorizationUrl: string }).authorizationUrl);
  const callbackUrl = await followGoogle(authorizationUrl);
  return { authorizationUrl, callbackUrl, outcome: await followCallback(callbackUrl) };
}

export async function followGoogle(authorizationUrl: URL): Promise<URL> {
  const google = await fetch(authorizationUrl, { redirect: 'manual' });
  assert.equal(google.status, 302, await google.text());
  return new URL(google.headers.get('location') ?? '');
}

export async function followCallback(callbackUrl: URL): Promise<URL> {
  const response = await fetch(callbackUrl, { redirect: 'manual' });
  const text = await response.text();
  assert.equal(response.status, 302, text);
  const location = response.headers.get('location') ?? '';
  responseTexts.push(text, location);
  return new URL(location);
}

export function assertOutcome(outcome: URL, expected: Record<string, string>): void {
  assert.deepEqual(Object.fromEntries(outcome.searchParams), expected);
}

export interface LinkedAccountJson {
  id: string;
  provider: string;
  email: string;
  scopes: string[];
  missing: string[];
  capabilities: { contacts: boolean; calendar: boolean };
  status: string;
  linkedAt: string;
}

export async function accountsOf(stack: TestStack, user: TestUser): Promise<LinkedAccountJson[]> {
  const result = await call(stack, 'GET', '/api/me/accounts', { user });
  assert.equal(result.status, 200, result.text);
  return (result.json as { items: LinkedAccountJson[] }).items;
}

export interface GrantJson {
  clientId: string;
  email: string;
  scopes: string[];
  revoked: boolean;
}

export async function grants(stack: TestStack): Promise<GrantJson[]> {
  return ((await control(stack).dump()) as { grants: GrantJson[] }).grants;
}

/** Every document in Firestore (all collections, all depths), as JSON text, for leak checks. */
export async function allFirestoreText(db: Firestore = firestore()): Promise<string> {
  const out: string[] = [];
  const walk = async (refs: DocumentReference[]) => {
    for (const ref of refs) {
      const snapshot = await ref.get();
      if (snapshot.exists) out.push(`${ref.path} ${JSON.stringify(snapshot.data())}`);
      for (const sub of await ref.listCollections()) await walk(await sub.listDocuments());
    }
  };
  for (const collection of await db.listCollections()) await walk(await collection.listDocuments());
  return out.join('\n');
}

/**
 * Collects every log line until `restore()` (which puts the previous sink back).
 *
 * The module is loaded with a dynamic import, as the gateway loads the functions: a static import
 * in a test file is compiled to `require` and yields a second instance of the module, and anything
 * with state (the log sink, the linking clock) must be reached through the instance the gateway runs.
 */
export async function captureLogs(): Promise<{ lines: string[]; restore: () => void }> {
  const { setLogSink } = await import('../../functions/src/logging.js');
  const lines: string[] = [];
  const previous = setLogSink((line) => lines.push(line));
  return { lines, restore: () => setLogSink(previous) };
}

/** Disables every enabled version of a secret: "no secret stored" whatever earlier suites did. */
export async function disableAllVersions(stack: TestStack, secretId: string): Promise<void> {
  const client = new SecretManagerServiceClient(
    googleCloudClientOptions(stack.hosts.secretManager) as ConstructorParameters<
      typeof SecretManagerServiceClient
    >[0],
  );
  try {
    const [versions] = await client.listSecretVersions({
      parent: `projects/${stack.projectId}/secrets/${secretId}`,
    });
    for (const version of versions) {
      if (version.state === 'ENABLED' || version.state === 1)
        await client.disableSecretVersion({ name: version.name });
    }
  } catch (error) {
    if (!String((error as Error).message).includes('NOT_FOUND')) throw error;
  } finally {
    await client.close();
  }
}

export async function secretVersions(stack: TestStack, secretId: string) {
  const client = new SecretManagerServiceClient(
    googleCloudClientOptions(stack.hosts.secretManager) as ConstructorParameters<
      typeof SecretManagerServiceClient
    >[0],
  );
  try {
    const [versions] = await client.listSecretVersions({
      parent: `projects/${stack.projectId}/secrets/${secretId}`,
    });
    const [latest] = await client.accessSecretVersion({
      name: `projects/${stack.projectId}/secrets/${secretId}/versions/latest`,
    });
    return {
      states: versions.map((v) => String(v.state)),
      latest: Buffer.from(latest.payload?.data as Uint8Array).toString('utf8'),
    };
  } finally {
    await client.close();
  }
}
