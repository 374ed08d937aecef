import { createHash } from 'node:crypto';

export interface Account {
  email: string;
  /** Stable numeric subject id, as Google's `sub` claim. */
  sub: string;
  name: string;
  givenName: string;
  familyName: string;
  /** Workspace hosted domain; absent for consumer accounts. */
  hd?: string;
  picture: string;
}

export interface AccountInput {
  email: string;
  name?: string;
  givenName?: string;
  familyName?: string;
  hd?: string;
}

export interface OAuthClientRecord {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
}

export const DEFAULT_ACCOUNT_EMAIL = 'test.user@example.com';

export function makeAccount(input: AccountInput): Account {
  const email = input.email.trim();
  const local = email.split('@')[0] ?? email;
  const parts = local.split(/[._-]+/).filter(Boolean);
  const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
  const givenName = input.givenName ?? cap(parts[0] ?? local);
  const familyName = input.familyName ?? (parts.length > 1 ? cap(parts.slice(1).join(' ')) : 'User');
  const name = input.name ?? `${givenName} ${familyName}`;
  // A 21-digit decimal sub, derived from the email so that it is stable across resets.
  const digest = createHash('sha256').update(email.toLowerCase()).digest();
  const sub = `1${digest.readBigUInt64BE(0).toString().padStart(20, '0')}`.slice(0, 21);
  const account: Account = {
    email,
    sub,
    name,
    givenName,
    familyName,
    picture: `https://lh3.googleusercontent.com/a/emulator-${sub}=s96-c`,
  };
  if (input.hd) account.hd = input.hd;
  return account;
}
