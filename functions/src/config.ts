import { z } from 'zod';

/**
 * The only reader of process.env (docs/operations.md#configuration). Every variable is validated once, and a missing or
 * malformed one fails with a message naming it, so a misconfigured deployment says why at once.
 */

const hostPort = z
  .string()
  .regex(/^[A-Za-z0-9.\-[\]:]+:\d{1,5}$/, 'must be host:port (for example 127.0.0.1:8080)');

const origin = z
  .string()
  .url()
  .refine((value) => {
    const url = new URL(value);
    return (url.pathname === '/' || url.pathname === '') && !url.search && !url.hash;
  }, 'must be an origin such as http://127.0.0.1:8092, without a path');

const port = z.coerce.number().int().min(1).max(65535);

const CLIENT_ID = /^\d+-[a-z0-9]+\.apps\.googleusercontent\.com$/;

const EnvSchema = z.object({
  GOOGLE_CLOUD_PROJECT: z
    .string()
    .regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, 'must be a Google Cloud project id'),
  REGION: z
    .string()
    .regex(/^[a-z]+-[a-z]+\d+$/, 'must be a region such as us-central1')
    .default('us-central1'),
  PUBLIC_BASE_URL: z.string().url(),
  APP_URL: z.string().url().optional(),
  GOOGLE_API_BASE_URL: origin.optional(),
  FIRESTORE_EMULATOR_HOST: hostPort.optional(),
  PUBSUB_EMULATOR_HOST: hostPort.optional(),
  FIREBASE_AUTH_EMULATOR_HOST: hostPort.optional(),
  SECRET_MANAGER_EMULATOR_HOST: hostPort.optional(),
  CLOUD_SCHEDULER_EMULATOR_HOST: hostPort.optional(),
  CONTACT_GROUP_NAME: z.string().min(1).max(100).default('Creatio'),
  SHARED_OAUTH_CLIENT_ID: z
    .string()
    .regex(CLIENT_ID, 'must look like <digits>-<id>.apps.googleusercontent.com')
    .optional(),
  ALLOWED_DOMAINS: z.string().optional(),
  LOCAL_IMAP_PORT: port.optional(),
  LOCAL_SMTP_PORT: port.optional(),
});

export interface Config {
  projectId: string;
  region: string;
  publicBaseUrl: string;
  appUrl: string;
  oauthRedirectUri: string;
  /** Origin that replaces every Google host (tests, local stack); undefined in the cloud. */
  googleApiBaseUrl?: string;
  emulators: {
    firestore?: string;
    pubsub?: string;
    auth?: string;
    secretManager?: string;
    scheduler?: string;
  };
  contactGroupName: string;
  sharedOAuthClientId?: string;
  initialAllowedDomains: string[];
  /**
   * The local stack's IMAP and SMTP servers (docs/operations.md#local-stack): when both are set, the Gmail provider's
   * preset points at them on 127.0.0.1 instead of Google's hosts. Never set in the cloud.
   */
  localMail?: { imapPort: number; smtpPort: number };
}

export const GOOGLE_CLIENT_ID_PATTERN = CLIENT_ID;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses an environment (process.env by default); throws ConfigError naming each bad variable. */
export function parseConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const blanksRemoved = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const result = EnvSchema.safeParse(blanksRemoved);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const name = issue.path.join('.');
      return issue.code === 'invalid_type' && blanksRemoved[name] === undefined
        ? `${name} is required but not set`
        : `${name} ${issue.message}`;
    });
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  }
  const e = result.data;
  const publicBaseUrl = e.PUBLIC_BASE_URL.replace(/\/+$/, '');
  return {
    projectId: e.GOOGLE_CLOUD_PROJECT,
    region: e.REGION,
    publicBaseUrl,
    appUrl: e.APP_URL ?? `${publicBaseUrl}/app/`,
    oauthRedirectUri: `${publicBaseUrl}/oauthCallback`,
    googleApiBaseUrl: e.GOOGLE_API_BASE_URL?.replace(/\/+$/, ''),
    emulators: {
      firestore: e.FIRESTORE_EMULATOR_HOST,
      pubsub: e.PUBSUB_EMULATOR_HOST,
      auth: e.FIREBASE_AUTH_EMULATOR_HOST,
      secretManager: e.SECRET_MANAGER_EMULATOR_HOST,
      scheduler: e.CLOUD_SCHEDULER_EMULATOR_HOST,
    },
    contactGroupName: e.CONTACT_GROUP_NAME,
    sharedOAuthClientId: e.SHARED_OAUTH_CLIENT_ID,
    initialAllowedDomains: (e.ALLOWED_DOMAINS ?? '')
      .split(',')
      .map((domain) => domain.trim().toLowerCase())
      .filter(Boolean),
    localMail:
      e.LOCAL_IMAP_PORT && e.LOCAL_SMTP_PORT
        ? { imapPort: e.LOCAL_IMAP_PORT, smtpPort: e.LOCAL_SMTP_PORT }
        : undefined,
  };
}

let cached: Config | undefined;

/** The deployment's configuration, read once per process. */
export function config(): Config {
  cached ??= parseConfig();
  return cached;
}
