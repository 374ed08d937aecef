import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { STATE_LIFETIME_MS } from '../../core/crypto/oauthState.js';

/**
 * Binds an OAuth flow to the browser that asked for the authorization URL (docs/behaviour.md#oauth-callback), against
 * login CSRF: without it, a user could send their authorization URL to a colleague, who signs in
 * with their own Google account, and the colleague's account would be linked to the sender.
 * RFC 6749 §10.12 asks for exactly this: "binding the value of the state parameter to the
 * user-agent's authenticated state" (https://datatracker.ietf.org/doc/html/rfc6749#section-10.12).
 *
 * The answer that hands out the URL sets a random value in a cookie; only its hash is stored with
 * the state's nonce, and the callback checks the cookie the browser sends back against it. A browser
 * keeps its value across attempts (each refreshes its lifetime), so two tabs linking at once both
 * come back bound; the value alone is worth nothing, because each state is single use.
 * The cookie is named `__session` because Firebase Hosting, which serves the console and rewrites
 * `/api` and `/oauthCallback` to the functions on the same origin, strips every other cookie from
 * the requests it forwards (https://firebase.google.com/docs/hosting/manage-cache#using_cookies).
 * That name rules out the `__Host-` prefix, so the cookie carries the same attributes by hand:
 * Secure, Path=/ and no Domain; HttpOnly keeps it from scripts; SameSite=Lax still sends it on the
 * top-level GET navigation that Google's redirect is
 * (https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Set-Cookie#cookie_prefixes).
 * Chromium counts http://127.0.0.1 and localhost as secure contexts, so the local stack works too.
 */

/** What the flow links: a Google account for sync (docs/behaviour.md#linking) or a mailbox (docs/behaviour.md#mailbox-linking). */
export type LinkPurpose = 'google' | 'mailbox';

export interface BrowserBinding {
  /** Stored with the nonce; the cookie's value itself is never stored. */
  hash: string;
  /** The `Set-Cookie` header value for the answer that carries the authorization URL. */
  setCookie: string;
}

const ATTRIBUTES = 'Path=/; HttpOnly; Secure; SameSite=Lax';

const hashOf = (value: string) => createHash('sha256').update(value, 'utf8').digest('base64url');

/** The one cookie name that Firebase Hosting forwards to the functions (see above). */
const COOKIE = '__session';

/** 32 random bytes in base64url: what `bindBrowser` puts in the cookie. */
const VALUE = /^[\w-]{43}$/;

/** Binds a new attempt to the browser whose request carried `cookieHeader`, keeping its value if it has one. */
export function bindBrowser(cookieHeader: string | undefined): BrowserBinding {
  const held = readCookie(cookieHeader, COOKIE);
  const value = held && VALUE.test(held) ? held : randomBytes(32).toString('base64url');
  return {
    hash: hashOf(value),
    setCookie: `${COOKIE}=${value}; Max-Age=${STATE_LIFETIME_MS / 1000}; ${ATTRIBUTES}`,
  };
}

/** Whether the request's `Cookie` header carries the binding whose hash was stored with the nonce. */
export function isSameBrowser(cookieHeader: string | undefined, storedHash: string | undefined): boolean {
  if (!storedHash) return false;
  const value = readCookie(cookieHeader, COOKIE);
  if (!value) return false;
  const given = Buffer.from(hashOf(value));
  const expected = Buffer.from(storedHash);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** RFC 6265 §5.4: `name=value` pairs separated by `; `. A repeated name: the first wins, as browsers send the most specific first. */
function readCookie(header: string | undefined, name: string): string | undefined {
  for (const pair of (header ?? '').split(';')) {
    const separator = pair.indexOf('=');
    if (separator > 0 && pair.slice(0, separator).trim() === name) return pair.slice(separator + 1).trim();
  }
  return undefined;
}
