import { calendar_v3 } from '@googleapis/calendar';
import { people_v1 } from '@googleapis/people';
import { OAuth2Client } from 'google-auth-library';
import { after, before } from 'mocha';
import { GoogleEmulatorControl } from '../../../emulators/google/control-client.js';
import { type GoogleEmulator, startGoogleEmulator } from '../../../emulators/google/index.js';

export const CLIENT_ID = 'emulator-test-client.apps.googleusercontent.com';
export const CLIENT_SECRET = 'GOCSPX-emulator-test-secret';
export const REDIRECT_URI = 'http://127.0.0.1:9999/oauthCallback';
export const ALICE = 'alice@acme.test';
export const CONTACTS = 'https://www.googleapis.com/auth/contacts';
export const CALENDAR = 'https://www.googleapis.com/auth/calendar';
export const ALL_SCOPES = ['openid', 'email', 'profile', CONTACTS, CALENDAR];

export interface Env {
  emu: GoogleEmulator;
  control: GoogleEmulatorControl;
  /** The emulator's URL (`emu.url`). */
  base: string;
}

export async function startEnv(): Promise<Env> {
  const emu = await startGoogleEmulator({
    port: 0,
    seed: {
      accounts: [
        { email: ALICE, name: 'Alice Example', givenName: 'Alice', familyName: 'Example', hd: 'acme.test' },
      ],
      clients: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUris: [REDIRECT_URI] }],
    },
  });
  return { emu, control: new GoogleEmulatorControl(emu.url), base: emu.url };
}

/**
 * One emulator for the enclosing suite: started before it, closed after it, and reset by `resetHook`
 * (mocha's `beforeEach` or `afterEach`) around every test. The returned Env is filled in once the
 * suite's `before` hook has run, so read it inside hooks and tests.
 */
export function suiteEnv(resetHook: (hook: () => Promise<void>) => void): Env {
  const env = {} as Env;
  before(async () => {
    Object.assign(env, await startEnv());
  });
  after(() => env.emu.close());
  resetHook(() => env.control.reset());
  return env;
}

export function oauthClient(base: string, overrides: { clientSecret?: string; redirectUri?: string } = {}) {
  return new OAuth2Client({
    clientId: CLIENT_ID,
    clientSecret: overrides.clientSecret ?? CLIENT_SECRET,
    redirectUri: overrides.redirectUri ?? REDIRECT_URI,
    endpoints: {
      oauth2AuthBaseUrl: `${base}/o/oauth2/v2/auth`,
      oauth2TokenUrl: `${base}/token`,
      oauth2RevokeUrl: `${base}/revoke`,
      oauth2FederatedSignonJwkCertsUrl: `${base}/oauth2/v3/certs`,
      oauth2FederatedSignonPemCertsUrl: `${base}/oauth2/v1/certs`,
      tokenInfoUrl: `${base}/tokeninfo`,
    },
  });
}

/** Opens the authorization URL like a browser would, without following the redirect. */
export async function openAuthUrl(
  url: string,
): Promise<{ status: number; location: URL | undefined; body: string }> {
  const res = await fetch(url, { redirect: 'manual' });
  const location = res.headers.get('location');
  return { status: res.status, location: location ? new URL(location) : undefined, body: await res.text() };
}

export async function authorize(client: OAuth2Client, scopes = ALL_SCOPES, loginHint = ALICE) {
  const { codeVerifier, codeChallenge } = await client.generateCodeVerifierAsync();
  const url = client.generateAuthUrl({
    access_type: 'offline',
    prompt: 'consent',
    scope: scopes,
    state: 'state-123',
    login_hint: loginHint,
    code_challenge: codeChallenge,
    code_challenge_method: 'S256' as never,
  });
  const res = await openAuthUrl(url);
  return { ...res, codeVerifier, code: res.location?.searchParams.get('code') ?? undefined };
}

/** Runs the whole code flow and returns an OAuth2Client holding the tokens. */
export async function linkedClient(base: string, scopes = ALL_SCOPES, loginHint = ALICE) {
  const client = oauthClient(base);
  const { code, codeVerifier } = await authorize(client, scopes, loginHint);
  const { tokens } = await client.getToken({ code: code ?? '', codeVerifier });
  client.setCredentials(tokens);
  return { client, tokens };
}

/** An OAuth2Client holding only an access token (no automatic refresh-and-retry). */
export function accessOnly(base: string, accessToken: string) {
  const client = oauthClient(base);
  client.setCredentials({ access_token: accessToken });
  return client;
}

export const peopleApi = (base: string, auth: OAuth2Client, retry = true) =>
  new people_v1.People({ rootUrl: `${base}/`, auth: auth as never, retry });

export const calendarApi = (base: string, auth: OAuth2Client) =>
  new calendar_v3.Calendar({ rootUrl: `${base}/`, auth: auth as never });

/** The HTTP status and body of a failed gaxios call. */
// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON error bodies
type Json = any;

export async function failure(
  p: Promise<unknown>,
): Promise<{ status: number; data: Json; headers: Headers }> {
  try {
    await p;
  } catch (e) {
    const res = (e as { response?: { status: number; data: unknown; headers: Headers } }).response;
    if (!res) throw e;
    return { status: res.status, data: res.data, headers: res.headers };
  }
  throw new Error('expected the call to fail');
}
