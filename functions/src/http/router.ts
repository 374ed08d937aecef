import { isRecordId } from '../domain/crm/common.js';
import { AppError } from '../errors.js';
import type { RouteDoc } from './routeDoc.js';

/**
 * A route table for one function. Paths are matched with or without the function's own name as
 * prefix (`/api/me` and `/me`), because Firebase Hosting rewrites keep the prefix and Cloud Functions
 * URLs do not (docs/api.md). A path that exists with another method answers 405, an unknown path 404.
 * Every path parameter names a record, so one that cannot be a record id (`a%2Fb`, `__x__`, `..`)
 * is 404 here, before any store sees it. HEAD is served as GET without a body (RFC 9110 §9.3.2).
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Who may call: anyone, a signed-in user, or a user with the `admin` claim. */
export type Access = 'public' | 'user' | 'admin';

export interface Route<Context> {
  method: HttpMethod;
  /** `/contacts/:id/tags/:tagId` style pattern, relative to the function. */
  path: string;
  /** `public` opens one route of a function that otherwise needs a signed-in caller. */
  access?: 'public';
  /** What the OpenAPI document says about the route (docs/api.md#api-reference). */
  doc: RouteDoc;
  handle: (context: Context, params: Record<string, string>) => Promise<HttpResult> | HttpResult;
}

export interface HttpResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** A redirect target (302), used by the OAuth callback. */
  redirect?: string;
}

interface CompiledRoute<Context> extends Route<Context> {
  regex: RegExp;
  names: string[];
}

export class Router<Context> {
  private readonly routes: CompiledRoute<Context>[];

  constructor(
    private readonly functionName: string,
    routes: Route<Context>[],
  ) {
    this.routes = routes.map((route) => {
      const names: string[] = [];
      const source = route.path
        .split('/')
        .map((segment) => {
          if (!segment.startsWith(':')) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
          names.push(segment.slice(1));
          return '([^/]+)';
        })
        .join('/');
      return { ...route, regex: new RegExp(`^${source}/?$`), names };
    });
  }

  /** Strips the optional `/<functionName>` prefix and the query string. */
  relativePath(url: string): string {
    const path = url.split('?')[0] ?? '/';
    const prefix = `/${this.functionName}`;
    if (path === prefix) return '/';
    if (path.startsWith(`${prefix}/`)) return path.slice(prefix.length);
    return path || '/';
  }

  /** The matching route when it is public (no caller needed), so authentication can be skipped. */
  publicMatch(requested: string, url: string): Route<Context> | undefined {
    const method = routedMethod(requested);
    const path = this.relativePath(url);
    return this.routes.find(
      (route) => route.access === 'public' && route.method === method && route.regex.test(path),
    );
  }

  match(requested: string, url: string): { route: Route<Context>; params: Record<string, string> } {
    const method = routedMethod(requested);
    const path = this.relativePath(url);
    let pathExists = false;
    for (const route of this.routes) {
      const found = route.regex.exec(path);
      if (!found) continue;
      pathExists = true;
      if (route.method !== method) continue;
      const params: Record<string, string> = {};
      route.names.forEach((name, index) => {
        params[name] = decodePathSegment(found[index + 1] ?? '');
      });
      const notAnId = Object.values(params).find((value) => !isRecordId(value));
      if (notAnId !== undefined)
        throw new AppError('not_found', `Nothing here has the id "${notAnId.slice(0, 200)}".`);
      return { route, params };
    }
    if (pathExists) throw new AppError('method_not_allowed', `${requested} is not allowed on ${path}.`);
    throw new AppError('not_found', `No route for ${method} ${path}.`);
  }
}

/** HEAD is served as GET (the framework sends no body for it). */
function routedMethod(requested: string): string {
  return requested === 'HEAD' ? 'GET' : requested;
}

function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new AppError(
      'invalid_argument',
      `The URL path segment "${segment}" is not valid percent-encoding.`,
    );
  }
}
