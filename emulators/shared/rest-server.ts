/**
 * The HTTP side of the local Google REST emulators (Secret Manager, Cloud Scheduler): listening,
 * routing Google's resource paths to handlers, and answering JSON or AIP-193 error bodies.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { ApiError, RPC_CODES } from './api-error.js';
import { wantsIntEnums } from './json.js';

function sendJson(res: ServerResponse, httpStatus: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(httpStatus, {
    'content-type': 'application/json; charset=UTF-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** AIP-193 error body: `{"error":{"code":<http>,"message":...,"status":"<CANONICAL_NAME>"}}`. */
function sendError(res: ServerResponse, error: unknown): void {
  const apiError =
    error instanceof ApiError ? error : new ApiError('INTERNAL', `Emulator error: ${String(error)}`);
  const { http } = RPC_CODES[apiError.status];
  sendJson(res, http, { error: { code: http, message: apiError.message, status: apiError.status } });
}

/** What a route gets: the emulator's own state (`S`) and the request. */
export type RestCall<S> = S & {
  req: IncomingMessage;
  url: URL;
  /** Decoded path captures, in the order of the route's pattern. */
  params: string[];
  /** Enums as numbers, when the caller asked for it (the official clients do). */
  intEnums: boolean;
};

/** Answers a call with the JSON body of a 200 response (or throws an ApiError). */
export type RestRoute<S> = (call: RestCall<S>) => Promise<unknown>;

/** Path patterns (captures are the path parameters), each with its routes by HTTP method. */
export type RouteTable<S> = ReadonlyArray<{ pattern: RegExp; methods: Record<string, RestRoute<S>> }>;

type Handler = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>;

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Serves `routes` on `host` (default 127.0.0.1) and `port` (0 = any free port). */
export function serveRoutes<S>(
  routes: RouteTable<S>,
  apiName: string,
  state: S,
  options: { host?: string; port: number },
): Promise<RunningServer> {
  return listenHttp(routeTo(routes, apiName, state), options.host ?? '127.0.0.1', options.port);
}

/**
 * A handler that runs the route for the request's path and method and answers 200 with its JSON:
 * UNIMPLEMENTED for a known path with another method, NOT_FOUND naming `apiName` for other paths.
 */
function routeTo<S>(routes: RouteTable<S>, apiName: string, state: S): Handler {
  return async (req, res, url) => {
    for (const { pattern, methods } of routes) {
      const match = pattern.exec(url.pathname);
      if (!match) continue;
      const route = methods[req.method ?? ''];
      if (!route)
        throw new ApiError('UNIMPLEMENTED', `Method ${req.method} is not supported on ${url.pathname}.`);
      const params = match.slice(1).map((p) => decodeURIComponent(p ?? ''));
      sendJson(res, 200, await route({ ...state, req, url, params, intEnums: wantsIntEnums(url) }));
      return;
    }
    throw new ApiError('NOT_FOUND', `No ${apiName} method at ${req.method} ${url.pathname}.`);
  };
}

/** Listens on host:port (port 0 = any free port); `close()` also drops keep-alive connections. */
async function listenHttp(handler: Handler, host: string, port: number): Promise<RunningServer> {
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://emulator.invalid');
    handler(req, res, url).catch((error: unknown) => {
      if (!res.headersSent) sendError(res, error);
      else res.destroy();
    });
  });
  // Node closes an idle keep-alive connection after 5 s; a client that reuses it at that moment
  // gets ECONNRESET ("socket hang up"), which long sync runs met reading the OAuth client secret.
  // Google's front ends keep idle connections far longer: so does the emulator.
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 121_000;
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
