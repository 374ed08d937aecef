import { randomToken } from './keys.js';

export const ACCESS_TOKEN_LIFETIME_S = 3599;
const CODE_LIFETIME_MS = 10 * 60 * 1000;

/** One user's consent for one OAuth client (Google keeps one combined grant per client and account). */
export interface Grant {
  id: string;
  clientId: string;
  email: string;
  scopes: Set<string>;
  revoked: boolean;
  createdAt: Date;
}

export interface AuthCode {
  code: string;
  grantId: string;
  clientId: string;
  redirectUri: string;
  email: string;
  scopes: string[];
  codeChallenge?: string;
  codeChallengeMethod?: string;
  offline: boolean;
  issueRefreshToken: boolean;
  nonce?: string;
  expiresAt: number;
  used: boolean;
}

export interface AccessToken {
  token: string;
  grantId: string;
  clientId: string;
  email: string;
  scopes: string[];
  expiresAt: number;
}

export interface RefreshToken {
  token: string;
  grantId: string;
  clientId: string;
  email: string;
  scopes: string[];
}

export interface ConsentDirective {
  action: 'grant' | 'deny';
  /** With `grant`: the non-sign-in scopes the user ticks (granular consent); all when omitted. */
  scopes?: string[];
  /** Consent as this account instead of `login_hint` / the default account. */
  email?: string;
}

export class OAuthStore {
  readonly grants = new Map<string, Grant>();
  readonly codes = new Map<string, AuthCode>();
  readonly accessTokens = new Map<string, AccessToken>();
  readonly refreshTokens = new Map<string, RefreshToken>();
  /** Consent decisions for the next authorization requests, consumed in order. */
  readonly consentQueue: ConsentDirective[] = [];

  reset(): void {
    this.grants.clear();
    this.codes.clear();
    this.accessTokens.clear();
    this.refreshTokens.clear();
    this.consentQueue.length = 0;
  }

  grantFor(clientId: string, email: string, now: Date): Grant {
    const id = `${clientId}|${email.toLowerCase()}`;
    let grant = this.grants.get(id);
    if (!grant || grant.revoked) {
      grant = { id, clientId, email, scopes: new Set(), revoked: false, createdAt: now };
      this.grants.set(id, grant);
    }
    return grant;
  }

  issueCode(input: Omit<AuthCode, 'code' | 'expiresAt' | 'used'>, now: Date): AuthCode {
    const code: AuthCode = {
      ...input,
      code: `4/0${randomToken(40)}`,
      expiresAt: now.getTime() + CODE_LIFETIME_MS,
      used: false,
    };
    this.codes.set(code.code, code);
    return code;
  }

  issueAccessToken(grant: Grant, scopes: string[], now: Date): AccessToken {
    const token: AccessToken = {
      token: `ya29.${randomToken(60)}`,
      grantId: grant.id,
      clientId: grant.clientId,
      email: grant.email,
      scopes,
      expiresAt: now.getTime() + ACCESS_TOKEN_LIFETIME_S * 1000,
    };
    this.accessTokens.set(token.token, token);
    return token;
  }

  issueRefreshToken(grant: Grant, scopes: string[]): RefreshToken {
    const token: RefreshToken = {
      token: `1//0${randomToken(60)}`,
      grantId: grant.id,
      clientId: grant.clientId,
      email: grant.email,
      scopes,
    };
    this.refreshTokens.set(token.token, token);
    return token;
  }

  /** Revokes a whole grant: every access and refresh token issued under it stops working. */
  revokeGrant(grantId: string): boolean {
    const grant = this.grants.get(grantId);
    if (!grant || grant.revoked) return false;
    grant.revoked = true;
    for (const [k, t] of this.accessTokens) if (t.grantId === grantId) this.accessTokens.delete(k);
    for (const [k, t] of this.refreshTokens) if (t.grantId === grantId) this.refreshTokens.delete(k);
    for (const [k, c] of this.codes) if (c.grantId === grantId) this.codes.delete(k);
    return true;
  }

  revokeFor(email: string, clientId?: string): number {
    let n = 0;
    for (const grant of this.grants.values()) {
      if (grant.email.toLowerCase() !== email.toLowerCase()) continue;
      if (clientId && grant.clientId !== clientId) continue;
      if (this.revokeGrant(grant.id)) n++;
    }
    return n;
  }

  /** Makes current access tokens expire now (optionally only one account's). */
  expireAccessTokens(nowMs: number, email?: string): number {
    let n = 0;
    for (const t of this.accessTokens.values()) {
      if (email && t.email.toLowerCase() !== email.toLowerCase()) continue;
      t.expiresAt = Math.min(t.expiresAt, nowMs - 1);
      n++;
    }
    return n;
  }
}
