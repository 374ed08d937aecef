import { type ErrorCode, STATUS_BY_CODE } from '../../errors.js';
import type { HttpFunctionSpec } from '../handler.js';
import type { RouteExample, RouteSchemas } from '../routeDoc.js';
import type { Access, Route } from '../router.js';
import { ERROR_SCHEMA, type JsonSchema, SchemaComponents } from './schemas.js';

/**
 * Builds the OpenAPI 3.1 document of every HTTP function from their route tables (each route's
 * `doc`), loaded only by `GET /api/openapi.json` and the tests. Paths are the Cloud Functions URLs
 * `/<function><path>` (docs/api.md#api-reference).
 */

// biome-ignore lint/suspicious/noExplicitAny: route tables of every function, whatever their context
export type AnyFunctionSpec = HttpFunctionSpec<any>;
// biome-ignore lint/suspicious/noExplicitAny: idem
type AnyRoute = Route<any>;
type Json = Record<string, unknown>;

/** The version of the contract (docs/api.md, the external contract); raised when it changes. */
const DOCUMENT_VERSION = '1.0.0';

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

export const SECURITY_SCHEMES = {
  firebaseIdToken: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description:
      'A Firebase Authentication (Identity Platform) ID token of the signed-in user. Administrator ' +
      'routes also need the custom claim `admin: true` (the role `admin` below), granted with ' +
      '`npm run admin:grant -- <email>`.',
  },
} as const;

/** The errors a route answers whatever it does: authentication, routing, body limits, faults. */
function sharedErrors(access: Access, route: AnyRoute): ErrorCode[] {
  const codes: ErrorCode[] = ['method_not_allowed', 'internal'];
  const effective = route.access ?? access;
  if (effective !== 'public') codes.push('unauthenticated');
  if (effective === 'admin') codes.push('permission_denied');
  if (BODY_METHODS.has(route.method)) codes.push('payload_too_large', 'unsupported_media_type');
  return codes;
}

/** `/contacts/:id` of function `api` → `/api/contacts/{id}`. */
export function documentedPath(functionName: string, path: string): string {
  const relative = path === '/' ? '' : path.replace(/:([A-Za-z]\w*)/g, '{$1}');
  return `/${functionName}${relative}`;
}

function operationId(method: string, path: string): string {
  const words = path
    .split('/')
    .filter(Boolean)
    .map((segment) => segment.replace(/^\{(.+)\}$/, 'by-$1'))
    .flatMap((segment) => segment.split(/[^A-Za-z0-9]+/))
    .filter(Boolean);
  return [method.toLowerCase(), ...words.map((word) => word[0]?.toUpperCase() + word.slice(1))].join('');
}

/** How a refusal example is sent, in words (its values cannot sit beside the schemas they break). */
function requestOf(example: RouteExample): string {
  const parts = [
    example.params && `path parameters ${JSON.stringify(example.params)}`,
    example.query && `query \`?${new URLSearchParams(example.query)}\``,
    example.headers && `headers ${JSON.stringify(example.headers)}`,
    example.body !== undefined && `body ${JSON.stringify(example.body)}`,
  ].filter(Boolean);
  return parts.length ? `Sent with ${parts.join(', ')}.` : 'Sent without parameters or body.';
}

function parameters(route: AnyRoute, schemas: RouteSchemas, components: SchemaComponents): Json[] {
  const accepted = route.doc.examples.filter((example) => !example.code);
  const examplesOf = (pick: (example: RouteExample) => string | undefined) => {
    const found = accepted.flatMap((example) => {
      const value = pick(example);
      return value === undefined ? [] : [[example.name, { summary: example.summary, value }]];
    });
    return found.length ? { examples: Object.fromEntries(found) } : {};
  };
  const pathNames = [...route.path.matchAll(/:([A-Za-z]\w*)/g)].map((match) => match[1] as string);
  const inPath = pathNames.map((name) => ({
    name,
    in: 'path',
    required: true,
    schema: schemas.params?.[name] ? components.inline(schemas.params[name]) : { type: 'string' },
    ...examplesOf((example) => example.params?.[name]),
  }));
  const inQuery = Object.entries(schemas.query ?? {}).map(([name, schema]) => ({
    name,
    in: 'query',
    required: !schema.safeParse(undefined).success,
    schema: components.inline(schema),
    ...(schema.description ? { description: schema.description } : {}),
    ...examplesOf((example) => example.query?.[name]),
  }));
  const inHeaders = Object.entries(route.doc.requestHeaders ?? {}).map(([name, description]) => ({
    name,
    in: 'header',
    required: false,
    description,
    schema: { type: 'string' },
    ...examplesOf((example) => example.headers?.[name]),
  }));
  return [...inPath, ...inQuery, ...inHeaders];
}

function requestBody(route: AnyRoute, schemas: RouteSchemas, components: SchemaComponents): Json | undefined {
  if (!schemas.body) return undefined;
  const examples = route.doc.examples
    .filter((example) => !example.code && example.body !== undefined)
    .map((example) => [example.name, { summary: example.summary, value: example.body }]);
  const media = {
    schema: components.ref(schemas.body, 'input'),
    ...(examples.length ? { examples: Object.fromEntries(examples) } : {}),
  };
  const types =
    route.method === 'PATCH' ? ['application/json', 'application/merge-patch+json'] : ['application/json'];
  return {
    required: route.doc.examples.every((example) => example.body !== undefined || example.code),
    content: Object.fromEntries(types.map((type) => [type, media])),
  };
}

function responses(
  access: Access,
  route: AnyRoute,
  schemas: RouteSchemas,
  components: SchemaComponents,
): Json {
  const out: Record<string, Json> = {};
  for (const success of route.doc.success) {
    const body = schemas.responses?.[success.status];
    out[String(success.status)] = {
      description: success.description,
      ...(success.headers
        ? {
            headers: Object.fromEntries(
              Object.entries(success.headers).map(([name, description]) => [
                name,
                { description, schema: { type: 'string' } },
              ]),
            ),
          }
        : {}),
      ...(body ? { content: { 'application/json': { schema: components.ref(body, 'output') } } } : {}),
    };
  }
  const codes = [...new Set([...route.doc.errors, ...sharedErrors(access, route)])];
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes)
    byStatus.set(STATUS_BY_CODE[code], [...(byStatus.get(STATUS_BY_CODE[code]) ?? []), code]);
  for (const [status, statusCodes] of [...byStatus].sort(([a], [b]) => a - b)) {
    const examples = route.doc.examples
      .filter((example) => example.code && STATUS_BY_CODE[example.code] === status)
      .map((example) => [
        example.name,
        {
          summary: example.summary,
          description: requestOf(example),
          value: { error: { code: example.code, message: example.summary } },
        },
      ]);
    out[String(status)] = {
      description: `The error envelope with code ${statusCodes.map((code) => `\`${code}\``).join(' or ')}.`,
      content: {
        'application/json': {
          schema: components.ref(ERROR_SCHEMA, 'output'),
          ...(examples.length ? { examples: Object.fromEntries(examples) } : {}),
        },
      },
    };
  }
  return out;
}

function security(access: Access, route: AnyRoute): Json[] {
  const effective = route.access ?? access;
  if (effective === 'public') return [];
  return [{ firebaseIdToken: effective === 'admin' ? ['admin'] : [] }];
}

async function operation(
  spec: AnyFunctionSpec,
  route: AnyRoute,
  components: SchemaComponents,
): Promise<Json> {
  const schemas = (await route.doc.schemas?.()) ?? {};
  const body = requestBody(route, schemas, components);
  const params = parameters(route, schemas, components);
  return {
    operationId: operationId(route.method, documentedPath(spec.name, route.path)),
    tags: [spec.name],
    summary: route.doc.summary,
    ...(route.doc.description ? { description: route.doc.description } : {}),
    security: security(spec.access, route),
    ...(params.length ? { parameters: params } : {}),
    ...(body ? { requestBody: body } : {}),
    responses: responses(spec.access, route, schemas, components),
  };
}

export interface DocumentInfo {
  /** Where the functions are reachable (PUBLIC_BASE_URL). */
  serverUrl: string;
}

export async function buildOpenApiDocument(functions: AnyFunctionSpec[], info: DocumentInfo): Promise<Json> {
  const components = new SchemaComponents();
  const paths: Record<string, Record<string, Json>> = {};
  for (const spec of functions) {
    for (const route of spec.routes as AnyRoute[]) {
      const path = documentedPath(spec.name, route.path);
      paths[path] ??= {};
      paths[path][route.method.toLowerCase()] = await operation(spec, route, components);
    }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'crm-google-sync',
      version: DOCUMENT_VERSION,
      summary: 'Two-way sync of a CRM with Google Contacts and Google Calendar.',
      description:
        'The HTTP functions of one deployment. How to call them (authentication, errors, paging, ETags, ' +
        'idempotency) is in the repository, docs/api.md; what the sync does, docs/behaviour.md.',
      license: { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' },
    },
    servers: [{ url: info.serverUrl, description: 'This deployment (PUBLIC_BASE_URL)' }],
    tags: functions.map((spec) => ({ name: spec.name, description: spec.description })),
    paths,
    components: {
      securitySchemes: SECURITY_SCHEMES,
      schemas: components.render() as Record<string, JsonSchema>,
    },
  };
}
