import type { SecretManagerServiceClient } from '@google-cloud/secret-manager';
import { PassThroughClient } from 'google-auth-library';

/** google-gax's ClientOptions, shared by every gax client (Secret Manager, Cloud Scheduler, …). */
export type GaxClientOptions = NonNullable<ConstructorParameters<typeof SecretManagerServiceClient>[0]>;

/**
 * Client options for an official `google-gax` client (Secret Manager now, Cloud Scheduler later).
 * In the cloud the options are empty: the client finds Application Default Credentials and talks
 * gRPC to Google. With an emulator address (`host:port`, e.g. SECRET_MANAGER_EMULATOR_HOST) it
 * talks REST to the project's local emulator instead:
 *
 * - `fallback: true` selects gax's HTTP/1.1 REST transport (JSON transcoding of the protos'
 *   `google.api.http` annotations), which is what our emulators speak; there is no gRPC server.
 * - `PassThroughClient` is google-auth-library's AuthClient "without any Authentication
 *   information", meant for local emulators: no `Authorization` header, no search for credentials,
 *   so nothing tries to reach Google.
 */

export function googleCloudClientOptions(emulatorHostPort: string | undefined): GaxClientOptions {
  if (!emulatorHostPort) return {};
  const { host, port } = splitHostPort(emulatorHostPort);
  return {
    fallback: true,
    protocol: 'http',
    apiEndpoint: host,
    port,
    // google-gax pins its own google-auth-library (10.5) while ours is newer, so TypeScript sees two
    // unrelated AuthClient classes. At run time gax only calls the client's `fetch`, common to both.
    authClient: new PassThroughClient() as unknown as GaxClientOptions['authClient'],
  };
}

function splitHostPort(hostPort: string): { host: string; port: number } {
  // `host:port` or bracketed IPv6 `[::1]:port`; a scheme or a path is a configuration mistake.
  const match = /^(\[[^\]]+\]|[^:/[\]]+):(\d{1,5})$/.exec(hostPort.trim());
  const port = Number(match?.[2]);
  if (!match?.[1] || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`Expected an emulator address "host:port", got "${hostPort}"`);
  }
  return { host: match[1].replace(/^\[(.*)\]$/, '$1'), port };
}

const RPC_STATUS_NAMES = [
  'OK',
  'CANCELLED',
  'UNKNOWN',
  'INVALID_ARGUMENT',
  'DEADLINE_EXCEEDED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION',
  'ABORTED',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
  'UNAUTHENTICATED',
] as const;

/**
 * The canonical status name (`'NOT_FOUND'`, `'ALREADY_EXISTS'`, …) of an error thrown by a gax
 * client, whichever transport threw it. The gRPC transport (production) sets the numeric rpc code;
 * gax's REST transport rejects with a GaxiosError whose `code` is the HTTP status (409 both for
 * ALREADY_EXISTS and ABORTED, 400 both for INVALID_ARGUMENT and FAILED_PRECONDITION) and whose
 * message is the AIP-193 JSON body (googleapis/google-cloud-node-core#173), so the body decides.
 */
export function rpcStatusOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof message === 'string' && message.trimStart().startsWith('{')) {
    try {
      const status = (JSON.parse(message) as { error?: { status?: unknown } }).error?.status;
      if (typeof status === 'string') return status;
    } catch {
      // not a JSON body: fall through to the numeric code
    }
  }
  if (typeof code === 'number' && code >= 0 && code < RPC_STATUS_NAMES.length) return RPC_STATUS_NAMES[code];
  return undefined;
}
