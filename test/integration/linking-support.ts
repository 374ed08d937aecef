import assert from 'node:assert/strict';
import type { DocumentReference, Firestore } from '@google-cloud/firestore';
import { SecretManagerServiceClient } from '@google-cloud/secret-manager';
import { GoogleEmulatorControl } from '../../emulators/google/control-client.js';
import { firestore } from '../../functions/src/adapters/firestore/client.js';
import { googleCloudClientOptions } from '../../functions/src/adapters/googleCloudClientOptions.js';
import { setLogSink } from '../../functions/src/logging.js';
import { type ApiReply, callApi } from '../support/api.js';
import { resetFirestore, type TestStack, testStack } from '../support/stack.js';
import { createUser, type TestUser } from '../support/users.js';

/** Shared helpers of the settings / linking / accounts integration suites. */

export const CLIENT_ID = '123456789012-linkingtestapp.apps.googleusercontent.com';
export const CLIENT_SECRET = 'GOCSPX-linking-test-secret-0123456789';
export const OTHER_CLIENT_ID = '210987654321-otherapp.apps.googleusercontent.com';
export const OTHER_CLIENT_SECRET = 'GOCSPX-other-app-secret-9876543210';
export const CONTACTS = 'https://www.googleapis.com/auth/contacts';
export const CALENDAR_EVENTS = 'https://www.googleapis.com/auth/calendar.events';

export interface CallResult extends ApiReply<unknown> {
  /** The body as JSON text; empty when there is none. */
  text: string;
}

/** Every response body the suites saw, so a test can assert that no secret was ever in one. */
export const responseTexts: string[] = [];

/** `callApi` as `user` (unauthenticated without one); the body is kept in `responseTexts`. */
export async function call(
  method: string,
  path: string,
  { user, body, headers }: { user?: TestUser; body?: unknown; headers?: Record<string, string> } = {},
): Promise<CallResult> {
  const reply = await callApi<unknown>(method, path, { token: user?.idToken, body, headers });
  const text = reply.json === undefined ? '' : JSON.stringify(reply.json);
  responseTexts.push(text);
  return { ...reply, text };
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

export async function saveSettings(admin: TestUser, body: Record<string, unknown>) {
  const result = await call('PUT', '/settings/google', { user: admin, body });
  assert.equal(result.status, 200, result.text);
  return result;
}

export interface SuiteUsers {
  stack: TestStack;
  admin: TestUser;
  user: TestUser;
  other: TestUser;
}

/** For a suite's `before`: the shared stack, an administrator and two plain users. */
export async function suiteUsers(): Promise<SuiteUsers> {
  const stack = await testStack();
  const admin = await createUser(stack, { admin: true });
  const user = await createUser(stack);
  const other = await createUser(stack);
  return { stack, admin, user, other };
}

/**
 * For a linking suite's `beforeEach`: no Firestore data, a fresh Google emulator with both OAuth
 * clients, and the administrator's settings naming CLIENT_ID with no domain restriction.
 */
export async function resetToConfiguredApp(stack: TestStack, admin: TestUser): Promise<void> {
  await resetFirestore(stack);
  await control(stack).reset();
  await registerClients(stack);
  await saveSettings(admin, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, allowedDomains: [] });
}

export interface LinkAttempt {
  authorizationUrl: URL;
  /** Where Google sent the browser (the callback URL with code and state, or error). */
  callbackUrl: URL;
  /** Where the callback sent the browser (APP_URL with the outcome). */
  outcome: URL;
}

/**
 * A browser's cookies for the product's origin, kept from `Set-Cookie` answers and sent back as a
 * browser does: the OAuth flow is bound to the browser that asked for the URL (docs/behaviour.md#oauth-callback).
 */
export class Browser {
  private readonly cookies = new Map<string, string>();

  keep(headers: Headers): void {
    for (const line of headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const separator = pair.indexOf('=');
      const name = pair.slice(0, separator).trim();
      const value = pair.slice(separator + 1).trim();
      if (/;\s*max-age=0\b/i.test(line) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  /** The `Cookie` header to send, as headers (none when the jar is empty). */
  headers(): Record<string, string> {
    if (this.cookies.size === 0) return {};
    return { cookie: [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ') };
  }

  names(): string[] {
    return [...this.cookies.keys()];
  }

  /** The same cookies in a second jar: what a replaying attacker who stole them would hold. */
  clone(): Browser {
    const copy = new Browser();
    for (const [name, value] of this.cookies) copy.cookies.set(name, value);
    return copy;
  }
}

const browsers = new WeakMap<TestUser, Browser>();

/** The browser `user` works in: one per user for the whole run, as a person keeps theirs. */
export function browserOf(user: TestUser): Browser {
  const browser = browsers.get(user) ?? new Browser();
  browsers.set(user, browser);
  return browser;
}

/** `POST /api/me/accounts/google` as `user` in `browser` (which keeps the binding cookie): the URL. */
export async function askToLink(user: TestUser, browser: Browser = browserOf(user)): Promise<URL> {
  // The browser sends what it holds, as a real one would: its binding is kept across attempts.
  const started = await call('POST', '/api/me/accounts/google', { user, headers: browser.headers() });
  assert.equal(started.status, 200, started.text);
  browser.keep(started.headers);
  return new URL((started.json as { authorizationUrl: string }).authorizationUrl);
}

/** Asks for the authorization URL as `user`, then plays the browser: Google, then the callback. */
export async function link(user: TestUser, browser: Browser = browserOf(user)): Promise<LinkAttempt> {
  const authorizationUrl = await askToLink(user, browser);
  const callbackUrl = await followGoogle(authorizationUrl);
  return { authorizationUrl, callbackUrl, outcome: await followCallback(callbackUrl, browser) };
}

export async function followGoogle(authorizationUrl: URL): Promise<URL> {
  const google = await fetch(authorizationUrl, { redirect: 'manual' });
  assert.equal(google.status, 302, await google.text());
  return new URL(google.headers.get('location') ?? '');
}

/** The browser arrives at the callback with what Google put in the URL and the cookies it holds. */
export async function followCallback(callbackUrl: URL, browser: Browser): Promise<URL> {
  const response = await fetch(callbackUrl, { redirect: 'manual', headers: browser.headers() });
  const text = await response.text();
  assert.equal(response.status, 302, text);
  browser.keep(response.headers);
  const location = response.headers.get('location') ?? '';
  responseTexts.push(text, location);
  return new URL(location);
}

/** Makes the next consent a full grant by `email`, a new Google account (of Workspace domain `hd` if given). */
export async function nextConsentBy(stack: TestStack, email: string, hd?: string): Promise<void> {
  await control(stack).createAccount({ email, hd });
  await control(stack).queueConsent({ action: 'grant', email });
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

export async function accountsOf(user: TestUser): Promise<LinkedAccountJson[]> {
  const result = await call('GET', '/api/me/accounts', { user });
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

/** Collects every log line until `restore()` (which puts the previous sink back). */
export function captureLogs(): { lines: string[]; restore: () => void } {
  const lines: string[] = [];
  const previous = setLogSink((line) => lines.push(line));
  return { lines, restore: () => setLogSink(previous) };
}

/** Runs `use` with a Secret Manager client of the test stack (closed afterwards) and the secret's name. */
async function withSecret<T>(
  stack: TestStack,
  secretId: string,
  use: (client: SecretManagerServiceClient, name: string) => Promise<T>,
): Promise<T> {
  const client = new SecretManagerServiceClient(
    googleCloudClientOptions(stack.hosts.secretManager) as ConstructorParameters<
      typeof SecretManagerServiceClient
    >[0],
  );
  try {
    return await use(client, `projects/${stack.projectId}/secrets/${secretId}`);
  } finally {
    await client.close();
  }
}

/** Disables every enabled version of a secret: "no secret stored" whatever earlier suites did. */
export async function disableAllVersions(stack: TestStack, secretId: string): Promise<void> {
  await withSecret(stack, secretId, async (client, name) => {
    try {
      const [versions] = await client.listSecretVersions({ parent: name });
      for (const version of versions) {
        if (version.state === 'ENABLED' || version.state === 1)
          await client.disableSecretVersion({ name: version.name });
      }
    } catch (error) {
      if (!String((error as Error).message).includes('NOT_FOUND')) throw error;
    }
  });
}

export async function secretVersions(stack: TestStack, secretId: string) {
  return withSecret(stack, secretId, async (client, name) => {
    const [versions] = await client.listSecretVersions({ parent: name });
    const [latest] = await client.accessSecretVersion({ name: `${name}/versions/latest` });
    return {
      states: versions.map((v) => String(v.state)),
      latest: Buffer.from(latest.payload?.data as Uint8Array).toString('utf8'),
    };
  });
}

/** Asks for the authorization URL as `user` in their browser and plays Google's consent: the callback URL, not yet followed. */
export async function startLink(user: TestUser): Promise<URL> {
  return followGoogle(await askToLink(user));
}

/** The machine code of an error envelope (`{error: {code}}`), or undefined. */
export function errorCode(result: CallResult): string | undefined {
  return (result.json as { error?: { code?: string } } | undefined)?.error?.code;
}

/** The Google emulator's log of one API method: how many calls, and how many an injected fault answered. */
export async function callsOf(
  stack: TestStack,
  apiMethod: string,
): Promise<{ total: number; faulted: number }> {
  const { entries = [] } = await control(stack).requests({ entries: true });
  const mine = entries.filter((entry) => entry.apiMethod === apiMethod);
  return { total: mine.length, faulted: mine.filter((entry) => entry.faultId !== undefined).length };
}

/** Deletes a secret with all its versions, as an administrator could with gcloud (absent already is fine). */
export async function deleteSecret(stack: TestStack, secretId: string): Promise<void> {
  await withSecret(stack, secretId, async (client, name) => {
    try {
      await client.deleteSecret({ name });
    } catch (error) {
      if (!String((error as Error).message).includes('NOT_FOUND')) throw error;
    }
  });
}
