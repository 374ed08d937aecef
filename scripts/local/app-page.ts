/**
 * The page under `/app/` that `oauthCallback` sends the browser back to locally (SPEC §4.1 APP_URL):
 * it shows the outcome of linking a Google account from the query string.
 */
export function appPage(query: URLSearchParams): string {
  const outcome = query.get('link');
  const code = query.get('code');
  const missing = query.get('missing');
  const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  let message = 'crm-google-sync is running.';
  if (outcome === 'ok') message = 'Your Google account is linked.';
  if (outcome === 'error') message = `Linking failed: ${escapeHtml(code ?? 'unknown error')}.`;
  const missingLine = missing ? `<p>Not granted: ${escapeHtml(missing)}</p>` : '';
  return `<!doctype html><html><head><meta charset="utf-8"><title>crm-google-sync</title></head><body><h1>${message}</h1>${missingLine}</body></html>`;
}
