// The two Calendar API methods of push notifications. The server checks the bearer token and scope
// first, as for every Calendar call; the client id (who may stop a channel) comes from the token.
import type { ApiContext, ApiRoute } from '../api.js';
import { legacyError } from '../errors.js';
import { bearerToken, liveAccessToken } from '../oauth/bearer.js';
import { SCOPES } from '../oauth/scopes.js';

/** [WATCH] accepts any Calendar read scope; channels.stop is open to any of them too. */
const WATCH_SCOPES = [
  SCOPES.calendar,
  SCOPES.calendarEvents,
  `${SCOPES.calendar}.readonly`,
  `${SCOPES.calendarEvents}.readonly`,
];

function clientOf(ctx: ApiContext): string {
  return liveAccessToken(ctx.state, bearerToken(ctx.req))?.clientId ?? '';
}

export const pushRoutes: ApiRoute[] = [
  {
    method: 'POST',
    pattern: /^\/calendar\/v3\/calendars\/([^/]+)\/events\/watch$/,
    apiMethod: 'calendar.events.watch',
    scopes: WATCH_SCOPES,
    handle(ctx) {
      const calendarId = decodeURIComponent(ctx.match[1] ?? '');
      // Only the account's own primary calendar exists in the emulator (as for events.list).
      if (calendarId !== 'primary' && calendarId.toLowerCase() !== ctx.email.toLowerCase()) {
        throw legacyError(404, [{ domain: 'global', reason: 'notFound', message: 'Not Found' }]);
      }
      ctx.state.calendar.ensureAccount(ctx.email);
      const body = ctx.state.push.watch({
        calendarEmail: ctx.email,
        calendarId,
        ownerEmail: ctx.email,
        clientId: clientOf(ctx),
        body: ctx.req.body,
      });
      return { status: 200, body };
    },
  },
  {
    method: 'POST',
    pattern: /^\/calendar\/v3\/channels\/stop$/,
    apiMethod: 'calendar.channels.stop',
    scopes: WATCH_SCOPES,
    handle(ctx) {
      ctx.state.push.stop(ctx.req.body, ctx.email, clientOf(ctx));
      // [STOP] "If successful, this method returns an empty response body."
      return { status: 204 };
    },
  },
];
