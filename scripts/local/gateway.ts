import {
  createServer,
  type IncomingMessage,
  type RequestListener,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { Duplex } from 'node:stream';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import { consoleSettingsFromEnvironment, serveConsole } from './console.js';

/**
 * The local gateway: serves every HTTP function under `/<functionName>` exactly as Cloud Functions
 * URLs do (the prefix is stripped before the function sees the path), takes the Pub/Sub emulator's
 * push deliveries for `syncUser`, and serves the web console at `/app/` (where `oauthCallback` sends
 * the browser back). Each function runs inside the
 * Functions Framework's own server, so body parsing and CloudEvent conversion are the real ones.
 */

export interface Gateway {
  url: string;
  server: Server;
  close: () => Promise<void>;
}

const EVENT_FUNCTIONS = new Set(['syncUser']);

function listenerOf(functionName: string): RequestListener {
  const [listener] = getTestServer(functionName).listeners('request') as RequestListener[];
  if (!listener) throw new Error(`function ${functionName} has no request listener`);
  return listener;
}

function notFound(res: ServerResponse, path: string): void {
  res.writeHead(404, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ error: { code: 'not_found', message: `No function serves ${path}.` } }));
}

/**
 * What Node's HTTP parser refuses never reaches a function: an unknown method, a malformed request
 * line, the bytes after a body shorter than its Content-Length, headers too large, a request not
 * finished in time. Node would answer those with a bare status line
 * (https://nodejs.org/api/http.html#event-clienterror); the API answers every failure with the
 * JSON envelope (docs/api.md), so the gateway does too. (In the cloud, Google's front end answers
 * such requests before any function runs.)
 */
function answerUnreadableRequest(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const [status, code, message] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? ['413 Payload Too Large', 'payload_too_large', 'The request headers are too large.']
      : ['400 Bad Request', 'invalid_argument', 'The request could not be read as HTTP/1.1.'];
  const body = JSON.stringify({ error: { code, message } });
  socket.end(
    `HTTP/1.1 ${status}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

export async function startGateway(options: {
  host: string;
  port: number;
  functions: readonly string[];
}): Promise<Gateway> {
  await import('../../functions/src/index.js');
  const consoleSettings = consoleSettingsFromEnvironment();
  const listeners = new Map(options.functions.map((name) => [name, listenerOf(name)]));
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://gateway');
    const [, first = '', ...rest] = url.pathname.split('/');
    if (first === 'app') {
      if (url.pathname === '/app') {
        res.writeHead(308, { location: `/app/${url.search}` });
        res.end();
        return;
      }
      serveConsole(rest.join('/'), consoleSettings, res).catch((error: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(`The console could not be served: ${(error as Error).message}\n`);
      });
      return;
    }
    const listener = listeners.get(first);
    if (!listener) return notFound(res, url.pathname);
    // Cloud Functions hands the function the path below its own name; the Pub/Sub push path keeps
    // `/projects/P/topics/T`, from which the framework fills in the CloudEvent source.
    req.url = `/${rest.join('/')}${url.search}`;
    if (EVENT_FUNCTIONS.has(first) && req.method !== 'POST') return notFound(res, url.pathname);
    listener(req, res);
  });
  server.on('clientError', answerUnreadableRequest);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    url: `http://${options.host}:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
