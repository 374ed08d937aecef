import type { SecretManagerServiceClient } from '@google-cloud/secret-manager';
import { PassThroughClient } from 'google-auth-library';

/** google-gax's ClientOptions, shared by every gax client (Secret Manager, Cloud Scheduler, …). */
export type GaxClientOptions = NonNullable<ConstructorParameters<typeof SecretManagerServiceClient>[0]>;

/**
 * Options that point an official `google-gax` client (Secret Manager, Cloud Scheduler) at one of
 * the project's local REST emulators, given as `host:port` (e.g. `SECRET_MANAGER_EMULATOR_HOST`).
 *
 * - `fallback: true` selects gax's HTTP/1.1 REST transport (JSON transcoding per the protos'
 *   `google.api.http` annotations), which is what the emulators speak; there is no gRPC server.
 * - `PassThroughClient` is google-auth-library's documented "AuthClient without any
 *   Authentication information" meant for local emulators: it adds no `Authorization` header and
 *   never looks for Application Default Credentials, so nothing tries to reach Google.
 */
export function emulatorClientOptions(hostPort: string): GaxClientOptions {
  const { host, port } = splitHostPort(hostPort);
  return {
    fallback: true,
    protocol: 'http',
    apiEndpoint: host,
    port,
    // google-gax 5.0.8 pins its own google-auth-library (10.5.0) while ours is 10.9.1, so TypeScript
    // sees two unrelated AuthClient classes. At run time gax only calls the client's `fetch`
    // (AuthClient API common to both), so the cast is sound.
    authClient: new PassThroughClient() as unknown as GaxClientOptions['authClient'],
  };
}

function splitHostPort(hostPort: string): { host: string; port: number } {
  // Accept `host:port` and bracketed IPv6 `[::1]:port`; a scheme or path is a configuration mistake.
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
 * The canonical status name (`'NOT_FOUND'`, `'FAILED_PRECONDITION'`, …) of an error thrown by a
 * google-gax client, whichever transport threw it.
 *
 * Why not just `error.code`: with gax 5.0.x the REST transport (the one the emulators are reached
 * through) rejects with a GaxiosError whose `code` is the HTTP status (409 for both ALREADY_EXISTS
 * and ABORTED, 400 for both INVALID_ARGUMENT and FAILED_PRECONDITION) and whose message is the
 * AIP-193 JSON body; see googleapis/google-cloud-node-core#173 and the fix in
 * googleapis/google-cloud-node#9346. The gRPC transport (production) gives the numeric rpc code.
 */
export function rpcStatusOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, message } = error as { code?: unknown; message?: unknown };
  const fromBody = typeof message === 'string' ? statusInAip193Body(message) : undefined;
  if (fromBody) return fromBody;
  if (typeof code === 'number' && code >= 0 && code < RPC_STATUS_NAMES.length) return RPC_STATUS_NAMES[code];
  return undefined;
}

function statusInAip193Body(text: string): string | undefined {
  if (!text.trimStart().startsWith('{')) return undefined;
  try {
    const status = (JSON.parse(text) as { error?: { status?: unknown } }).error?.status;
    return typeof status === 'string' ? status : undefined;
  } catch {
    return undefined;
  }
}
