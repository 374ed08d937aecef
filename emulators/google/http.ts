import type { IncomingMessage, ServerResponse } from 'node:http';

export interface EmuRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | undefined>;
  rawBody: string;
  /** Parsed JSON body, or the form fields as an object for urlencoded bodies. */
  body: unknown;
  form: URLSearchParams;
}

export interface EmuResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** A non-JSON body (HTML error pages); sent as is. */
  text?: string;
}

export async function readRequest(req: IncomingMessage): Promise<EmuRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const rawBody = Buffer.concat(chunks).toString('utf8');
  const url = new URL(req.url ?? '/', 'http://emulator.local');
  const headers: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
  const contentType = headers['content-type'] ?? '';
  let form = new URLSearchParams();
  let body: unknown;
  if (contentType.includes('application/x-www-form-urlencoded')) {
    form = new URLSearchParams(rawBody);
    body = Object.fromEntries(form);
  } else if (rawBody.trim().length > 0) {
    try {
      body = JSON.parse(rawBody);
    } catch {
      body = undefined;
    }
  }
  let path = url.pathname;
  try {
    path = decodeURIComponent(url.pathname);
  } catch {
    // keep the raw path
  }
  return {
    method: (req.method ?? 'GET').toUpperCase(),
    path,
    query: url.searchParams,
    headers,
    rawBody,
    body,
    form,
  };
}

export function writeResponse(res: ServerResponse, out: EmuResponse): void {
  const headers: Record<string, string> = { ...(out.headers ?? {}) };
  let payload = '';
  if (out.text !== undefined) {
    payload = out.text;
    headers['content-type'] ??= 'text/html; charset=utf-8';
  } else if (out.body !== undefined) {
    payload = JSON.stringify(out.body);
    headers['content-type'] ??= 'application/json; charset=UTF-8';
  }
  headers['content-length'] = String(Buffer.byteLength(payload));
  res.writeHead(out.status, headers);
  res.end(payload);
}

export const json = (body: unknown, status = 200, headers?: Record<string, string>): EmuResponse => ({
  status,
  body,
  headers,
});

export function asObject(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}
