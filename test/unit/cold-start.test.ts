import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

/**
 * Cloud Functions loads the same `main` module for every function (SPEC §5 cold start): loading it
 * must not pull in any function's client libraries; they load on that function's first request.
 */
describe('cold start of the main module', () => {
  it('when the main module is imported, then no Google client library or Firestore is loaded', () => {
    const script = `
      await import('./functions/src/index.ts');
      const { createRequire } = await import('node:module');
      const loaded = Object.keys(createRequire(import.meta.url).cache);
      console.log(JSON.stringify(loaded));
    `;
    const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      env: { ...process.env, GOOGLE_CLOUD_PROJECT: 'demo-cold', PUBLIC_BASE_URL: 'http://127.0.0.1:1' },
    });
    assert.equal(result.status, 0, result.stderr);
    const loaded = JSON.parse(result.stdout.trim().split('\n').pop() ?? '[]') as string[];
    assert.ok(
      loaded.some((path) => path.includes('functions-framework')),
      'the framework itself is loaded',
    );
    for (const heavy of [
      '@google-cloud/firestore',
      'googleapis',
      'firebase-admin',
      'google-gax',
      '@google-cloud/pubsub',
    ]) {
      assert.ok(
        !loaded.some((path) => path.includes(`/node_modules/${heavy}/`)),
        `${heavy} was loaded at cold start`,
      );
    }
  });
});
