import { createServer, type Server } from 'node:http';
import { type ApiService, findRoute } from './api.js';
import { handleControl } from './control/routes.js';
import { ApiError, type ApiFamily, googleError, legacyError } from './errors.js';
import { faultError } from './faults.js';
import { type EmuRequest, type EmuResponse, readRequest, writeResponse } from './http.js';
import { authorize } from './oauth/authorize.js';
import { authorizeCall } from './oauth/bearer.js';
import { jwkCerts, openidConfiguration, pemCerts, revoke, tokeninfo, userinfo } from './oauth/info.js';
import { SCOPES } from './oauth/scopes.js';
import { token } from './oauth/token.js';
import { groupRoutes } from './people/groups.js';
import { peopleRoutes } from './people/routes.js';
import { pushRoutes } from './push/routes.js';
import type { EmulatorState } from './state/state.js';

const peopleService: ApiService = {
  family: 'people',
  service: 'people.googleapis.com',
  prefix: '/v1/',
  routes: [...peopleRoutes, ...groupRoutes],
};

/** `events.watch` and `channels.stop` (push/), matched on the whole path before the Calendar module. */
const pushService: ApiService = {
  family: 'calendar',
  service: 'calendar-json.googleapis.com',
  prefix: '/calendar/v3/',
  routes: pushRoutes,
};

type OAuthHandler = (req: EmuRequest, state: EmulatorState, base: string) => EmuResponse;
const OAUTH: Record<string, { apiMethod: string; handle: OAuthHandler }> = {
  '/o/oauth2/v2/auth': { apiMethod: 'oauth2.authorize', handle: authorize },
  '/o/oauth2/auth': { apiMethod: 'oauth2.authorize', handle: authorize },
  '/token': { apiMethod: 'oauth2.token', handle: token },
  '/oauth2/v4/token': { apiMethod: 'oauth2.token', handle: token },
  '/o/oauth2/token': { apiMethod: 'oauth2.token', handle: token },
  '/revoke': { apiMethod: 'oauth2.revoke', handle: revoke },
  '/o/oauth2/revoke': { apiMethod: 'oauth2.revoke', handle: revoke },
  '/tokeninfo': { apiMethod: 'oauth2.tokeninfo', handle: tokeninfo },
  '/oauth2/v3/tokeninfo': { apiMethod: 'oauth2.tokeninfo', handle: tokeninfo },
  '/v1/userinfo': { apiMethod: 'oauth2.userinfo', handle: userinfo },
  '/oauth2/v3/userinfo': { apiMethod: 'oauth2.userinfo', handle: userinfo },
  '/oauth2/v3/certs': { apiMethod: 'oauth2.certs', handle: (_r, s) => jwkCerts(s) },
  '/oauth2/v1/certs': { apiMethod: 'oauth2.certs', handle: (_r, s) => pemCerts(s) },
  '/.well-known/openid-configuration': {
    apiMethod: 'oauth2.openidConfiguration',
    handle: (_r, _s, base) => openidConfiguration(base),
  },
};

const CALENDAR_SCOPES_WRITE = [SCOPES.calendar, SCOPES.calendarEvents];
const CALENDAR_SCOPES_READ = [
  ...CALENDAR_SCOPES_WRITE,
  `${SCOPES.calendar}.readonly`,
  `${SCOPES.calendarEvents}.readonly`,
];

interface Call {
  family: ApiFamily;
  service: string;
  apiMethod: string;
  /** Bearer check (API calls); undefined for OAuth endpoints. */
  scopes?: string[];
  run(email: string | undefined): EmuResponse | Promise<EmuResponse>;
}

/** A call to one of `service`'s routes, or undefined when none matches. */
function routedCall(service: ApiService, req: EmuRequest, state: EmulatorState): Call | undefined {
  const found = findRoute(service, req.method, req.path);
  if (!found) return undefined;
  return {
    family: service.family,
    service: service.service,
    apiMethod: found.route.apiMethod,
    scopes: found.route.scopes,
    run: (email) => found.route.handle({ req, state, email: email ?? '', match: found.match }),
  };
}

function resolveCall(req: EmuRequest, state: EmulatorState, base: string): Call | undefined {
  const oauth = OAUTH[req.path];
  if (oauth) {
    return {
      family: 'oauth',
      service: 'oauth2.googleapis.com',
      apiMethod: oauth.apiMethod,
      run: () => oauth.handle(req, state, base),
    };
  }
  if (req.path.startsWith('/v1/people') || req.path.startsWith('/v1/contactGroups')) {
    return routedCall(peopleService, req, state);
  }
  const push = routedCall(pushService, req, state);
  if (push) return push;
  if (req.path.startsWith('/calendar/v3/')) {
    const path = req.path.slice('/calendar/v3'.length);
    return {
      family: 'calendar',
      service: 'calendar-json.googleapis.com',
      apiMethod: state.calendar.methodName(req.method, path),
      scopes: req.method === 'GET' ? CALENDAR_SCOPES_READ : CALENDAR_SCOPES_WRITE,
      run: (email) =>
        state.calendar.handle({
          accountEmail: email ?? '',
          method: req.method,
          path,
          query: req.query,
          headers: req.headers,
          body: req.body,
        }),
    };
  }
  return undefined;
}

function internalError(family: ApiFamily): EmuResponse {
  if (family === 'calendar') {
    const e = legacyError(500, [{ domain: 'global', reason: 'backendError', message: 'Backend Error' }]);
    return { status: 500, body: e.body };
  }
  return { status: 500, body: googleError(500, 'INTERNAL', 'Internal error encountered.').body };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One Google API call: bearer check → faults (latency, error before or after the work) → handler → request log. */
async function runCall(req: EmuRequest, state: EmulatorState, call: Call): Promise<EmuResponse> {
  const started = Date.now();
  let email: string | undefined;
  let faultId: string | undefined;
  let out: EmuResponse;
  try {
    if (call.scopes) {
      email = authorizeCall(req, state, call.family, call.service, call.apiMethod, call.scopes).email;
    }
    const fault = state.faults.take({
      method: req.method,
      path: req.path,
      apiMethod: call.apiMethod,
      account: email,
    });
    if (fault) {
      faultId = fault.id;
      if (fault.latencyMs) await sleep(fault.latencyMs);
      if (fault.status && !fault.afterWork) throw faultError(fault, call.family, call.service);
    }
    out = await call.run(email);
    // The work is done but the answer is lost, as when Google times out after committing.
    if (fault?.status && fault.afterWork) throw faultError(fault, call.family, call.service);
  } catch (e) {
    if (e instanceof ApiError) out = { status: e.status, headers: e.headers, body: e.body };
    else {
      console.error('[google-emulator] internal error', e);
      out = internalError(call.family);
    }
  }
  state.log.add({
    time: state.now().toISOString(),
    method: req.method,
    path: req.path,
    apiMethod: call.apiMethod,
    account: email,
    status: out.status,
    faultId,
    durationMs: Date.now() - started,
  });
  return out;
}

export async function dispatch(req: EmuRequest, state: EmulatorState, base: string): Promise<EmuResponse> {
  if (req.path === '/__emulator' || req.path.startsWith('/__emulator/')) return handleControl(req, state);
  const call = resolveCall(req, state, base);
  if (call) return runCall(req, state, call);
  if (req.path.startsWith('/v1/') || req.path.startsWith('/calendar/')) {
    return {
      status: 404,
      body: googleError(404, 'NOT_FOUND', `Method not found: ${req.method} ${req.path}`).body,
    };
  }
  return {
    status: 404,
    text: '<!DOCTYPE html><title>Error 404 (Not Found)!!1</title><p>The requested URL was not found on this server.</p>',
  };
}

export function createEmulatorServer(state: EmulatorState, baseUrl: () => string): Server {
  return createServer((req, res) => {
    readRequest(req)
      .then((r) => dispatch(r, state, baseUrl()))
      .then((out) => writeResponse(res, out))
      .catch((e: unknown) => {
        console.error('[google-emulator] request failed', e);
        if (!res.headersSent) writeResponse(res, { status: 500, body: { error: String(e) } });
      });
  });
}
