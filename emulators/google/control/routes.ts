import { CalendarError } from '../calendar/index.js';
import { ApiError } from '../errors.js';
import type { FaultInput } from '../faults.js';
import { asObject, type EmuRequest, type EmuResponse } from '../http.js';
import type { ConsentDirective } from '../oauth/store.js';
import type { AccountInput, OAuthClientRecord } from '../state/accounts.js';
import type { EmulatorState } from '../state/state.js';
import { userActionRoutes } from './userActions.js';
import { ControlError, type ControlRoute, knownAccount, ok, optionalEmail } from './util.js';

function consentDirectives(body: unknown): ConsentDirective[] {
  const list = Array.isArray(body) ? body : [body];
  return list.map((raw) => {
    const d = asObject(raw);
    if (d.action !== 'grant' && d.action !== 'deny')
      throw new ControlError(400, 'action must be "grant" or "deny"');
    const out: ConsentDirective = { action: d.action };
    if (Array.isArray(d.scopes)) out.scopes = d.scopes.filter((s): s is string => typeof s === 'string');
    if (typeof d.email === 'string') out.email = d.email;
    return out;
  });
}

const routes: ControlRoute[] = [
  {
    method: 'POST',
    pattern: /^\/__emulator\/reset$/,
    handle(_req, state) {
      state.reset();
      return ok();
    },
  },
  { method: 'GET', pattern: /^\/__emulator\/state$/, handle: (_req, state) => ok(state.dump()) },
  {
    method: 'GET',
    pattern: /^\/__emulator\/accounts$/,
    handle: (_req, state) => ok([...state.accounts.values()]),
  },
  {
    method: 'POST',
    pattern: /^\/__emulator\/accounts$/,
    handle: (req, state) => ok(state.addAccount(asObject(req.body) as unknown as AccountInput), 201),
  },
  {
    method: 'GET',
    pattern: /^\/__emulator\/clients$/,
    handle: (_req, state) =>
      ok([...state.clients.values()].map((c) => ({ clientId: c.clientId, redirectUris: c.redirectUris }))),
  },
  {
    method: 'POST',
    pattern: /^\/__emulator\/clients$/,
    handle: (req, state) => ok(state.addClient(asObject(req.body) as unknown as OAuthClientRecord), 201),
  },
  {
    method: 'POST',
    pattern: /^\/__emulator\/oauth\/consent$/,
    handle(req, state) {
      state.oauth.consentQueue.push(...consentDirectives(req.body));
      return ok({ queued: state.oauth.consentQueue.length });
    },
  },
  {
    method: 'DELETE',
    pattern: /^\/__emulator\/oauth\/consent$/,
    handle(_req, state) {
      state.oauth.consentQueue.length = 0;
      return ok();
    },
  },
  {
    method: 'POST',
    pattern: /^\/__emulator\/oauth\/revoke$/,
    handle(req, state) {
      const body = asObject(req.body);
      const email = knownAccount(state, optionalEmail(body));
      const clientId = typeof body.clientId === 'string' ? body.clientId : undefined;
      return ok({ revoked: state.oauth.revokeFor(email, clientId) });
    },
  },
  {
    method: 'POST',
    pattern: /^\/__emulator\/oauth\/expire-access-tokens$/,
    handle(req, state) {
      const email = optionalEmail(asObject(req.body));
      return ok({ expired: state.oauth.expireAccessTokens(state.now().getTime(), email) });
    },
  },
  {
    method: 'GET',
    pattern: /^\/__emulator\/clock$/,
    handle: (_req, state) => ok({ now: state.now().toISOString() }),
  },
  {
    method: 'POST',
    pattern: /^\/__emulator\/clock\/advance$/,
    handle(req, state) {
      const body = asObject(req.body);
      const ms = Number(body.ms ?? 0) + Number(body.seconds ?? 0) * 1000;
      if (!Number.isFinite(ms) || ms < 0)
        throw new ControlError(400, 'ms/seconds must be a non-negative number');
      state.clock.advance(ms);
      return ok({ now: state.now().toISOString() });
    },
  },
  { method: 'GET', pattern: /^\/__emulator\/faults$/, handle: (_req, state) => ok(state.faults.list()) },
  {
    method: 'POST',
    pattern: /^\/__emulator\/faults$/,
    handle(req, state) {
      const input = asObject(req.body) as FaultInput;
      if (input.status !== undefined && ![429, 403, 500, 503].includes(input.status)) {
        throw new ControlError(400, 'status must be one of 429, 403, 500, 503');
      }
      if (input.status === undefined && !input.latencyMs) {
        throw new ControlError(400, 'a fault needs a status and/or latencyMs');
      }
      return ok(state.faults.add(input), 201);
    },
  },
  {
    method: 'DELETE',
    pattern: /^\/__emulator\/faults(?:\/([^/]+))?$/,
    handle(_req, state, m) {
      state.faults.remove(m[1]);
      return ok();
    },
  },
  {
    method: 'GET',
    pattern: /^\/__emulator\/requests$/,
    handle: (req, state) =>
      ok(
        state.log.summary({
          account: req.query.get('account') ?? undefined,
          withEntries: req.query.get('entries') === 'true',
        }),
      ),
  },
  {
    method: 'DELETE',
    pattern: /^\/__emulator\/requests$/,
    handle(_req, state) {
      state.log.clear();
      return ok();
    },
  },
  ...userActionRoutes,
  {
    method: 'GET',
    pattern: /^\/__emulator\/push\/channels$/,
    handle: (_req, state) => ok(state.push.list()),
  },
  {
    method: 'GET',
    pattern: /^\/__emulator\/push\/deliveries$/,
    handle(req, state) {
      const channelId = req.query.get('channelId');
      const all = state.notifications.deliveries;
      return ok(channelId ? all.filter((d) => d.channelId === channelId) : all);
    },
  },
];

/** The control API under `/__emulator/…` (a prefix Google never uses). Not logged, never faulted. */
export function handleControl(req: EmuRequest, state: EmulatorState): EmuResponse {
  try {
    for (const route of routes) {
      if (route.method !== req.method) continue;
      const m = route.pattern.exec(req.path);
      if (m) return route.handle(req, state, m);
    }
    return { status: 404, body: { error: `No control route ${req.method} ${req.path}` } };
  } catch (e) {
    if (e instanceof ControlError) return { status: e.status, body: { error: e.message } };
    if (e instanceof ApiError) return { status: e.status, body: e.body };
    if (e instanceof CalendarError) return { status: e.status, body: e.body() };
    return { status: 400, body: { error: e instanceof Error ? e.message : String(e) } };
  }
}
