import type { GoogleIdentity } from '../../adapters/google/oauth.js';

/**
 * docs/behaviour.md#allowed-domains: with `allowedDomains` set, only accounts of those domains can be linked. The domain
 * is the id_token's `hd` claim (the Workspace domain, which Google asserts); `hd` is only a hint in
 * the authorization request, so the claim is what counts
 * (https://developers.google.com/identity/openid-connect/openid-connect#an-id-tokens-payload).
 * Accounts without `hd` (consumer accounts) fall back to their email's domain, trusted only when
 * Google says the email is verified.
 */
export function accountDomain(identity: GoogleIdentity): string | undefined {
  if (identity.hostedDomain) return identity.hostedDomain.toLowerCase();
  if (!identity.emailVerified) return undefined;
  return identity.email.split('@').at(-1)?.toLowerCase();
}

export function isDomainAllowed(identity: GoogleIdentity, allowedDomains: readonly string[]): boolean {
  if (allowedDomains.length === 0) return true;
  const domain = accountDomain(identity);
  return domain !== undefined && allowedDomains.includes(domain);
}
