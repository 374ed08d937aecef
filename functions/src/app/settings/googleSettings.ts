import { z } from 'zod';
import { firestore } from '../../adapters/firestore/client.js';
import type { OAuthApp } from '../../adapters/google/oauth.js';
import { SECRET_IDS, type Secrets, secretManagerSecrets } from '../../adapters/secrets/secretManager.js';
import { config, GOOGLE_CLIENT_ID_PATTERN } from '../../config.js';
import { AppError, invalidArgument } from '../../errors.js';
import { log } from '../../logging.js';
import { fieldErrors } from '../../validation.js';

/**
 * The administrator's Google settings (docs/operations.md#administrator-setup): the OAuth Client ID, whether the operator's
 * shared app is used, and the allowed domains live in Firestore (`deployment/googleSettings`); the
 * Client Secret only ever goes to Secret Manager (`oauth-client-secret`), and reading the settings
 * back tells only whether one is set.
 */

export const SETTINGS_DOC = 'deployment/googleSettings';

export interface GoogleSettings {
  clientId: string | null;
  clientSecretSet: boolean;
  useSharedApp: boolean;
  allowedDomains: string[];
}

interface StoredSettings {
  clientId: string | null;
  useSharedApp: boolean;
  allowedDomains: string[];
}

// A DNS name of at least two labels; IDNs in their punycode (xn--) form.
const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9][a-z0-9-]{0,61}[a-z0-9]$/;

/** Body of `PUT /settings/google` (the OpenAPI document shows it too). */
export const GoogleSettingsInputSchema = z.strictObject({
  clientId: z
    .string()
    .trim()
    .regex(GOOGLE_CLIENT_ID_PATTERN, 'must look like 123456789012-abc123.apps.googleusercontent.com')
    .nullable()
    .optional(),
  clientSecret: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(1024, 'is too long')
    .regex(/^[\x21-\x7e]+$/, 'must be the Client Secret as Google shows it (no spaces)')
    .optional(),
  useSharedApp: z.boolean().optional(),
  allowedDomains: z
    .array(z.string().trim().toLowerCase().regex(DOMAIN, 'must be a domain name such as example.com'))
    .max(100, 'lists at most 100 domains')
    .optional(),
});

export type GoogleSettingsInput = z.input<typeof GoogleSettingsInputSchema>;

async function readStored(): Promise<StoredSettings> {
  const snapshot = await firestore().doc(SETTINGS_DOC).get();
  const data = snapshot.data() as Partial<StoredSettings> | undefined;
  return {
    clientId: data?.clientId ?? null,
    useSharedApp: data?.useSharedApp ?? false,
    // ALLOWED_DOMAINS is only the initial value: once saved, the setting wins (docs/operations.md#configuration).
    allowedDomains: data?.allowedDomains ?? config().initialAllowedDomains,
  };
}

/** The product creates the secrets it names when they are missing (docs/operations.md#configuration). */
async function ensureSecrets(secrets: Secrets): Promise<void> {
  await Promise.all([
    secrets.ensureSecret(SECRET_IDS.oauthClientSecret),
    secrets.ensureSecret(SECRET_IDS.sharedOAuthClientSecret),
  ]);
}

export async function getGoogleSettings(secrets: Secrets = secretManagerSecrets): Promise<GoogleSettings> {
  await ensureSecrets(secrets);
  const [stored, secret] = await Promise.all([readStored(), secrets.access(SECRET_IDS.oauthClientSecret)]);
  return { ...stored, clientSecretSet: secret !== undefined };
}

export async function saveGoogleSettings(
  input: unknown,
  updatedBy: string,
  secrets: Secrets = secretManagerSecrets,
): Promise<GoogleSettings> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw invalidArgument('Send the settings as a JSON object.', { body: 'must be a JSON object' });
  }
  const parsed = GoogleSettingsInputSchema.safeParse(input);
  if (!parsed.success) throw invalidArgument('The Google settings are invalid.', fieldErrors(parsed.error));
  const current = await readStored();
  const next: StoredSettings = {
    clientId: parsed.data.clientId === undefined ? current.clientId : parsed.data.clientId,
    useSharedApp: parsed.data.useSharedApp ?? current.useSharedApp,
    allowedDomains: [...new Set(parsed.data.allowedDomains ?? current.allowedDomains)],
  };
  if (next.useSharedApp && !config().sharedOAuthClientId) {
    throw invalidArgument(
      'This deployment has no shared OAuth app: use your own Client ID and Client Secret.',
      {
        useSharedApp:
          'SHARED_OAUTH_CLIENT_ID is not configured in this deployment, so the shared app cannot be used',
      },
    );
  }
  if (!next.useSharedApp && !next.clientId) {
    throw invalidArgument('Enter the OAuth Client ID of your Google Cloud project.', {
      clientId: 'is required unless useSharedApp is true',
    });
  }
  // A Client Secret belongs to one Client ID: a new ID with the old secret could never work.
  if (next.clientId && current.clientId && next.clientId !== current.clientId && !parsed.data.clientSecret) {
    throw invalidArgument('Enter the Client Secret of the new Client ID too.', {
      clientSecret: 'is required when the Client ID changes',
    });
  }
  await ensureSecrets(secrets);
  if (parsed.data.clientSecret) {
    // Secret first: if Firestore then fails, the old Client ID stays with a newer secret, and saving
    // again repairs it; the reverse order could leave a new ID paired with the old secret.
    await secrets.addVersion(SECRET_IDS.oauthClientSecret, Buffer.from(parsed.data.clientSecret, 'utf8'), {
      disableOlder: true,
    });
  }
  await firestore()
    .doc(SETTINGS_DOC)
    .set({ ...next, updatedAt: new Date(), updatedBy });
  const appChanged =
    effectiveClientId(current) !== effectiveClientId(next) ||
    (parsed.data.clientSecret !== undefined && !next.useSharedApp);
  log.info('Google settings saved', {
    updatedBy,
    clientId: next.clientId,
    useSharedApp: next.useSharedApp,
    allowedDomains: next.allowedDomains.length,
    // (named so that the log redaction of `*secret*` keys leaves the boolean readable)
    newClientKeyStored: parsed.data.clientSecret !== undefined,
    appChanged,
  });
  return getGoogleSettings(secrets);
}

function effectiveClientId(settings: StoredSettings): string | undefined {
  return settings.useSharedApp ? config().sharedOAuthClientId : (settings.clientId ?? undefined);
}

export interface ActiveApp {
  /** The client id linked accounts must have been linked with to stay usable. */
  clientId: string | undefined;
  allowedDomains: string[];
}

/** The app that is in force now (no secret read): for account status and domain checks. */
export async function activeApp(): Promise<ActiveApp> {
  const stored = await readStored();
  return { clientId: effectiveClientId(stored), allowedDomains: stored.allowedDomains };
}

/**
 * The OAuth client to use now, with its secret; 409 `google_app_not_configured` when the
 * administrator has not stored both halves yet (or chose the shared app and the operator's secret
 * is missing).
 */
export async function resolveOAuthApp(
  secrets: Secrets = secretManagerSecrets,
): Promise<OAuthApp & ActiveApp> {
  const stored = await readStored();
  const clientId = effectiveClientId(stored);
  const secretId = stored.useSharedApp ? SECRET_IDS.sharedOAuthClientSecret : SECRET_IDS.oauthClientSecret;
  const secret = clientId ? await secrets.access(secretId) : undefined;
  if (!clientId || !secret) {
    throw new AppError(
      'google_app_not_configured',
      stored.useSharedApp
        ? 'The shared Google OAuth app is not fully configured (its secret is missing); ask the operator.'
        : 'Google is not configured yet: an administrator must enter the OAuth Client ID and Client Secret.',
    );
  }
  return { clientId, clientSecret: secret.data.toString('utf8'), allowedDomains: stored.allowedDomains };
}
