const G = 'https://www.googleapis.com/auth/';

export const SCOPES = {
  contacts: `${G}contacts`,
  contactsReadonly: `${G}contacts.readonly`,
  calendar: `${G}calendar`,
  calendarEvents: `${G}calendar.events`,
  userinfoEmail: `${G}userinfo.email`,
  userinfoProfile: `${G}userinfo.profile`,
} as const;

/** Sign-in scopes: always granted first; granular consent only applies to the other scopes. */
export const SIGN_IN_SCOPES = new Set([
  'openid',
  'email',
  'profile',
  SCOPES.userinfoEmail,
  SCOPES.userinfoProfile,
]);

export const hasEmailScope = (scopes: Iterable<string>) =>
  [...scopes].some((s) => s === 'email' || s === SCOPES.userinfoEmail);
export const hasProfileScope = (scopes: Iterable<string>) =>
  [...scopes].some((s) => s === 'profile' || s === SCOPES.userinfoProfile);

/** Google answers `email`/`profile` with their long URL forms in the token response `scope`. */
export function canonicalScope(scope: string): string {
  if (scope === 'email') return SCOPES.userinfoEmail;
  if (scope === 'profile') return SCOPES.userinfoProfile;
  return scope;
}
