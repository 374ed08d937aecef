const G = 'https://www.googleapis.com/auth/';

export const SCOPES = {
  contacts: `${G}contacts`,
  contactsReadonly: `${G}contacts.readonly`,
  calendar: `${G}calendar`,
  calendarEvents: `${G}calendar.events`,
  userinfoEmail: `${G}userinfo.email`,
  userinfoProfile: `${G}userinfo.profile`,
  /**
   * Full mailbox access over IMAP and SMTP (XOAUTH2), granted like any other scope; tokeninfo then
   * names the account's `email` when the email scope came with it, which is what mail servers log
   * in as (https://developers.google.com/workspace/gmail/imap/xoauth2-protocol,
   * https://developers.google.com/workspace/gmail/api/auth/scopes).
   */
  mail: 'https://mail.google.com/',
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
