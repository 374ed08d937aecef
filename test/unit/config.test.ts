import assert from 'node:assert/strict';
import { ConfigError, parseConfig } from '../../functions/src/config.js';

const minimal = { GOOGLE_CLOUD_PROJECT: 'demo-project', PUBLIC_BASE_URL: 'https://example.com/fns/' };

describe('configuration (docs/operations.md#configuration)', () => {
  it('when only the required variables are set, then the documented defaults apply', () => {
    const config = parseConfig(minimal);
    assert.equal(config.region, 'us-central1');
    assert.equal(config.publicBaseUrl, 'https://example.com/fns');
    assert.equal(config.appUrl, 'https://example.com/fns/app/');
    assert.equal(config.oauthRedirectUri, 'https://example.com/fns/oauthCallback');
    assert.equal(config.contactGroupName, 'Creatio');
    assert.deepEqual(config.initialAllowedDomains, []);
    assert.equal(config.googleApiBaseUrl, undefined);
  });

  it('when a required variable is missing, then the error names it', () => {
    assert.throws(
      () => parseConfig({ PUBLIC_BASE_URL: 'https://example.com' }),
      (error: unknown) =>
        error instanceof ConfigError && /GOOGLE_CLOUD_PROJECT is required but not set/.test(error.message),
    );
  });

  it('when a variable is empty, then it counts as not set', () => {
    assert.throws(() => parseConfig({ ...minimal, PUBLIC_BASE_URL: '' }), /PUBLIC_BASE_URL is required/);
  });

  for (const [name, value] of [
    ['GOOGLE_API_BASE_URL', 'http://127.0.0.1:9000/with/path'],
    ['FIRESTORE_EMULATOR_HOST', 'localhost'],
    ['SHARED_OAUTH_CLIENT_ID', 'not-a-client-id'],
    ['REGION', 'Mars'],
    ['PUBLIC_BASE_URL', 'not a url'],
  ] as const) {
    it(`when ${name} is malformed, then the error names ${name}`, () => {
      assert.throws(
        () => parseConfig({ ...minimal, [name]: value }),
        (error: unknown) => error instanceof ConfigError && error.message.includes(name),
      );
    });
  }

  it('when optional variables are set, then they are used as given', () => {
    const config = parseConfig({
      ...minimal,
      APP_URL: 'https://app.example.com/done',
      GOOGLE_API_BASE_URL: 'http://127.0.0.1:9000/',
      CONTACT_GROUP_NAME: 'Sales CRM',
      SHARED_OAUTH_CLIENT_ID: '1234-abc.apps.googleusercontent.com',
      ALLOWED_DOMAINS: ' Example.com, ,sub.example.org ',
      SECRET_MANAGER_EMULATOR_HOST: '127.0.0.1:8090',
    });
    assert.equal(config.appUrl, 'https://app.example.com/done');
    assert.equal(config.googleApiBaseUrl, 'http://127.0.0.1:9000');
    assert.equal(config.contactGroupName, 'Sales CRM');
    assert.equal(config.sharedOAuthClientId, '1234-abc.apps.googleusercontent.com');
    assert.deepEqual(config.initialAllowedDomains, ['example.com', 'sub.example.org']);
    assert.equal(config.emulators.secretManager, '127.0.0.1:8090');
  });
});
