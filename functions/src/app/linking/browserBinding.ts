import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { peekState, STATE_LIFETIME_MS } from '../../core/crypto/oauthState.js';

/**
 * Binds an OAuth flow to the browser that asked for the authorization URL (SPEC §3.2.2), against
 * login CSRF: without it, a user could send their authorization URL to a colleague, who signs in
 * with their own Google account, and the colleague's account would be linked to the sender.
 * RFC 6749 §10.12 asks for exactly this: "binding the value of the state parameter to the
 * user-agent's authenticated state" (https://datatracker.ietf.org/doc/html/rfc6749#section-10.12).
 *
 * The answer that hands out the URL sets a random value in a cookie; only its hash is stored with
 * the state's nonce, and the callback checks the cookie the browser sends back against it. Each
 * attempt has its own cookie, named after its nonce, so two tabs linking at once do not undo each
 * other; each lives as long as its state and is cleared by its callback.
 * `__Host-` forces Secure, Path=/ and no Domain (the cookie cannot be planted from a sibling
 * domain); HttpOnly keeps it from scripts; SameSite=Lax still sends it on the top-level GET
 * navigation that Google's redirect is
 * (https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Set-Cookie#cookie_prefixes).
 * Chromium counts http://127.0.0.1 and localhost as secure contexts, so the local stack works too.
 */

/** What the flow links: a Google account for sync (§3.2) or a mailbox (§3.8.1); one cookie each. */
export type LinkPurpose = 'google' | 'mailbox';

export interface BrowserBinding {
  /** Stored with the nonce; the cookie's value itself is never stored. */
  hash: string;
  /** The `Set-Cookie` header value for the answer that carries the authorization URL. */
  setCookie: string;
}

const ATTRIBUTES = 'Path=/; HttpOnly; Secure; SameSite=Lax';

const hashOf = (value: string) => createHash('sha256').update(value, 'utf8').digest('base64url');

/** One cookie per attempt: the purpose and a digest of the state's nonce (which is no secret). */
const cookieName = (purpose: LinkPurpose, nonce: string) =>
  `__Host-crm-link-${purpose}-${hashOf(nonce).slice(0, 16)}`;

export function bindBrowser(purpose: LinkPurpose, nonce: string): BrowserBinding {
  const value = randomBytes(32).toString('base64url');
  return {
    hash: hashOf(value),
    setCookie: `${cookieName(purpose, nonce)}=${value}; Max-Age=${STATE_LIFETIME_MS / 1000}; ${ATTRIBUTES}`,
  };
}

/**
 * The `Set-Cookie` header value that removes the binding of the attempt whose `state` came back,
 * whatever its outcome (single use, like the state). The state is only peeked at: clearing a cookie
 * of ours by name is harmless even for a forged one. Undefined when the state names no nonce.
 */
export function releaseBrowser(purpose: LinkPurpose, state: string | null): string | undefined {
  const nonce = state ? peekState(state)?.nonce : undefined;
  if (!nonce) return undefined;
  return `${cookieName(purpose, nonce)}=; Max-Age=0; ${ATTRIBUTES}`;
}

/** Whether the request's `Cookie` header carries the binding of this attempt whose hash was stored. */
export function isSameBrowser(
  purpose: LinkPurpose,
  nonce: string,
  cookieHeader: string | undefined,
  storedHash: string | undefined,
): boolean {
  if (!storedHash) return false;
  const value = readCookie(cookieHeader, cookieName(purpose, nonce));
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
