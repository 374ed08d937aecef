import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type AnyFunctionSpec,
  buildOpenApiDocument,
  documentedPath,
} from '../../functions/src/http/openapi/document.js';
import { HTTP_FUNCTIONS } from '../../functions/src/index.js';
import { apiFunction } from '../../functions/src/routes/api/index.js';
import { documentedFunctions } from '../../functions/src/routes/documentedFunctions.js';

/**
 * The OpenAPI document (docs/api.md#api-reference) against the route tables the functions serve, and
 * `redocly lint` over it, offline. The running functions answer the examples in
 * test/integration/openapi.test.ts.
 */

// biome-ignore lint/suspicious/noExplicitAny: the document is read as plain JSON
type Json = any;

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/** The route table each deployed function serves: the spec its entry module was built from. */
async function servedFunctions(): Promise<AnyFunctionSpec[]> {
  return Promise.all(
    HTTP_FUNCTIONS.map(async (name) => {
      const entry = (await import(`../../functions/src/entry/${name}.js`)) as {
        default: { spec: AnyFunctionSpec };
      };
      return entry.default.spec;
    }),
  );
}

function operations(document: Json): string[] {
  return Object.entries(document.paths as Record<string, Json>).flatMap(([path, item]) =>
    Object.keys(item)
      .filter((method) => METHODS.includes(method))
      .map((method) => `${method.toUpperCase()} ${path}`),
  );
}

function redoclyLint(document: unknown): { status: number | null; output: string } {
  const file = join(mkdtempSync(join(tmpdir(), 'openapi-')), 'openapi.json');
  writeFileSync(file, JSON.stringify(document));
  const result = spawnSync('npx', ['--no-install', 'redocly', 'lint', '--config', 'redocly.yaml', file], {
    encoding: 'utf8',
    // Offline and quiet: no usage data, no update check (redocly.yaml also says telemetry: off).
    env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('OpenAPI document', function () {
  this.timeout(60_000);
  let document: Json;
  let served: AnyFunctionSpec[];

  before(async () => {
    served = await servedFunctions();
    document = await buildOpenApiDocument(await documentedFunctions(apiFunction), {
      serverUrl: 'http://127.0.0.1:8080',
    });
  });

  it('when the document is built, then it describes exactly the HTTP functions the deployment has', () => {
    assert.deepEqual(
      document.tags.map((tag: Json) => tag.name),
      [...HTTP_FUNCTIONS],
    );
  });

  it('when a function serves a route, then the document has it; every documented operation is served', () => {
    const servedOperations = served.flatMap((spec) =>
      spec.routes.map((route) => `${route.method} ${documentedPath(spec.name, route.path)}`),
    );
    assert.deepEqual([...operations(document)].sort(), [...servedOperations].sort());
    assert.ok(servedOperations.includes('GET /api/openapi.json'));
    assert.ok(servedOperations.includes('DELETE /api/contacts/{id}/tags/{tagId}'));
  });

  it('when a route is public, then its operation needs no token; the others name the ID token scheme', () => {
    const get = (path: string, method: string) => document.paths[path][method];
    assert.deepEqual(get('/api/openapi.json', 'get').security, []);
    assert.deepEqual(get('/oauthCallback', 'get').security, []);
    assert.deepEqual(get('/api/contacts', 'get').security, [{ firebaseIdToken: [] }]);
    assert.deepEqual(get('/settings/google', 'put').security, [{ firebaseIdToken: ['admin'] }]);
    assert.equal(document.components.securitySchemes.firebaseIdToken.scheme, 'bearer');
  });

  it('when a route declares error codes, then each answers the error envelope under its status', () => {
    const responses = document.paths['/api/contacts/{id}'].patch.responses;
    assert.match(responses['412'].description, /precondition_failed/);
    assert.match(responses['400'].description, /invalid_argument/);
    assert.match(responses['401'].description, /unauthenticated/);
    assert.equal(responses['412'].content['application/json'].schema.$ref, '#/components/schemas/Error');
    assert.equal(responses['200'].content['application/json'].schema.$ref, '#/components/schemas/Contact');
    assert.ok(responses['200'].headers.ETag);
  });

  it('when a request body is documented, then its schema is the zod schema the route validates with', async () => {
    const newContact = document.components.schemas.NewContact;
    assert.equal(newContact.additionalProperties, false, 'unknown fields are refused');
    assert.equal(newContact.properties.givenName.maxLength, 100);
    assert.deepEqual(document.components.schemas.NewTag.properties.type.enum, [
      'personal',
      'corporate',
      'public',
    ]);
  });

  it('when a route has examples, then the accepted ones parse with its request schemas and names are unique', async () => {
    for (const spec of served) {
      for (const route of spec.routes) {
        const where = `${route.method} ${documentedPath(spec.name, route.path)}`;
        const names = route.doc.examples.map((example) => example.name);
        assert.equal(new Set(names).size, names.length, `${where}: example names repeat`);
        const schemas = (await route.doc.schemas?.()) ?? {};
        for (const example of route.doc.examples) {
          assert.equal(
            example.code !== undefined,
            example.status >= 400,
            `${where} ${example.name}: code and status`,
          );
          if (example.code || example.body === undefined) continue;
          assert.ok(schemas.body, `${where} ${example.name}: a body example without a body schema`);
          const parsed = schemas.body.schema.safeParse(example.body);
          assert.ok(parsed.success, `${where} ${example.name}: ${JSON.stringify(parsed.error?.issues)}`);
        }
      }
    }
  });

  it('when redocly lints the document offline, then it passes; a broken example is caught', () => {
    const clean = redoclyLint(document);
    assert.equal(clean.status, 0, clean.output);
    const broken = structuredClone(document);
    const media = broken.paths['/api/tags'].post.requestBody.content['application/json'];
    media.examples.personal.value = { name: 'Google', type: 'secret' };
    const refused = redoclyLint(broken);
    assert.notEqual(refused.status, 0, 'an example outside its schema must fail the lint');
    assert.match(refused.output, /no-invalid-media-type-examples/);
  });
});
