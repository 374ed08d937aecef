import { EVENT_FUNCTIONS, HTTP_FUNCTIONS } from '../functions/src/index.js';
import { buildFunctions, coldStart } from './bench/coldStart.js';
import { fanOutBenchmark } from './bench/fanout.js';
import { report } from './bench/report.js';

/**
 * `npm run bench [-- --json] [-- --only <prefix>]`: the benchmarks (SPEC §4.2, §5). With --json, one
 * JSON object per line and scenario: {scenario, calls, lowerBound, wallMs, peakRssMiB, ...}.
 *
 * - `cold-start-<function>`: each function's cold start (scripts/bench/coldStart.ts);
 * - `fanout-100k`: one `syncTick` fanning out 100,000 due users on the emulators (scripts/bench/fanout.ts).
 */

const json = process.argv.includes('--json');
const only = process.argv[process.argv.indexOf('--only') + 1];
const wanted = (scenario: string) => !process.argv.includes('--only') || scenario.startsWith(only ?? '');

const coldStarts = [...HTTP_FUNCTIONS, ...EVENT_FUNCTIONS].filter((name) => wanted(`cold-start-${name}`));
if (coldStarts.length > 0) buildFunctions();
for (const name of coldStarts) report(coldStart(name), json);
if (wanted('fanout-100k')) report(await fanOutBenchmark(100_000), json);
// The product's Pub/Sub client lives as long as its process (one per instance) and keeps it alive.
process.exit(0);
