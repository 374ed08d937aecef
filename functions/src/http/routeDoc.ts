import type { z } from 'zod';
import type { ErrorCode } from '../errors.js';

/**
 * What a route declares about itself, next to its handler, so the OpenAPI document
 * (`GET /api/openapi.json`, docs/api.md#api-reference) is built from the route tables and cannot
 * drift from them. The summary, codes and examples are plain data; the zod schemas are behind
 * `schemas()`, called only when the document is built, so a route that validates with a schema of a
 * lazily loaded module keeps that module off the function's cold start.
 */

/** A schema with the name it has under `#/components/schemas/` in the document. */
export interface NamedSchema {
  name: string;
  schema: z.ZodType;
}

export function named(name: string, schema: z.ZodType): NamedSchema {
  return { name, schema };
}

/** The same zod schemas the route validates with (requests) and answers with (responses). */
export interface RouteSchemas {
  /** Path parameters by name (`:id` → `id`); a parameter left out is documented as a string. */
  params?: Record<string, z.ZodType>;
  /** Query parameters by name; all optional unless the schema refuses `undefined`. */
  query?: Record<string, z.ZodType>;
  body?: NamedSchema;
  /** The body of each success status the route answers (none for 204 and redirects). */
  responses?: Partial<Record<number, NamedSchema>>;
}

export interface SuccessDoc {
  status: number;
  description: string;
  /** Response headers by name, e.g. `ETag`, `Location`. */
  headers?: Record<string, string>;
}

/**
 * State a running function needs before an example answers as documented (the tests set it up):
 * the administrator's OAuth app, the caller's linked Google account, a run of theirs, the example
 * contact carrying the example tag, the Scheduler job that the deployment creates, the Gmail
 * provider's OAuth client, a mailbox of the caller's linked through it, the watch channel of the
 * caller's linked calendar.
 */
export type ExampleRequirement =
  | 'googleApp'
  | 'linkedAccount'
  | 'syncRun'
  | 'taggedContact'
  | 'syncTickJob'
  | 'mailApp'
  | 'linkedMailbox'
  | 'watchedCalendar';

export interface RouteExample {
  /** The example's key in the document, unique within its route. */
  name: string;
  summary: string;
  /** Path parameters; ids from `EXAMPLE_IDS` stand for records of the kind they name. */
  params?: Record<string, string>;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: unknown;
  /** The status the running function answers to this request. */
  status: number;
  /** For a refusal: the machine code of the error envelope. */
  code?: ErrorCode;
  /** Who sends it (the function's access level when left out; `anonymous` sends no token). */
  as?: 'anonymous' | 'user' | 'admin';
  requires?: ExampleRequirement[];
}

export interface RouteDoc {
  summary: string;
  /** Markdown; say what the route does that its schemas do not (rules, side effects). */
  description?: string;
  /** The request headers the route reads, by name, with what they mean. */
  requestHeaders?: Record<string, string>;
  success: SuccessDoc[];
  /**
   * The error codes this route can answer besides those every route of its function shares
   * (authentication, 405, body limits, internal): listed so clients know what to handle.
   */
  errors: ErrorCode[];
  /** At least one; each is sent to the running function by the tests and answers as declared. */
  examples: [RouteExample, ...RouteExample[]];
  schemas?: () => RouteSchemas | Promise<RouteSchemas>;
}

/**
 * Record ids the examples use. The tests stand a fresh record of that kind in for each before they
 * send an example, so an example reads like a real call and still answers as documented.
 */
export const EXAMPLE_IDS = {
  contact: 'c7WqYz2LmN4pR8sT1vXa',
  tag: 't5FgH7jK9lZ1xC3vB5nM',
  activity: 'a3SdF5gH7jK9lQ1wE3rT',
  run: 'r1ZxC3vB5nM7qW9eR1tY',
  account: 'g8UiO0pA2sD4fG6hJ8kL',
  mailbox: 'm4QwE6rT8yU0iO2pA4sD',
  /** A watch channel of a linked calendar, its secret token and Google's id of the calendar. */
  channel: '7f1c2a9e-4b3d-4c8e-9a6f-2d5b8e1c0a47',
  channelToken: 'exampleChannelToken0000000000000000',
  calendarResource: 'exampleCalendarResource000',
  /** Names no record: the examples of 404. */
  missing: 'noSuchRecord00000000',
} as const;

/** An example refused with 404 because its id names no record (`{id: EXAMPLE_IDS.missing}` by default). */
export function unknownExample(
  summary: string,
  params: Record<string, string> = { id: EXAMPLE_IDS.missing },
  name = 'unknown',
): RouteExample {
  return { name, summary, params, status: 404, code: 'not_found' };
}

/** An example refused with 400 `invalid_argument`. */
export function invalidExample(
  name: string,
  summary: string,
  request: Omit<RouteExample, 'name' | 'summary' | 'status' | 'code'>,
): RouteExample {
  return { name, summary, ...request, status: 400, code: 'invalid_argument' };
}
