import type { z } from 'zod';
import { type AppError, invalidArgument } from '../../errors.js';
import { type FieldErrors, fieldErrors } from '../../validation.js';

/**
 * Turns zod results into the API's 400 `invalid_argument` with `details.fields` naming each bad
 * field by its path (`emails.0.address`), so a client can show the message next to the input.
 */

export function invalid(fields: FieldErrors, message = 'The request has invalid fields.'): AppError {
  return invalidArgument(`${message} ${describe(fields)}`.trim(), fields);
}

function describe(fields: FieldErrors): string {
  return Object.entries(fields)
    .slice(0, 5)
    .map(([name, problem]) => `${name}: ${problem}.`)
    .join(' ');
}

/** Parses `input` or throws 400 naming the fields. */
export function parseOrThrow<Schema extends z.ZodType>(schema: Schema, input: unknown): z.output<Schema> {
  const result = schema.safeParse(input);
  if (!result.success) throw invalid(fieldErrors(result.error));
  return result.data;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks the top level of a JSON merge patch before it is applied: it must be an object, and it may
 * name only writable fields (read-only and unknown ones are refused, docs/api.md).
 */
export function checkPatchKeys(patch: unknown, writable: readonly string[], readOnly: readonly string[]) {
  if (!isPlainObject(patch)) throw invalid({ body: 'must be a JSON object (a JSON merge patch)' });
  const fields: FieldErrors = {};
  for (const key of Object.keys(patch)) {
    if (readOnly.includes(key)) fields[key] = 'is read-only';
    else if (!writable.includes(key)) fields[key] = 'is not a known field';
  }
  if (Object.keys(fields).length) throw invalid(fields);
  return patch;
}

/** RFC 7396 JSON merge patch: objects merge recursively, `null` removes, anything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return patch;
  const result: Record<string, unknown> = isPlainObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}
