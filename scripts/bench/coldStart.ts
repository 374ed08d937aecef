import { spawnSync } from 'node:child_process';
import type { Result } from './report.js';

/**
 * The cold start of each function (docs/architecture.md#quality-bars: each function imports only what it needs), measured on
 * the compiled `main` as Cloud Functions runs it, in a fresh process each.
 */

export function buildFunctions(): void {
  const result = spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

/** Imports the main module and the entry of one function in a fresh Node process, as a cold start does. */
export function coldStart(functionName: string): Result {
  const script = `
    const started = performance.now();
    await import('./functions/lib/index.js');
    await import('./functions/lib/entry/${functionName}.js');
    const wallMs = Math.round(performance.now() - started);
    console.log(JSON.stringify({ wallMs, peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024) }));
  `;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    env: { ...process.env, GOOGLE_CLOUD_PROJECT: 'demo-bench', PUBLIC_BASE_URL: 'http://127.0.0.1:1' },
  });
  if (run.status !== 0) throw new Error(`cold start of ${functionName} failed: ${run.stderr}`);
  const measured = JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}') as {
    wallMs: number;
    peakRssMiB: number;
  };
  return { scenario: `cold-start-${functionName}`, calls: 0, lowerBound: 0, ...measured };
}
