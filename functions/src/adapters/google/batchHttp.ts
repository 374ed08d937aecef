import { randomBytes } from 'node:crypto';

/**
 * The wire format of Google's per-API batch endpoints (https://developers.google.com/calendar/api/guides/batch):
 * a `multipart/mixed` request whose parts (`Content-Type: application/http`, a `Content-ID`) each
 * hold one HTTP request with a path-only URL; the outer request's headers (Authorization) apply to
 * every part. The answer is `multipart/mixed` with one HTTP response per part, in the same order,
 * `Content-ID: <response-ID>`.
 */

export interface InnerRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** Path and query, e.g. `/calendar/v3/calendars/primary/events?sendUpdates=all`. */
  path: string;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface InnerResponse {
  status: number;
  headers: Record<string, string>;
  /** Parsed JSON, or undefined for an empty body. */
  data: unknown;
}

const CRLF = '\r\n';

export function batchRequestBody(requests: InnerRequest[]): { contentType: string; body: string } {
  const boundary = `batch_${randomBytes(12).toString('hex')}`;
  const parts = requests.map((request, index) => {
    const payload = request.body === undefined ? undefined : JSON.stringify(request.body);
    return [
      `--${boundary}`,
      'Content-Type: application/http',
      `Content-ID: <item${index}>`,
      '',
      `${request.method} ${request.path} HTTP/1.1`,
      ...Object.entries(request.headers ?? {}).map(([name, value]) => `${name}: ${value}`),
      ...(payload === undefined ? [] : ['Content-Type: application/json; charset=UTF-8']),
      '',
      payload ?? '',
    ].join(CRLF);
  });
  return {
    contentType: `multipart/mixed; boundary=${boundary}`,
    body: `${parts.join(CRLF)}${CRLF}--${boundary}--${CRLF}`,
  };
}

function splitHead(text: string): { head: string[]; rest: string } {
  const normalized = text.replace(/\r\n/g, '\n');
  const end = normalized.indexOf('\n\n');
  return end < 0
    ? { head: normalized.split('\n'), rest: '' }
    : { head: normalized.slice(0, end).split('\n'), rest: normalized.slice(end + 2) };
}

function headersOf(lines: string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}

/**
 * The inner responses of a batch answer, by the index of their request (from `Content-ID:
 * <response-itemN>`; Google answers in order, which is the fallback). Throws when the answer is not
 * a multipart/mixed body of `expected` parts.
 */
export function parseBatchResponse(contentType: string, text: string, expected: number): InnerResponse[] {
  const boundary = /boundary=(?:"([^"]+)"|([^\s;]+))/i.exec(contentType);
  const marker = boundary?.[1] ?? boundary?.[2];
  if (!marker) throw new Error(`A batch answer must be multipart/mixed, not ${contentType}.`);
  const sections = text.split(`--${marker}`);
  const closing = sections.findIndex((section) => section.startsWith('--'));
  const parts = sections.slice(1, closing < 0 ? undefined : closing);
  const responses: InnerResponse[] = new Array(expected);
  parts.forEach((part, order) => {
    const { head: partHead, rest } = splitHead(part.replace(/^\r?\n/, ''));
    const id = /<response-item(\d+)>/.exec(headersOf(partHead)['content-id'] ?? '')?.[1];
    const { head, rest: body } = splitHead(rest);
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head[0] ?? '')?.[1]);
    if (!Number.isInteger(status)) throw new Error('A part of the batch answer is no HTTP response.');
    const trimmed = body.trim();
    responses[id === undefined ? order : Number(id)] = {
      status,
      headers: headersOf(head.slice(1)),
      data: trimmed ? JSON.parse(trimmed) : undefined,
    };
  });
  for (let index = 0; index < expected; index++) {
    if (parts.length !== expected || responses[index] === undefined) {
      throw new Error(`The batch answer holds ${parts.length} responses for ${expected} requests.`);
    }
  }
  return responses;
}
