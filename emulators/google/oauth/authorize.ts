import type { EmuRequest, EmuResponse } from '../http.js';
import type { Account } from '../state/accounts.js';
import type { EmulatorState } from '../state/state.js';
import { canonicalScope, SIGN_IN_SCOPES } from './scopes.js';

/** Google shows these as browser pages (not redirects): "Error 400: redirect_uri_mismatch" etc. */
function errorPage(status: number, error: string, detail: string): EmuResponse {
  const text = `<!DOCTYPE html><html><head><title>Error ${status}: ${error}</title></head><body><h1>Access blocked: Authorization Error</h1><p>Error ${status}: ${error}</p><p>${escapeHtml(detail)}</p></body></html>`;
  return { status, text };
}

const escapeHtml = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

function redirect(redirectUri: string, params: Record<string, string | undefined>): EmuResponse {
  const url = new URL(redirectUri);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
  return { status: 302, headers: { location: url.toString() }, text: '' };
}

function pickAccount(state: EmulatorState, email: string | undefined, loginHint: string | null): Account {
  const wanted = email ?? loginHint ?? undefined;
  if (wanted) {
    const bySub = [...state.accounts.values()].find((a) => a.sub === wanted);
    if (bySub) return bySub;
    if (wanted.includes('@')) return state.account(wanted) ?? state.addAccount({ email: wanted });
  }
  return state.defaultAccount();
}

/**
 * GET /o/oauth2/v2/auth — the authorization endpoint, without UI: the test account consents at once
 * (or denies / grants some scopes, as queued through the control API) and the browser is redirected.
 */
export function authorize(req: EmuRequest, state: EmulatorState): EmuResponse {
  const q =
    req.method === 'POST'
      ? new URLSearchParams({ ...Object.fromEntries(req.query), ...Object.fromEntries(req.form) })
      : req.query;
  const clientId = q.get('client_id');
  if (!clientId) return errorPage(400, 'invalid_request', 'Missing required parameter: client_id');
  const client = state.clients.get(clientId);
  if (!client) return errorPage(401, 'invalid_client', 'The OAuth client was not found.');
  const redirectUri = q.get('redirect_uri');
  if (!redirectUri) return errorPage(400, 'invalid_request', 'Missing required parameter: redirect_uri');
  if (!client.redirectUris.includes(redirectUri)) {
    return errorPage(
      400,
      'redirect_uri_mismatch',
      `You can't sign in to this app because it doesn't comply with Google's OAuth 2.0 policy. If you're the app developer, register the redirect URI in the Google Cloud Console. Request details: redirect_uri=${redirectUri}`,
    );
  }
  const stateParam = q.get('state') ?? undefined;
  const responseType = q.get('response_type');
  if (responseType !== 'code') {
    return redirect(redirectUri, { error: 'unsupported_response_type', state: stateParam });
  }
  const scopeParam = q.get('scope');
  if (!scopeParam) return errorPage(400, 'invalid_request', 'Missing required parameter: scope');
  const challenge = q.get('code_challenge') ?? undefined;
  const method = q.get('code_challenge_method') ?? (challenge ? 'plain' : undefined);
  if (method && (!challenge || !['S256', 'plain'].includes(method))) {
    return errorPage(400, 'invalid_request', 'Invalid code_challenge_method or missing code_challenge.');
  }

  const directive = state.oauth.consentQueue.shift() ?? { action: 'grant' as const };
  const account = pickAccount(state, directive.email, q.get('login_hint'));
  const requested = [...new Set(scopeParam.split(/\s+/).filter(Boolean))];
  const prompt = (q.get('prompt') ?? '').split(/\s+/);
  const now = state.now();
  const existing = state.oauth.grants.get(`${clientId}|${account.email.toLowerCase()}`);
  const existingLive = existing && !existing.revoked ? existing : undefined;

  if (prompt.includes('none')) {
    const covered = existingLive && requested.every((s) => existingLive.scopes.has(canonicalScope(s)));
    if (!covered) return redirect(redirectUri, { error: 'consent_required', state: stateParam });
  } else if (directive.action === 'deny') {
    return redirect(redirectUri, { error: 'access_denied', state: stateParam });
  }

  const granted = requested.filter(
    (s) =>
      SIGN_IN_SCOPES.has(s) || !directive.scopes || directive.scopes.includes(s) || prompt.includes('none'),
  );
  const grant = state.oauth.grantFor(clientId, account.email, now);
  const hadRefreshToken = [...state.oauth.refreshTokens.values()].some((t) => t.grantId === grant.id);
  let scopes = granted.map(canonicalScope);
  if (q.get('include_granted_scopes') === 'true') scopes = [...new Set([...grant.scopes, ...scopes])];
  for (const s of scopes) grant.scopes.add(s);

  const offline = q.get('access_type') === 'offline';
  const code = state.oauth.issueCode(
    {
      grantId: grant.id,
      clientId,
      redirectUri,
      email: account.email,
      scopes,
      codeChallenge: challenge,
      codeChallengeMethod: method,
      offline,
      issueRefreshToken: offline && (prompt.includes('consent') || !hadRefreshToken),
      nonce: q.get('nonce') ?? undefined,
    },
    now,
  );
  return redirect(redirectUri, {
    state: stateParam,
    code: code.code,
    scope: scopes.join(' '),
    authuser: '0',
    hd: account.hd,
    prompt: prompt.includes('consent') ? 'consent' : 'none',
  });
}
