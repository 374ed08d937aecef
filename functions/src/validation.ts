import type { z } from 'zod';

/**
 * zod issues as the API's `details.fields` (docs/api.md: "details name the fields"): each bad field by
 * its path (`emails.0.address`), unknown fields by their own name, so a client can show the message
 * next to the input.
 */

export type FieldErrors = Record<string, string>;

function fieldName(path: readonly PropertyKey[], fallback: string): string {
  return path.length ? path.map(String).join('.') : fallback;
}

export function fieldErrors(error: z.ZodError): FieldErrors {
  const fields: FieldErrors = {};
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) fields[fieldName([...issue.path, key], key)] = 'is not a known field';
      continue;
    }
    const name = fieldName(issue.path, 'body');
    fields[name] ??= issue.message;
  }
  return fields;
}
