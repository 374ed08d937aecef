/**
 * The scopes asked for when linking (docs/api.md) and what a grant enables. With granular consent a
 * user may tick only some of the non-sign-in scopes, so the granted set comes from the token
 * response's `scope` and is never assumed
 * (https://developers.google.com/identity/protocols/oauth2/resources/granular-permissions).
 */

const AUTH = 'https://www.googleapis.com/auth/';

export const CONTACTS_SCOPE = `${AUTH}contacts`;
export const CALENDAR_EVENTS_SCOPE = `${AUTH}calendar.events`;

export const REQUESTED_SCOPES = [
  'openid',
  'email',
  'profile',
  CONTACTS_SCOPE,
  CALENDAR_EVENTS_SCOPE,
] as const;

/**
 * Google answers the short sign-in scopes with their long names in the token response
 * (`email` → `.../userinfo.email`), and a broader scope granted earlier covers a narrower one.
 */
const SATISFIED_BY: Record<string, readonly string[]> = {
  openid: ['openid'],
  email: ['email', `${AUTH}userinfo.email`],
  profile: ['profile', `${AUTH}userinfo.profile`],
  [CONTACTS_SCOPE]: [CONTACTS_SCOPE],
  [CALENDAR_EVENTS_SCOPE]: [CALENDAR_EVENTS_SCOPE, `${AUTH}calendar`],
};

export interface GrantEvaluation {
  /** The granted scope strings, as Google reported them. */
  scopes: string[];
  /** Requested scopes that were not granted. */
  missing: string[];
  capabilities: { contacts: boolean; calendar: boolean };
}

export function parseScopeString(scope: string | null | undefined): string[] {
  return [...new Set((scope ?? '').split(/\s+/).filter(Boolean))];
}

export function evaluateGrant(granted: readonly string[]): GrantEvaluation {
  const grantedSet = new Set(granted);
  const has = (requested: string) => (SATISFIED_BY[requested] ?? [requested]).some((s) => grantedSet.has(s));
  return {
    scopes: [...granted],
    missing: REQUESTED_SCOPES.filter((requested) => !has(requested)),
    capabilities: { contacts: has(CONTACTS_SCOPE), calendar: has(CALENDAR_EVENTS_SCOPE) },
  };
}
