import { type ApiError, legacyError } from './errors.js';
import type { EmuRequest, EmuResponse } from './http.js';

/**
 * Google's batch endpoint of an API (`POST /batch/calendar/v3`), as documented in
 * https://developers.google.com/calendar/api/guides/batch:
 * - the body is `multipart/mixed`; each part has `Content-Type: application/http` (and an optional
 *   `Content-ID`) and holds one complete HTTP request whose URL is the path only;
 * - the outer request's headers apply to every inner call except the `Content-` ones, and an inner
 *   call's own header wins over the outer one;
 * - at most 1000 calls per batch request; each inner call counts toward quota as one request;
 * - the answer is `multipart/mixed`, one part per call, in the same order, each a complete HTTP
 *   response, with `Content-ID: <response-ID>` when the request part had `Content-ID: <ID>`.
 * Inner calls are answered one by one (each with its own status, faults and request-log entry).
 */

export const MAX_BATCH_CALLS = 1000;

export interface InnerCall {
  contentId?: string;
  request: EmuRequest;
}

const CRLF = '\r\n';

function boundaryOf(contentType: string | undefined): string | undefined {
  const match = /^multipart\/mixed\s*;.*\bboundary=(?:"([^"]+)"|([^\s;]+))/i.exec(contentType ?? '');
  return match ? (match[1] ?? match[2]) : undefined;
}

const badRequest = (message: string): ApiError =>
  legacyError(400, [{ domain: 'global', reason: 'badRequest', message }]);

/** Splits a head (lines up to the first empty line) from the rest. */
function splitHead(text: string): { head: string[]; rest: string } {
  const normalized = text.replace(/\r\n/g, '\n');
  const end = normalized.indexOf('\n\n');
  if (end < 0) return { head: normalized.split('\n'), rest: '' };
  return { head: normalized.slice(0, end).split('\n'), rest: normalized.slice(end + 2) };
}

function headersOf(lines: string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}

/** The inner calls of a batch request, with the outer headers applied (400 for a malformed batch). */
export function parseBatch(outer: EmuRequest): InnerCall[] {
  const boundary = boundaryOf(outer.headers['content-type']);
  if (!boundary) throw badRequest('A batch request must be multipart/mixed with a boundary.');
  const sections = outer.rawBody.split(`--${boundary}`);
  const closing = sections.findIndex((section) => section.startsWith('--'));
  if (closing < 0) throw badRequest('The batch request body has no closing boundary.');
  const parts = sections.slice(1, closing);
  if (parts.length === 0) throw badRequest('The batch request holds no calls.');
  if (parts.length > MAX_BATCH_CALLS) {
    throw badRequest(`A batch request may hold at most ${MAX_BATCH_CALLS} calls.`);
  }
  const inherited = Object.fromEntries(
    Object.entries(outer.headers).filter(([name]) => !name.startsWith('content-')),
  );
  return parts.map((part) => {
    const { head: partHead, rest } = splitHead(part.replace(/^\r?\n/, ''));
    const partHeaders = headersOf(partHead);
    if (!partHeaders['content-type']?.toLowerCase().startsWith('application/http')) {
      throw badRequest('Each part of a batch request must be Content-Type: application/http.');
    }
    const { head, rest: body } = splitHead(rest);
    const [requestLine = '', ...headerLines] = head;
    const line = /^([A-Z]+) (\S+)(?: HTTP\/1\.[01])?$/.exec(requestLine.trim());
    if (!line?.[1] || !line[2]?.startsWith('/')) {
      throw badRequest('Each call of a batch request starts with a method and a path (no host).');
    }
    const url = new URL(line[2], 'http://emulator.local');
    const rawBody = body.replace(/\r?\n$/, '');
    let parsed: unknown;
    try {
      parsed = rawBody.trim() ? JSON.parse(rawBody) : undefined;
    } catch {
      parsed = rawBody;
    }
    const contentId = /^<(.*)>$/.exec(partHeaders['content-id'] ?? '')?.[1];
    return {
      ...(contentId !== undefined ? { contentId } : {}),
      request: {
        method: line[1],
        path: decodeURIComponent(url.pathname),
        query: url.searchParams,
        headers: { ...inherited, ...headersOf(headerLines) },
        rawBody,
        body: parsed,
        form: new URLSearchParams(),
      },
    };
  });
}

const REASON: Record<number, string> = {
  200: 'OK',
  204: 'No Content',
  304: 'Not Modified',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  410: 'Gone',
  412: 'Precondition Failed',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** The multipart/mixed answer: one `application/http` part per call, in the calls' order. */
export function batchResponse(calls: InnerCall[], answers: EmuResponse[], boundary: string): EmuResponse {
  const parts = answers.map((answer, i) => {
    const contentId = calls[i]?.contentId;
    const payload = answer.body === undefined ? '' : JSON.stringify(answer.body);
    const innerHeaders = [
      ...Object.entries(answer.headers ?? {}).map(([name, value]) => `${name}: ${value}`),
      ...(payload ? ['Content-Type: application/json; charset=UTF-8'] : []),
      `Content-Length: ${Buffer.byteLength(payload)}`,
    ];
    return [
      `--${boundary}`,
      'Content-Type: application/http',
      ...(contentId !== undefined ? [`Content-ID: <response-${contentId}>`] : []),
      '',
      `HTTP/1.1 ${answer.status} ${REASON[answer.status] ?? ''}`.trimEnd(),
      ...innerHeaders,
      '',
      payload,
    ].join(CRLF);
  });
  return {
    status: 200,
    headers: { 'content-type': `multipart/mixed; boundary=${boundary}` },
    text: `${parts.join(CRLF)}${CRLF}--${boundary}--${CRLF}`,
  };
}
