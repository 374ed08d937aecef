import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

/**
 * Cloud Functions loads the same `main` module for every function (docs/architecture.md#quality-bars cold start): loading it
 * must not pull in any function's client libraries; each loads what it needs on its first request.
 */

const HEAVY = [
  '@google-cloud/firestore',
  'googleapis',
  'firebase-admin',
  'google-gax',
  '@google-cloud/pubsub',
];

/** The packages a fresh Node process has loaded after importing the given modules. */
function loadedAfterImporting(modules: string[]): string[] {
  const script = `
    for (const module of ${JSON.stringify(modules)}) await import(module);
    const { createRequire } = await import('node:module');
    console.log(JSON.stringify(Object.keys(createRequire(import.meta.url).cache)));
  `;
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    encoding: 'utf8',
    env: { ...process.env, GOOGLE_CLOUD_PROJECT: 'demo-cold', PUBLIC_BASE_URL: 'http://127.0.0.1:1' },
  });
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout.trim().split('\n').pop() ?? '[]') as string[];
}

function assertNotLoaded(loaded: string[], packages: string[]): void {
  for (const name of packages) {
    assert.ok(
      !loaded.some((path) => path.includes(`/node_modules/${name}/`)),
      `${name} was loaded at cold start`,
    );
  }
}

describe('cold start of the main module', () => {
  it('when the main module is imported, then no Google client library or Firestore is loaded', () => {
    const loaded = loadedAfterImporting(['./functions/src/index.ts']);
    assert.ok(
      loaded.some((path) => path.includes('functions-framework')),
      'the framework itself is loaded',
    );
    assertNotLoaded(loaded, HEAVY);
  });

  it('when a function serves only public routes, then loading it does not load firebase-admin', () => {
    const loaded = loadedAfterImporting([
      './functions/src/entry/oauthCallback.ts',
      './functions/src/entry/syncTick.ts',
    ]);
    assertNotLoaded(loaded, HEAVY);
  });
});
