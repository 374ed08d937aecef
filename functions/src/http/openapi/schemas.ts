import { z } from 'zod';
import { type ErrorCode, STATUS_BY_CODE } from '../../errors.js';
import type { NamedSchema } from '../routeDoc.js';

/**
 * zod → JSON Schema 2020-12 (the dialect of OpenAPI 3.1) with zod 4's own `z.toJSONSchema`. Every
 * named schema becomes `#/components/schemas/<name>`; one registry per direction, because a request
 * is described as zod reads it (defaults make fields optional) and a response as it is written.
 */

export type JsonSchema = Record<string, unknown>;
type Io = 'input' | 'output';

const ERROR_CODES = Object.keys(STATUS_BY_CODE) as [ErrorCode, ...ErrorCode[]];

/** The error envelope of every refusal and failure (docs/api.md#errors). */
export const ErrorSchema = z.strictObject({
  error: z.strictObject({
    code: z.enum(ERROR_CODES).describe('Stable machine code; the HTTP status follows from it.'),
    message: z.string().describe('What went wrong, in words a person can act on.'),
    details: z
      .record(z.string(), z.unknown())
      .optional()
      .describe('For `invalid_argument`: `fields`, each bad field by its path with what is wrong.'),
  }),
});

export const ERROR_SCHEMA: NamedSchema = { name: 'Error', schema: ErrorSchema };

/** Collects the named schemas of one document and renders them as components. */
export class SchemaComponents {
  private readonly registries = { input: z.registry<{ id: string }>(), output: z.registry<{ id: string }>() };
  private readonly names = new Map<string, { schema: z.ZodType; io: Io }>();

  /** Registers `named` for one direction and returns its `$ref`. */
  ref(named: NamedSchema, io: Io): JsonSchema {
    const known = this.names.get(named.name);
    if (known && (known.schema !== named.schema || known.io !== io)) {
      throw new Error(`Two different schemas are named ${named.name} in the OpenAPI document.`);
    }
    if (!known) {
      this.names.set(named.name, { schema: named.schema, io });
      this.registries[io].add(named.schema, { id: named.name });
    }
    return { $ref: `#/components/schemas/${named.name}` };
  }

  /** An unnamed schema inline (parameters), in the request direction. */
  inline(schema: z.ZodType): JsonSchema {
    return clean(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema);
  }

  render(): Record<string, JsonSchema> {
    const schemas: Record<string, JsonSchema> = {};
    for (const io of ['input', 'output'] as const) {
      const rendered = z.toJSONSchema(this.registries[io], {
        io,
        unrepresentable: 'any',
        uri: (id) => `#/components/schemas/${id}`,
      }).schemas as Record<string, JsonSchema>;
      for (const [name, schema] of Object.entries(rendered)) schemas[name] = clean(schema);
    }
    return Object.fromEntries(Object.entries(schemas).sort(([a], [b]) => a.localeCompare(b)));
  }
}

/** Drops the keywords that only a standalone JSON Schema document needs. */
function clean({ $schema: _schema, $id: _id, ...schema }: JsonSchema): JsonSchema {
  return schema;
}
