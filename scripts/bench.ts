import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { EVENT_FUNCTIONS, HTTP_FUNCTIONS } from '../functions/src/index.js';
import { ACTIVITY_SCENARIOS } from './bench/activitySync.js';
import { CALENDAR_PUSH_SCENARIOS } from './bench/calendarPush.js';
import { buildFunctions, coldStart } from './bench/coldStart.js';
import { CONTACT_SCENARIOS } from './bench/contactSync.js';
import { fanOutBenchmark } from './bench/fanout.js';
import { MAIL_SCENARIOS } from './bench/mailImport.js';
import { report } from './bench/report.js';
import { startSyncWorld } from './bench/syncWorld.js';

/**
 * `npm run bench [-- --json] [-- --only <prefix>,<name>$]`: the benchmarks (docs/operations.md#local-stack, docs/architecture.md#quality-bars). With --json, one
 * JSON object per line and scenario: {scenario, calls, lowerBound, wallMs, peakRssMiB, ...}.
 *
 * - `cold-start-<function>`: each function's cold start (scripts/bench/coldStart.ts);
 * - `fanout-100k`: one `syncTick` fanning out 100,000 due users on the emulators (scripts/bench/fanout.ts);
 * - contact sync runs (scripts/bench/contactSync.ts), `calls` = People API data calls:
 *   `contacts-export-2000` / `-10000` (tagged CRM contacts to an empty account),
 *   `contacts-import-1000` / `-5000` / `-50000` (a group of that many Google contacts into an empty
 *   CRM; `peakRssOver…` compares the peak memory with the smaller import's),
 *   `contacts-echo-after-import-2000` (the run after an import, which lists the import's own writes),
 *   `contacts-no-change` (a synced account, nothing changed), `contacts-read-changes-3000` (3,000
 *   contacts edited in Google since the last run);
 * - activity sync runs (scripts/bench/activitySync.ts), `calls` = Calendar API data calls (inner calls
 *   of batch requests counted one by one; `httpRequests` and `innerBatchCalls` apart):
 *   `activities-no-change` (100 synced meetings, nothing changed), `activities-export-500` / `-2000`,
 *   `activities-import-10000`;
 * - push notifications (scripts/bench/calendarPush.ts), through the whole local stack:
 *   `calendar-push-latency` (50 Google Calendar edits, p50/p95 until the CRM shows each; target
 *   p95 ≤ 3 s) and `calendar-push-burst-100` (100 edits in 5 s: runs started, target ≤ 3, and the
 *   CRM consistent with Google at the end);
 * - mail import runs (scripts/bench/mailImport.ts), `calls` = IMAP commands against real Dovecot:
 *   `mail-import-1000` and `mail-import-5000` (a tenth with attachments; their memory compared).
 *
 * Every sync run is measured in a child process with a 192 MiB heap (syncWorld.ts `measureRun`);
 * the scale scenarios also measure their floor in the same run (floor.ts: listing the same pages and
 * writing as many records with plain batched writes) and report `wallOverFloor`, `recordsPerSecond`
 * and `callsOverLowerBound`.
 *
 * The sync scenarios share one emulator stack (scripts/bench/syncWorld.ts); each makes its own user
 * and linked account on emptied emulators, and measures one run as `syncUser` runs it.
 */

const json = process.argv.includes('--json');
const only = process.argv[process.argv.indexOf('--only') + 1];
// `--only a,b$`: scenarios starting with `a`, or named exactly `b`.
const wanted = (scenario: string) =>
  !process.argv.includes('--only') ||
  (only ?? '')
    .split(',')
    .some((prefix) =>
      prefix.endsWith('$') ? scenario === prefix.slice(0, -1) : scenario.startsWith(prefix),
    );

const coldStarts = [...HTTP_FUNCTIONS, ...EVENT_FUNCTIONS].filter((name) => wanted(`cold-start-${name}`));
if (coldStarts.length > 0) buildFunctions();
for (const name of coldStarts) report(coldStart(name), json);
if (wanted('fanout-100k')) report(await fanOutBenchmark(100_000), json);
const syncScenarios = [
  ...CONTACT_SCENARIOS,
  ...ACTIVITY_SCENARIOS,
  ...CALENDAR_PUSH_SCENARIOS,
  ...MAIL_SCENARIOS,
].filter(({ name }) => wanted(name));
if (syncScenarios.length > 0 && wanted('fanout-100k')) {
  // The product keeps one Firestore client per process, pointed at one emulator, and the fan-out
  // closed it with its emulators: the sync scenarios get fresh processes (and a heap of their own).
  for (const group of ['contacts', 'activities', 'calendar-push', 'mail']) {
    const args = [
      '--import',
      'tsx',
      fileURLToPath(import.meta.url),
      ...(json ? ['--json'] : []),
      '--only',
      group,
    ];
    const child = spawnSync(process.execPath, args, { stdio: 'inherit' });
    if (child.status !== 0) process.exit(child.status ?? 1);
  }
} else if (syncScenarios.length > 0) {
  const world = await startSyncWorld();
  try {
    for (const scenario of syncScenarios) report(await scenario.run(world), json);
  } finally {
    await world.stop();
  }
}
// The product's Pub/Sub client lives as long as its process (one per instance) and keeps it alive.
process.exit(0);
