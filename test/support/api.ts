import { testStack } from './stack.js';
import type { TestUser } from './users.js';

/** Calls to the product's HTTP API behind the gateway of the shared test stack. */

// biome-ignore lint/suspicious/noExplicitAny: test replies are read loosely
export type Json = any;

export interface ApiReply<T = Json> {
  status: number;
  headers: Headers;
  /** The parsed body; undefined when the body is empty. */
  json: T;
  etag: string | null;
}

export interface ApiRequest {
  /** An ID token, sent as `authorization: Bearer …`. */
  token?: string;
  /** Sent as JSON (`content-type: application/json`); a string `rawBody` is sent as it is instead. */
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
}

/** `method path` against the gateway, e.g. `callApi('GET', '/api/me', { token })`. */
export async function callApi<T = Json>(
  method: string,
  path: string,
  { token, body, rawBody, headers = {} }: ApiRequest = {},
): Promise<ApiReply<T>> {
  const { baseUrl } = await testStack();
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    body: rawBody ?? (body === undefined ? undefined : JSON.stringify(body)),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    json: (text ? JSON.parse(text) : undefined) as T,
    etag: response.headers.get('etag'),
  };
}

/** The CRM API (`/api…`) as `user`, or unauthenticated without one. */
export function api<T = Json>(
  user: TestUser | undefined,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<ApiReply<T>> {
  return callApi<T>(method, `/api${path}`, { token: user?.idToken, body, headers });
}
