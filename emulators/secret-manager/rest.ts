/**
 * The small HTTP/JSON toolkit both local Google REST emulators share (Secret Manager and Cloud
 * Scheduler): canonical error codes, AIP-193 error bodies, JSON bodies, page tokens and listening.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/**
 * google.rpc.Code numbers and their HTTP status, as mapped in
 * https://cloud.google.com/apis/design/errors#handling_errors (see GOOGLE-API-FACTS §5).
 */
export const RPC_CODES = {
  OK: { code: 0, http: 200 },
  CANCELLED: { code: 1, http: 499 },
  UNKNOWN: { code: 2, http: 500 },
  INVALID_ARGUMENT: { code: 3, http: 400 },
  DEADLINE_EXCEEDED: { code: 4, http: 504 },
  NOT_FOUND: { code: 5, http: 404 },
  ALREADY_EXISTS: { code: 6, http: 409 },
  PERMISSION_DENIED: { code: 7, http: 403 },
  RESOURCE_EXHAUSTED: { code: 8, http: 429 },
  FAILED_PRECONDITION: { code: 9, http: 400 },
  ABORTED: { code: 10, http: 409 },
  OUT_OF_RANGE: { code: 11, http: 400 },
  UNIMPLEMENTED: { code: 12, http: 501 },
  INTERNAL: { code: 13, http: 500 },
  UNAVAILABLE: { code: 14, http: 503 },
  DATA_LOSS: { code: 15, http: 500 },
  UNAUTHENTICATED: { code: 16, http: 401 },
} as const;

export type RpcStatusName = keyof typeof RPC_CODES;

/** An error the emulator answers with, in Google's shape. */
export class ApiError extends Error {
  constructor(
    readonly status: RpcStatusName,
    message: string,
  ) {
    super(message);
  }
}

export function sendJson(res: ServerResponse, httpStatus: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(httpStatus, {
    'content-type': 'application/json; charset=UTF-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** AIP-193 error body: `{"error":{"code":<http>,"message":...,"status":"<CANONICAL_NAME>"}}`. */
export function sendError(res: ServerResponse, error: unknown): void {
  const apiError =
    error instanceof ApiError ? error : new ApiError('INTERNAL', `Emulator error: ${String(error)}`);
  const { http } = RPC_CODES[apiError.status];
  sendJson(res, http, { error: { code: http, message: apiError.message, status: apiError.status } });
}

export type JsonObject = Record<string, unknown>;

/** Reads a JSON object body; an empty body is `{}` (gax sends `{}` or nothing for body-less calls). */
export async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<JsonObject> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw new ApiError('INVALID_ARGUMENT', `Request body exceeds ${maxBytes} bytes.`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ApiError('INVALID_ARGUMENT', 'Invalid JSON payload received.');
  }
  if (!isObject(parsed)) throw new ApiError('INVALID_ARGUMENT', 'Request body must be a JSON object.');
  return parsed;
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The official Node clients ask for enums as numbers (`$alt=json;enum-encoding=int`, see
 * google-gax fallbackRest.encodeRequest); plain REST callers get the names, as Google does.
 */
export function wantsIntEnums(url: URL): boolean {
  return (url.searchParams.get('$alt') ?? '').includes('enum-encoding=int');
}

/** Accepts an enum as its name or its number (numeric-enum clients send numbers). */
export function parseEnum<T extends string>(value: unknown, names: readonly T[], field: string): T {
  const name = typeof value === 'number' ? names[value] : names.find((n) => n === value);
  if (name === undefined)
    throw new ApiError('INVALID_ARGUMENT', `Invalid value for ${field}: ${String(value)}`);
  return name;
}

export function formatEnum<T extends string>(value: T, names: readonly T[], asInt: boolean): T | number {
  return asInt ? names.indexOf(value) : value;
}

/** Opaque page tokens: the offset into the (stable-ordered) collection. */
export function pageOf<T>(
  items: readonly T[],
  pageSize: number,
  pageToken: string,
): { page: T[]; nextPageToken: string } {
  let offset = 0;
  if (pageToken !== '') {
    offset = Number(
      Buffer.from(pageToken, 'base64url')
        .toString('utf8')
        .replace(/^offset:/, ''),
    );
    if (!Number.isInteger(offset) || offset < 0)
      throw new ApiError('INVALID_ARGUMENT', 'Invalid page token.');
  }
  const end = offset + pageSize;
  const nextPageToken = end < items.length ? Buffer.from(`offset:${end}`).toString('base64url') : '';
  return { page: items.slice(offset, end), nextPageToken };
}

/** `pageSize` query value: 0/absent means "server decides" (= max), larger values are capped. */
export function pageSizeParam(url: URL, max: number): number {
  const raw = url.searchParams.get('pageSize');
  const size = raw === null ? 0 : Number(raw);
  if (!Number.isInteger(size) || size < 0) throw new ApiError('INVALID_ARGUMENT', 'pageSize must be >= 0.');
  return size === 0 ? max : Math.min(size, max);
}

export type Handler = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>;

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Listens on host:port (port 0 = any free port); `close()` also drops keep-alive connections. */
export async function listenHttp(handler: Handler, host: string, port: number): Promise<RunningServer> {
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://emulator.invalid');
    handler(req, res, url).catch((error: unknown) => {
      if (!res.headersSent) sendError(res, error);
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  const boundPort = typeof address === 'object' && address !== null ? address.port : port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${boundPort}`,
    port: boundPort,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // The gax REST transport keeps connections alive; without this close() would wait for them.
        server.closeAllConnections();
      }),
  };
}
