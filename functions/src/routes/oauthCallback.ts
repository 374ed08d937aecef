import { config } from '../config.js';
import type { RequestContext } from '../http/handler.js';
import type { Route } from '../http/router.js';
import { log } from '../logging.js';

/**
 * `GET /oauthCallback?code=&state=` (or `?error=`): Google's redirect after consent. Always answers
 * with a 302 back to APP_URL carrying the outcome (SPEC §4.3); never an error page, never details.
 */

/** The outcome in APP_URL's query: `link=…` for a Google account, `mailbox=…` for a mailbox (SPEC §4.3). */
export function appRedirect(
  outcome: { ok: true; missing?: string[] } | { ok: false; code: string },
  name: 'link' | 'mailbox' = 'link',
): string {
  const url = new URL(config().appUrl);
  if (outcome.ok) {
    url.searchParams.set(name, 'ok');
    if (outcome.missing?.length) url.searchParams.set('missing', outcome.missing.join(' '));
  } else {
    url.searchParams.set(name, 'error');
    url.searchParams.set('code', outcome.code);
  }
  return url.toString();
}

/** Completes the flow the state names (its signature, purpose included, is checked inside). */
async function complete(
  purpose: 'google' | 'mailbox',
  request: { query: URLSearchParams; cookieHeader: string | undefined },
) {
  if (purpose === 'mailbox') {
    const { completeMailboxLinking } = await import('../app/mail/completeMailboxLinking.js');
    return completeMailboxLinking(request);
  }
  const { completeLinking } = await import('../app/linking/completeLinking.js');
  return completeLinking(request);
}

const withCookie = (setCookie: string | undefined): Record<string, string> =>
  setCookie ? { 'set-cookie': setCookie } : {};

export const oauthCallbackRoutes: Route<RequestContext>[] = [
  {
    method: 'GET',
    path: '/',
    handle: async ({ query, req }) => {
      const { releaseBrowser } = await import('../app/linking/browserBinding.js');
      const { peekState } = await import('../core/crypto/oauthState.js');
      const purpose = peekState(query.get('state') ?? '')?.p === 'mailbox' ? 'mailbox' : 'google';
      let outcome: Parameters<typeof appRedirect>[0];
      try {
        outcome = await complete(purpose, { query, cookieHeader: req.get('cookie') });
      } catch (error) {
        // Storage or Secret Manager trouble: the browser still goes back to the app with a code.
        log.error('OAuth callback failed', { error });
        outcome = { ok: false, code: 'google_error' };
      }
      return {
        status: 302,
        redirect: appRedirect(outcome, purpose === 'mailbox' ? 'mailbox' : 'link'),
        // The URL held a code and a state: keep them out of caches and referrers.
        // The browser binding is single use, like the state it went with: clear it whatever happened.
        headers: {
          'cache-control': 'no-store',
          'referrer-policy': 'no-referrer',
          ...withCookie(releaseBrowser(purpose, query.get('state'))),
        },
      };
    },
  },
];
