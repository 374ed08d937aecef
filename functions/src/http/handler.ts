import type { Request, Response } from 'express';
import { config } from '../config.js';
import type { Caller } from '../domain/auth/caller.js';
import { AppError, toAppError } from '../errors.js';
import { log, traceFromHeaders, withTrace } from '../logging.js';
import { MAX_BODY_BYTES } from './limits.js';
import { type Access, type HttpResult, type Route, Router } from './router.js';

/**
 * Builds the request handler of one HTTP function: trace context, authentication before routing,
 * body checks, routing, and the uniform error envelope (docs/api.md) for every failure.
 */

export type { Access };

export interface RequestContext {
  req: Request;
  /** The parsed JSON body (undefined when none was sent). */
  body: unknown;
  query: URLSearchParams;
  caller?: Caller;
  /** The version in `If-Match: "<version>"`, when the client sent one. */
  ifMatch?: number;
}

export interface UserContext extends RequestContext {
  caller: Caller;
}

export interface HttpFunctionSpec<Context extends RequestContext> {
  name: string;
  /** What the function is for, as the OpenAPI document introduces it. */
  description: string;
  access: Access;
  routes: Route<Context>[];
}

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

async function authenticate(req: Request, access: Access): Promise<Caller | undefined> {
  if (access === 'public') return undefined;
  const header = req.get('authorization') ?? '';
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match?.[1])
    throw new AppError('unauthenticated', 'Sign in first: send Authorization: Bearer <ID token>.');
  // Loaded on first use: functions that serve only public routes never load firebase-admin.
  const { verifyIdToken } = await import('../adapters/auth/firebaseAuth.js');
  const caller = await verifyIdToken(match[1]);
  if (!caller) throw new AppError('unauthenticated', 'The ID token is invalid or expired; sign in again.');
  if (access === 'admin' && !caller.admin) {
    throw new AppError('permission_denied', 'Only administrators can use this endpoint.');
  }
  return caller;
}

/**
 * The path of the first `__proto__` key at any depth, or undefined. JSON.parse makes it an own key,
 * which a spread or merge would then turn into a prototype change (prototype pollution), and which
 * schema checks silently drop at the top level; the body is refused instead. A loop, not
 * recursion: a deeply nested body must not overflow the stack.
 */
function prototypeKeyPath(body: unknown): string | undefined {
  const pending: { value: unknown; path: string }[] = [{ value: body, path: '' }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    if (typeof next.value !== 'object' || next.value === null) continue;
    for (const [key, value] of Object.entries(next.value)) {
      const path = next.path ? `${next.path}.${key}` : key;
      if (key === '__proto__') return path;
      pending.push({ value, path });
    }
  }
  return undefined;
}

function parsedBody(req: Request, raw: Buffer): unknown {
  if (req.is('application/json')) return req.body;
  // RFC 7396's own media type for a merge patch; the framework leaves it unparsed (a Buffer).
  if (req.method === 'PATCH' && req.is('application/merge-patch+json')) {
    try {
      return JSON.parse(raw.toString('utf8')) as unknown;
    } catch {
      throw new AppError('invalid_argument', 'The request body must be a JSON object or array.');
    }
  }
  throw new AppError(
    'unsupported_media_type',
    'Send the body as JSON (Content-Type: application/json, or application/merge-patch+json for PATCH).',
  );
}

function readBody(req: Request, raw: Buffer | undefined): unknown {
  if (raw && raw.length > MAX_BODY_BYTES) {
    throw new AppError('payload_too_large', `Request bodies are limited to ${MAX_BODY_BYTES} bytes.`);
  }
  if (!BODY_METHODS.has(req.method) || !raw || raw.length === 0) return undefined;
  const body = parsedBody(req, raw);
  const prototypeKey = prototypeKeyPath(body);
  if (prototypeKey !== undefined) {
    throw new AppError('invalid_argument', 'The request body must not contain the key "__proto__".', {
      fields: { [prototypeKey]: 'is not a known field' },
    });
  }
  return body;
}

function readIfMatch(req: Request): number | undefined {
  const header = req.get('if-match');
  if (header === undefined) return undefined;
  const match = /^(?:W\/)?"?(\d+)"?$/.exec(header.trim());
  if (!match) throw new AppError('invalid_argument', 'If-Match must be the record\'s version, e.g. "3".');
  return Number(match[1]);
}

export function sendResult(res: Response, result: HttpResult): void {
  for (const [name, value] of Object.entries(result.headers ?? {})) res.setHeader(name, value);
  if (result.redirect) {
    res.redirect(result.status || 302, result.redirect);
    return;
  }
  if (result.body === undefined) {
    res.status(result.status).end();
    return;
  }
  res.status(result.status).json(result.body);
}

export function sendError(res: Response, error: unknown): void {
  const appError = toAppError(error);
  const fields = { code: appError.code, error: appError.cause ?? appError };
  // `unavailable` is an expected, retryable outage of a dependency (Google, Secret Manager): a warning.
  if (appError.code === 'unavailable') log.warn('request failed', fields);
  else if (appError.status >= 500) log.error('request failed', fields);
  if (res.headersSent) return;
  if (appError.retryAfterSeconds !== undefined)
    res.setHeader('retry-after', String(appError.retryAfterSeconds));
  res.status(appError.status).json(appError.toBody());
}

/** The handler of one HTTP function; `spec` is the route table it serves (the API reference reads it). */
export function createHttpFunction<Context extends RequestContext>(spec: HttpFunctionSpec<Context>) {
  const router = new Router<Context>(spec.name, spec.routes);
  const handler = async (req: Request, res: Response): Promise<void> => {
    const trace = traceFromHeaders(config().projectId, req.headers);
    await withTrace(trace, async () => {
      try {
        // A public route of a signed-in function (the API reference) is the one thing routed first.
        const url = req.originalUrl ?? req.url;
        const access = router.publicMatch(req.method, url) ? 'public' : spec.access;
        const caller = await authenticate(req, access);
        const { route, params } = router.match(req.method, url);
        const body = readBody(req, (req as Request & { rawBody?: Buffer }).rawBody);
        const context = {
          req,
          body,
          query: new URL(url, 'http://local').searchParams,
          caller,
          ifMatch: readIfMatch(req),
        } as Context;
        sendResult(res, await route.handle(context, params));
      } catch (error) {
        sendError(res, error);
      }
    });
  };
  return Object.assign(handler, { spec });
}
