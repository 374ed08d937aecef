import type { ApiFamily } from './errors.js';
import type { EmuRequest, EmuResponse } from './http.js';
import type { EmulatorState } from './state/state.js';

export interface ApiContext {
  req: EmuRequest;
  state: EmulatorState;
  /** The account the bearer token belongs to. */
  email: string;
  match: RegExpExecArray;
}

export interface ApiRoute {
  method: string;
  pattern: RegExp;
  apiMethod: string;
  /** Any one of these scopes authorizes the call. */
  scopes: string[];
  handle(ctx: ApiContext): EmuResponse | Promise<EmuResponse>;
}

export interface ApiService {
  family: ApiFamily;
  /** Service name used in error details, e.g. `people.googleapis.com`. */
  service: string;
  prefix: string;
  routes: ApiRoute[];
}

export function findRoute(service: ApiService, method: string, path: string) {
  for (const route of service.routes) {
    if (route.method !== method) continue;
    const match = route.pattern.exec(path);
    if (match) return { route, match };
  }
  return undefined;
}
