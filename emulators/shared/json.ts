/**
 * JSON for the local REST emulators: request bodies, and enums as names or numbers the way the
 * official clients send and expect them.
 */
import type { IncomingMessage } from 'node:http';
import { ApiError } from './api-error.js';

export type JsonObject = Record<string, unknown>;

/** Reads a JSON object body; an empty body is `{}` (gax sends `{}` or nothing for body-less calls). */
export async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<JsonObject> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw new ApiError('INVALID_ARGUMENT', `Request body exceeds ${maxBytes} bytes.`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ApiError('INVALID_ARGUMENT', 'Invalid JSON payload received.');
  }
  if (!isObject(parsed)) throw new ApiError('INVALID_ARGUMENT', 'Request body must be a JSON object.');
  return parsed;
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The official Node clients ask for enums as numbers (`$alt=json;enum-encoding=int`, see
 * google-gax fallbackRest.encodeRequest); plain REST callers get the names, as Google does.
 */
export function wantsIntEnums(url: URL): boolean {
  return (url.searchParams.get('$alt') ?? '').includes('enum-encoding=int');
}

/** Accepts an enum as its name or its number (numeric-enum clients send numbers). */
export function parseEnum<T extends string>(value: unknown, names: readonly T[], field: string): T {
  const name = typeof value === 'number' ? names[value] : names.find((n) => n === value);
  if (name === undefined)
    throw new ApiError('INVALID_ARGUMENT', `Invalid value for ${field}: ${String(value)}`);
  return name;
}

export function formatEnum<T extends string>(value: T, names: readonly T[], asInt: boolean): T | number {
  return asInt ? names.indexOf(value) : value;
}
