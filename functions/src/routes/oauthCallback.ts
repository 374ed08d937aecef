import { z } from 'zod';
import { config } from '../config.js';
import type { HttpFunctionSpec, RequestContext } from '../http/handler.js';
import type { Route } from '../http/router.js';
import { log } from '../logging.js';

/**
 * `GET /oauthCallback?code=&state=` (or `?error=`): Google's redirect after consent. Always answers
 * with a 302 back to APP_URL carrying the outcome (docs/api.md); never an error page, never details.
 */

/** The outcome in APP_URL's query: `link=…` for a Google account, `mailbox=…` for a mailbox (docs/api.md). */
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

export const oauthCallbackRoutes: Route<RequestContext>[] = [
  {
    method: 'GET',
    path: '/',
    doc: {
      summary: "Google's redirect after consent",
      description:
        'Not called by clients: Google sends the browser here. Always a 302 to `APP_URL` with the ' +
        'outcome: `?link=ok` (with `&missing=<scopes>` when some were not granted) or ' +
        '`?link=error&code=<code>`, code one of `access_denied`, `state_invalid`, `state_expired`, ' +
        '`domain_not_allowed`, `missing_scopes`, `google_error`. Never an error page.',
      success: [
        {
          status: 302,
          description: 'Back to the app with the outcome in the query.',
          headers: { Location: 'APP_URL with `link=ok` or `link=error&code=<code>`.' },
        },
      ],
      errors: [],
      examples: [
        {
          name: 'denied',
          summary: 'The user declined consent',
          query: { error: 'access_denied', state: 'eyJ1IjoiLi4uIn0.signature' },
          status: 302,
        },
      ],
      schemas: () => ({
        query: {
          code: z.string().optional().describe("Google's authorization code."),
          state: z.string().optional().describe('The signed state of the authorization URL.'),
          error: z.string().optional().describe("Google's error, e.g. access_denied."),
        },
      }),
    },
    handle: async ({ query, req }) => {
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
        headers: {
          'cache-control': 'no-store',
          'referrer-policy': 'no-referrer',
        },
      };
    },
  },
];

export const oauthCallbackFunction: HttpFunctionSpec<RequestContext> = {
  name: 'oauthCallback',
  description: 'Where Google redirects the browser after consent; completes linking (public).',
  access: 'public',
  routes: oauthCallbackRoutes,
};
