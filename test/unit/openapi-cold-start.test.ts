import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

/**
 * Describing routes must not cost the functions' cold start (docs/architecture.md#quality-bars): the
 * OpenAPI builder, the response schemas and the other functions' route tables load on the first
 * `GET /api/openapi.json`, not when a function loads.
 */

/** The project's own modules (paths under functions/src) a fresh process loads for `entry`. */
function modulesLoadedBy(entry: string): string[] {
  // A module hook that reports every URL loaded, installed after tsx's own.
  const script = `
    import { register } from 'node:module';
    import { MessageChannel } from 'node:worker_threads';
    const { port1, port2 } = new MessageChannel();
    const loaded = [];
    port1.on('message', (url) => loaded.push(url));
    const hooks = 'let port; export function initialize(data) { port = data.port; }' +
      'export async function load(url, context, next) { port.postMessage(url); return next(url, context); }';
    register('data:text/javascript,' + encodeURIComponent(hooks), { data: { port: port2 }, transferList: [port2] });
    await import(${JSON.stringify(entry)});
    await new Promise((resolve) => setTimeout(resolve, 100));
    port1.close();
    console.log(JSON.stringify(loaded));
  `;
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    encoding: 'utf8',
    env: { ...process.env, GOOGLE_CLOUD_PROJECT: 'demo-cold', PUBLIC_BASE_URL: 'http://127.0.0.1:1' },
  });
  assert.equal(result.status, 0, result.stderr);
  const urls = JSON.parse(result.stdout.trim().split('\n').pop() ?? '[]') as string[];
  return urls.flatMap((url) =>
    url.includes('/functions/src/') ? [url.split('/functions/src/')[1] ?? ''] : [],
  );
}

const DOCUMENT_ONLY = [
  'http/openapi/document.ts',
  'http/openapi/schemas.ts',
  'routes/responses.ts',
  'routes/documentedFunctions.ts',
];

describe('cold start with route descriptions', function () {
  this.timeout(30_000);

  it('when api loads, then its route tables do but the OpenAPI builder and response schemas do not', () => {
    const loaded = modulesLoadedBy('./functions/src/entry/api.ts');
    assert.ok(loaded.includes('routes/openapi.ts'), 'the route that serves the document is part of api');
    assert.ok(loaded.includes('routes/api/contacts.ts'));
    for (const module of DOCUMENT_ONLY) assert.ok(!loaded.includes(module), `${module} loaded at cold start`);
    assert.ok(!loaded.includes('routes/settings/index.ts'), "another function's routes loaded at cold start");
  });

  it('when settings loads, then the app modules whose schemas it documents stay unloaded', () => {
    const loaded = modulesLoadedBy('./functions/src/entry/settings.ts');
    assert.ok(loaded.includes('routes/settings/google.ts'));
    assert.ok(!loaded.includes('app/settings/googleSettings.ts'), 'the Google settings use case loaded');
    assert.ok(!loaded.includes('app/settings/schedule.ts'), 'the schedule use case loaded');
    for (const module of DOCUMENT_ONLY) assert.ok(!loaded.includes(module), `${module} loaded at cold start`);
  });
});
