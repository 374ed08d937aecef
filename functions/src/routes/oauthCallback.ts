import { config } from '../config.js';
import type { RequestContext } from '../http/handler.js';
import type { Route } from '../http/router.js';
import { log } from '../logging.js';

/**
 * `GET /oauthCallback?code=&state=` (or `?error=`): Google's redirect after consent. Always answers
 * with a 302 back to APP_URL carrying the outcome (SPEC §4.3); never an error page, never details.
 */

export function appRedirect(outcome: { ok: true; missing: string[] } | { ok: false; code: string }): string {
  const url = new URL(config().appUrl);
  if (outcome.ok) {
    url.searchParams.set('link', 'ok');
    if (outcome.missing.length > 0) url.searchParams.set('missing', outcome.missing.join(' '));
  } else {
    url.searchParams.set('link', 'error');
    url.searchParams.set('code', outcome.code);
  }
  return url.toString();
}

const withCookie = (setCookie: string | undefined): Record<string, string> =>
  setCookie ? { 'set-cookie': setCookie } : {};

export const oauthCallbackRoutes: Route<RequestContext>[] = [
  {
    method: 'GET',
    path: '/',
    handle: async ({ query, req }) => {
      const { completeLinking } = await import('../app/linking/completeLinking.js');
      const { releaseBrowser } = await import('../app/linking/browserBinding.js');
      let outcome: Parameters<typeof appRedirect>[0];
      try {
        outcome = await completeLinking({ query, cookieHeader: req.get('cookie') });
      } catch (error) {
        // Storage or Secret Manager trouble: the browser still goes back to the app with a code.
        log.error('OAuth callback failed', { error });
        outcome = { ok: false, code: 'google_error' };
      }
      return {
        status: 302,
        redirect: appRedirect(outcome),
        // The URL held a code and a state: keep them out of caches and referrers.
        // The browser binding is single use, like the state it went with: clear it whatever happened.
        headers: {
          'cache-control': 'no-store',
          'referrer-policy': 'no-referrer',
          ...withCookie(releaseBrowser('google', query.get('state'))),
        },
      };
    },
  },
];
