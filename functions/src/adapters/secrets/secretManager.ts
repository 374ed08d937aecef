import { SecretManagerServiceClient } from '@google-cloud/secret-manager';
import { config } from '../../config.js';
import { googleCloudClientOptions, rpcStatusOf } from '../googleCloudClientOptions.js';

/**
 * Secret Manager, by the secret names of docs/operations.md#configuration. The product creates a secret that is missing
 * (empty, without versions). Payloads never leave this module except as return values: nothing here
 * logs, and errors are rethrown without the payload.
 *
 * API reference: https://cloud.google.com/secret-manager/docs/reference/rest/v1/projects.secrets
 */

export const SECRET_IDS = {
  oauthClientSecret: 'oauth-client-secret',
  sharedOAuthClientSecret: 'shared-oauth-client-secret',
  gmailOAuthClientSecret: 'gmail-oauth-client-secret',
  tokenEncryptionKey: 'token-encryption-key',
} as const;

export type SecretId = (typeof SECRET_IDS)[keyof typeof SECRET_IDS];

export interface SecretValue {
  /** The version number (`"3"`), never `latest`: callers store it to find the exact version again. */
  version: string;
  data: Buffer;
}

export interface Secrets {
  /** Creates the secret when it does not exist yet; an existing one is left alone. */
  ensureSecret(id: SecretId): Promise<void>;
  /** Adds a version (creating the secret if needed); with `disableOlder`, every older enabled one is disabled. */
  addVersion(id: SecretId, data: Buffer, options?: { disableOlder?: boolean }): Promise<string>;
  /** A version's payload (`latest` by default), or undefined when the secret, the version or its payload is unusable. */
  access(id: SecretId, version?: string): Promise<SecretValue | undefined>;
}

let client: SecretManagerServiceClient | undefined;

function secretManager(): SecretManagerServiceClient {
  client ??= new SecretManagerServiceClient(googleCloudClientOptions(config().emulators.secretManager));
  return client;
}

const secretName = (id: SecretId) => `projects/${config().projectId}/secrets/${id}`;
const versionOf = (name: string | null | undefined) => name?.split('/').at(-1) ?? '';

/** ENABLED, whichever way the transport decoded the enum (name over REST, number over gRPC). */
const isEnabled = (state: unknown) => state === 'ENABLED' || state === 1;

/** Secrets this process saw exist (the product never deletes one), so GET /settings costs no create calls. */
const existing = new Set<SecretId>();

async function ensureSecret(id: SecretId): Promise<void> {
  if (existing.has(id)) return;
  try {
    await secretManager().createSecret({
      parent: `projects/${config().projectId}`,
      secretId: id,
      secret: { replication: { automatic: {} }, labels: { app: 'crm-google-sync' } },
    });
  } catch (error) {
    // Someone else (another instance, or the administrator with gcloud) created it first: fine.
    // PERMISSION_DENIED: the deployment grants the runtime roles on its own secrets only, and
    // creates them itself (infra/deployment.ts SECRET_ROLES); reading them tells what is stored.
    const status = rpcStatusOf(error);
    if (status !== 'ALREADY_EXISTS' && status !== 'PERMISSION_DENIED') throw error;
  }
  existing.add(id);
}

async function addVersion(
  id: SecretId,
  data: Buffer,
  options: { disableOlder?: boolean } = {},
): Promise<string> {
  const add = () => secretManager().addSecretVersion({ parent: secretName(id), payload: { data } });
  let added: Awaited<ReturnType<typeof add>>[0];
  try {
    [added] = await add();
  } catch (error) {
    if (rpcStatusOf(error) !== 'NOT_FOUND') throw error;
    existing.delete(id); // deleted by hand since we last looked
    await ensureSecret(id);
    [added] = await add();
  }
  if (options.disableOlder) await disableOlderThan(id, added.name ?? '');
  return versionOf(added.name);
}

/**
 * Disables every enabled version older than `newest`, so an old client secret cannot be read back
 * by accident (disabled, not destroyed: an administrator can still re-enable one). Only older ones:
 * of two concurrent saves, the later version must stay enabled whatever order they finish in.
 */
async function disableOlderThan(id: SecretId, newest: string): Promise<void> {
  const newestNumber = Number(versionOf(newest));
  const [versions] = await secretManager().listSecretVersions({ parent: secretName(id) });
  for (const version of versions) {
    if (!version.name || Number(versionOf(version.name)) >= newestNumber || !isEnabled(version.state))
      continue;
    try {
      await secretManager().disableSecretVersion({ name: version.name });
    } catch (error) {
      // A concurrent save may have disabled or destroyed it already.
      if (rpcStatusOf(error) !== 'FAILED_PRECONDITION') throw error;
    }
  }
}

async function access(id: SecretId, version = 'latest'): Promise<SecretValue | undefined> {
  try {
    const [response] = await secretManager().accessSecretVersion({
      name: `${secretName(id)}/versions/${version}`,
    });
    const data = response.payload?.data;
    if (!data || data.length === 0) return undefined;
    return { version: versionOf(response.name), data: Buffer.from(data as Uint8Array) };
  } catch (error) {
    // NOT_FOUND: no such secret or version yet. FAILED_PRECONDITION: `latest` is disabled or
    // destroyed (`latest` is the newest version whatever its state, docs/google-apis.md#secret-manager-and-cloud-scheduler).
    const status = rpcStatusOf(error);
    if (status === 'NOT_FOUND' || status === 'FAILED_PRECONDITION') return undefined;
    throw error;
  }
}

export const secretManagerSecrets: Secrets = { ensureSecret, addVersion, access };
