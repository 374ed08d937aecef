import { spawnSync } from 'node:child_process';
import { EVENT_FUNCTIONS, HTTP_FUNCTIONS } from '../functions/src/index.js';

/**
 * `npm run bench [-- --json]`: the benchmarks (SPEC §4.2). With --json, one JSON object per line and
 * scenario: {scenario, calls, lowerBound, wallMs, peakRssMiB, ...}. `calls` counts Google data calls
 * and `lowerBound` is the fewest a correct implementation can make, so calls/lowerBound is the API
 * economy of SPEC §5.
 *
 * Scenarios so far: the cold start of each function (SPEC §5: each function imports only what it
 * needs), measured on the compiled `main` as Cloud Functions runs it, in a fresh process each.
 */

interface Result {
  scenario: string;
  calls: number;
  lowerBound: number;
  wallMs: number;
  peakRssMiB: number;
  [extra: string]: unknown;
}

const json = process.argv.includes('--json');

function report(result: Result): void {
  if (json) console.log(JSON.stringify(result));
  else
    console.log(
      `${result.scenario.padEnd(28)} ${String(result.wallMs).padStart(7)} ms ${String(result.peakRssMiB).padStart(6)} MiB`,
    );
}

function build(): void {
  const result = spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

/** Imports the main module and the entry of one function in a fresh Node process, as a cold start does. */
function coldStart(functionName: string): Result {
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

build();
for (const name of [...HTTP_FUNCTIONS, ...EVENT_FUNCTIONS]) report(coldStart(name));
