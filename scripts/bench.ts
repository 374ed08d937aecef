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
 * `npm run bench [-- --json] [-- --only <prefix>]`: the benchmarks (SPEC §4.2, §5). With --json, one
 * JSON object per line and scenario: {scenario, calls, lowerBound, wallMs, peakRssMiB, ...}.
 *
 * - `cold-start-<function>`: each function's cold start (scripts/bench/coldStart.ts);
 * - `fanout-100k`: one `syncTick` fanning out 100,000 due users on the emulators (scripts/bench/fanout.ts);
 * - contact sync runs (scripts/bench/contactSync.ts), `calls` = People API data calls:
 *   `contacts-first-export-2000` (2,000 tagged CRM contacts to an empty account),
 *   `contacts-import-1000` and `contacts-import-5000` (a group of that many Google contacts into an
 *   empty CRM; their memory growth compared shows whether pages are streamed),
 *   `contacts-no-change` (a synced account, nothing changed), `contacts-read-changes-3000` (3,000
 *   contacts edited in Google since the last run);
 * - activity sync runs (scripts/bench/activitySync.ts), `calls` = Calendar API data calls:
 *   `activities-no-change` (100 synced meetings, nothing changed), `activities-first-export-500`;
 * - push notifications (scripts/bench/calendarPush.ts), through the whole local stack:
 *   `calendar-push-latency` (50 Google Calendar edits, p50/p95 until the CRM shows each; target
 *   p95 ≤ 3 s) and `calendar-push-burst-100` (100 edits in 5 s: runs started, target ≤ 3, and the
 *   CRM consistent with Google at the end).
 * - mail import runs (scripts/bench/mailImport.ts), `calls` = IMAP commands against real Dovecot:
 *   `mail-import-1000` and `mail-import-5000` (a tenth with attachments; their memory compared).
 *
 * The sync scenarios share one emulator stack (scripts/bench/syncWorld.ts); each makes its own user
 * and linked account on emptied emulators, and measures one run as `syncUser` runs it.
 */

const json = process.argv.includes('--json');
const only = process.argv[process.argv.indexOf('--only') + 1];
const wanted = (scenario: string) => !process.argv.includes('--only') || scenario.startsWith(only ?? '');

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
