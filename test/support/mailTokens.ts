import { randomBytes } from 'node:crypto';
import { GoogleEmulatorControl } from '../../emulators/google/control-client.js';

/**
 * Access tokens of the Google emulator with the mail scope, got through its real OAuth endpoints
 * (authorization code, then the token endpoint), for tests that talk to the local IMAP and SMTP
 * servers directly, as a mail client of that account would.
 */

const MAIL_TEST_CLIENT = {
  clientId: '999999999999-mailtestclient.apps.googleusercontent.com',
  clientSecret: 'mail-test-client-secret',
  redirectUris: ['http://127.0.0.1/mail-test-callback'],
};

export async function mailAccessToken(
  googleApiBaseUrl: string,
  email: string,
  scopes = ['https://mail.google.com/', 'email'],
): Promise<string> {
  const control = new GoogleEmulatorControl(googleApiBaseUrl);
  await control.createClient(MAIL_TEST_CLIENT);
  await control.createAccount({ email });
  await control.queueConsent({ action: 'grant', email });
  const authorize = new URL(`${googleApiBaseUrl}/o/oauth2/v2/auth`);
  authorize.search = new URLSearchParams({
    client_id: MAIL_TEST_CLIENT.clientId,
    redirect_uri: MAIL_TEST_CLIENT.redirectUris[0] ?? '',
    response_type: 'code',
    scope: scopes.join(' '),
    state: randomBytes(8).toString('hex'),
  }).toString();
  const consent = await fetch(authorize, { redirect: 'manual' });
  const code = new URL(consent.headers.get('location') ?? '').searchParams.get('code');
  if (!code) throw new Error(`the emulator gave no code: ${consent.status} ${await consent.text()}`);
  const token = await fetch(`${googleApiBaseUrl}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      client_id: MAIL_TEST_CLIENT.clientId,
      client_secret: MAIL_TEST_CLIENT.clientSecret,
      redirect_uri: MAIL_TEST_CLIENT.redirectUris[0] ?? '',
    }),
  });
  const body = (await token.json()) as { access_token?: string };
  if (!body.access_token) throw new Error(`the emulator gave no access token: ${JSON.stringify(body)}`);
  return body.access_token;
}
