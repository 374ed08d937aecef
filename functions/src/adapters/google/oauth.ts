import {
  CodeChallengeMethod,
  OAuth2Client,
  type OAuth2ClientOptions,
  type TokenPayload,
} from 'google-auth-library';
import { config } from '../../config.js';

/**
 * Google's OAuth 2.0 endpoints for web-server apps, through google-auth-library's OAuth2Client
 * (https://developers.google.com/identity/protocols/oauth2/web-server). With GOOGLE_API_BASE_URL set
 * (tests, local stack) every endpoint is at that origin under Google's real path (docs/operations.md#configuration).
 *
 * Failures come out as `OAuthFailure` with a reason the callers act on; Google's error bodies are
 * kept out of messages (a token endpoint error never echoes the token, but we do not rely on it).
 */

export interface OAuthApp {
  clientId: string;
  clientSecret: string;
}

export type OAuthFailureReason =
  /** The code or refresh token is expired, revoked or otherwise dead: the user must link again. */
  | 'invalid_grant'
  /** The client id or secret is wrong: the administrator must fix the settings. */
  | 'invalid_client'
  /** Network trouble or a 5xx/429 from Google: try again later. */
  | 'unavailable'
  | 'invalid_response'
  | 'other';

export class OAuthFailure extends Error {
  override name = 'OAuthFailure';
  constructor(
    readonly reason: OAuthFailureReason,
    message: string,
    /** Google's `error` field (e.g. `invalid_grant`), when it sent one. */
    readonly googleError?: string,
  ) {
    super(message);
  }
}

export function oauthEndpoints(): NonNullable<OAuth2ClientOptions['endpoints']> {
  const base = config().googleApiBaseUrl;
  if (!base) return {};
  return {
    oauth2AuthBaseUrl: `${base}/o/oauth2/v2/auth`,
    oauth2TokenUrl: `${base}/token`,
    oauth2RevokeUrl: `${base}/revoke`,
    tokenInfoUrl: `${base}/tokeninfo`,
    // Node's verifier reads the PEM form (v1); browsers the JWK set (v3). Both serve the same keys.
    oauth2FederatedSignonPemCertsUrl: `${base}/oauth2/v1/certs`,
    oauth2FederatedSignonJwkCertsUrl: `${base}/oauth2/v3/certs`,
  };
}

function clientFor(app: OAuthApp): OAuth2Client {
  return new OAuth2Client({
    clientId: app.clientId,
    clientSecret: app.clientSecret,
    redirectUri: config().oauthRedirectUri,
    endpoints: oauthEndpoints(),
  });
}

interface HttpErrorLike {
  response?: { status?: number; data?: unknown };
}

/**
 * The HTTP response of a failed gaxios call. Duck-typed on purpose: google-auth-library bundles its
 * own gaxios major, so `instanceof GaxiosError` against another copy would be false.
 */
function httpResponseOf(error: unknown): HttpErrorLike['response'] | undefined {
  if (typeof error !== 'object' || error === null || !('response' in error)) return undefined;
  const response = (error as HttpErrorLike).response;
  return typeof response === 'object' && response !== null ? response : undefined;
}

/** Classifies a failed call to the token or revoke endpoint. */
export function classifyOAuthError(error: unknown): OAuthFailure {
  if (error instanceof OAuthFailure) return error;
  const response = httpResponseOf(error);
  if (response) {
    const status = response.status;
    const data = response.data as { error?: unknown } | undefined;
    const googleError = typeof data?.error === 'string' ? data.error : undefined;
    if (googleError === 'invalid_grant') {
      return new OAuthFailure(
        'invalid_grant',
        'Google rejected the grant (expired or revoked).',
        googleError,
      );
    }
    if (googleError === 'invalid_client' || googleError === 'unauthorized_client') {
      return new OAuthFailure(
        'invalid_client',
        'Google rejected the OAuth client id or secret.',
        googleError,
      );
    }
    if (status === undefined || status === 429 || status >= 500) {
      return new OAuthFailure(
        'unavailable',
        `Google's OAuth endpoint is unavailable (${status ?? 'network'}).`,
      );
    }
    return new OAuthFailure(
      'other',
      `Google's OAuth endpoint answered ${status} ${googleError ?? ''}`.trim(),
      googleError,
    );
  }
  return new OAuthFailure('unavailable', "Could not reach Google's OAuth endpoint.");
}

export interface AuthorizationRequest {
  state: string;
  codeChallenge: string;
  scopes: readonly string[];
  loginHint?: string;
  hostedDomain?: string;
}

export function authorizationUrl(app: OAuthApp, request: AuthorizationRequest): string {
  return clientFor(app).generateAuthUrl({
    // offline + consent: Google returns a refresh token on every link, also on a relink
    // (https://developers.google.com/identity/protocols/oauth2/web-server#offline).
    access_type: 'offline',
    prompt: 'consent',
    response_type: 'code',
    scope: [...request.scopes],
    state: request.state,
    code_challenge: request.codeChallenge,
    code_challenge_method: CodeChallengeMethod.S256,
    ...(request.loginHint ? { login_hint: request.loginHint } : {}),
    // `hd` only preselects the account chooser; the id_token's `hd` claim is what gets enforced.
    ...(request.hostedDomain ? { hd: request.hostedDomain } : {}),
  });
}

export interface CodeExchange {
  refreshToken?: string;
  accessToken?: string;
  expiresAt?: number;
  /** Space-separated granted scopes, as Google reports them. */
  scope?: string;
  idToken?: string;
}

export async function exchangeCode(app: OAuthApp, code: string, codeVerifier: string): Promise<CodeExchange> {
  try {
    const { tokens } = await clientFor(app).getToken({
      code,
      codeVerifier,
      redirect_uri: config().oauthRedirectUri,
    });
    return {
      refreshToken: tokens.refresh_token ?? undefined,
      accessToken: tokens.access_token ?? undefined,
      expiresAt: tokens.expiry_date ?? undefined,
      scope: tokens.scope ?? undefined,
      idToken: tokens.id_token ?? undefined,
    };
  } catch (error) {
    throw classifyOAuthError(error);
  }
}

export interface GoogleIdentity {
  sub: string;
  email: string;
  emailVerified: boolean;
  hostedDomain?: string;
}

/** One verifier per process, so Google's signing certificates are cached as their max-age allows. */
let verifier: OAuth2Client | undefined;

/** Verifies the id_token's signature (Google's published keys), issuer, audience and expiry. */
export async function verifyIdentity(app: OAuthApp, idToken: string): Promise<GoogleIdentity> {
  verifier ??= new OAuth2Client({ endpoints: oauthEndpoints() });
  let payload: TokenPayload | undefined;
  try {
    const ticket = await verifier.verifyIdToken({ idToken, audience: app.clientId });
    payload = ticket.getPayload();
  } catch (error) {
    if (httpResponseOf(error)) throw classifyOAuthError(error);
    throw new OAuthFailure('invalid_response', 'The id_token from Google did not verify.');
  }
  if (!payload?.sub || !payload.email) {
    throw new OAuthFailure('invalid_response', 'The id_token from Google names no account (sub, email).');
  }
  return {
    sub: payload.sub,
    email: payload.email.toLowerCase(),
    emailVerified: payload.email_verified === true,
    hostedDomain: payload.hd?.toLowerCase(),
  };
}

export interface FreshAccessToken {
  accessToken: string;
  /** Milliseconds since the epoch. */
  expiresAt: number;
  scope?: string;
}

export async function refreshAccessToken(app: OAuthApp, refreshToken: string): Promise<FreshAccessToken> {
  const client = clientFor(app);
  client.setCredentials({ refresh_token: refreshToken });
  try {
    const { credentials } = await client.refreshAccessToken();
    if (!credentials.access_token)
      throw new OAuthFailure('invalid_response', 'Google returned no access token.');
    return {
      accessToken: credentials.access_token,
      expiresAt: credentials.expiry_date ?? Date.now() + 3_000_000,
      scope: credentials.scope ?? undefined,
    };
  } catch (error) {
    throw classifyOAuthError(error);
  }
}

/**
 * Revokes a token (access or refresh; either revokes the whole grant). A token Google no longer knows
 * (`invalid_token`, already revoked or expired) counts as revoked: the outcome the caller wants.
 */
export async function revokeToken(token: string): Promise<'revoked' | 'already_invalid'> {
  try {
    await new OAuth2Client({ endpoints: oauthEndpoints() }).revokeToken(token);
    return 'revoked';
  } catch (error) {
    if (httpResponseOf(error)?.status === 400) return 'already_invalid';
    throw classifyOAuthError(error);
  }
}
