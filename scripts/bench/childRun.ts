import { runUserSync } from '../../functions/src/app/sync/runs/runUserSync.js';
import type { SyncKind } from '../../functions/src/domain/sync/model.js';
import { setLogSink } from '../../functions/src/logging.js';
import { measureFloor } from './floor.js';
import { mebibytes } from './report.js';

/**
 * One sync run in a process of its own, started by `measureRun` (syncWorld.ts) with a capped heap
 * (`--max-old-space-size`, as a 256 MiB Cloud Function has): `syncUser`'s work for one user and
 * kind, exactly as a scheduled delivery runs it, on the emulators named by the inherited
 * environment. Prints one JSON line: the handled run, wallMs and the process's memory.
 * With `floor` instead of the due minute, it measures the scenario's floor (floor.ts) instead.
 * Usage: node --max-old-space-size=192 --import tsx scripts/bench/childRun.ts <uid> <kind> <dueMinute | floor <records>>
 */

const [uid = '', kind = 'contacts', dueMinute = '0', records = '0'] = process.argv.slice(2);
setLogSink((line) => process.stderr.write(`${line}\n`));
if (dueMinute === 'floor') {
  process.stdout.write(`${JSON.stringify(await measureFloor(uid, kind as SyncKind, Number(records)))}\n`);
  process.exit(0);
}
const before = process.memoryUsage();
let peakRss = before.rss;
let peakHeap = before.heapUsed;
const sample = () => {
  const now = process.memoryUsage();
  peakRss = Math.max(peakRss, now.rss);
  peakHeap = Math.max(peakHeap, now.heapUsed);
};
const sampler = setInterval(sample, 10);
const started = performance.now();
const handled = await runUserSync({
  trigger: 'schedule',
  uid,
  kinds: [kind as SyncKind],
  dueMinute: Number(dueMinute),
});
const wallMs = Math.round(performance.now() - started);
clearInterval(sampler);
sample();
process.stdout.write(
  `${JSON.stringify({
    handled,
    wallMs,
    peakRssMiB: mebibytes(peakRss),
    rssBeforeRunMiB: mebibytes(before.rss),
    heapGrowthMiB: mebibytes(peakHeap - before.heapUsed),
  })}\n`,
);
// The product's Firestore and Pub/Sub clients keep the process alive.
process.exit(0);
