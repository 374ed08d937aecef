import { texts } from './texts.js';

/**
 * The outcome that `oauthCallback` put in the query when it sent the browser back (docs/api.md:
 * `?link=ok[&missing=…]`, `?link=error&code=…`, the same with `mailbox`), in words.
 */
export function linkOutcome(query: URLSearchParams): { text: string; error: boolean } | undefined {
  const which = query.has('link') ? 'link' : query.has('mailbox') ? 'mailbox' : undefined;
  if (!which) return undefined;
  const missing = query.get('missing');
  if (query.get(which) === 'ok') {
    const ok = which === 'link' ? texts.outcome.linkOk : texts.outcome.mailboxOk;
    return { text: missing ? `${ok} ${texts.outcome.missing(missing)}` : ok, error: Boolean(missing) };
  }
  const code = query.get('code') ?? 'unknown';
  const failed = which === 'link' ? texts.outcome.linkFailed : texts.outcome.mailboxFailed;
  return { text: `${failed} ${texts.outcome.codes[code] ?? texts.outcome.unknownCode(code)}`, error: true };
}
