import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { firestore } from '../../functions/src/adapters/firestore/client.js';
import type { runUserSync } from '../../functions/src/app/sync/runs/runUserSync.js';
import type { Caller } from '../../functions/src/domain/auth/caller.js';
import type { AccountKind, KindCounts, SyncRun } from '../../functions/src/domain/sync/model.js';
import { EVENT_FUNCTIONS, HTTP_FUNCTIONS } from '../../functions/src/index.js';
import { setLogSink } from '../../functions/src/logging.js';
import { calendarCalls } from '../../test/integration/activity-sync-support.js';
import { peopleCalls, total } from '../../test/integration/contact-sync-support.js';
import {
  Browser,
  CLIENT_ID,
  CLIENT_SECRET,
  control,
  followCallback,
  followGoogle,
  nextConsentBy,
  registerClients,
} from '../../test/integration/linking-support.js';
import { resetFirestore, type TestStack } from '../../test/support/stack.js';
import { createUser, type TestUser } from '../../test/support/users.js';
import { startGateway } from '../local/gateway.js';
import { freePort, startProcess, waitForHttp } from '../local/processes.js';
import { startEmulators } from '../local/stack.js';
import { mebibytes, type Result } from './report.js';

/**
 * The world of the sync benchmarks: the local stack's emulators and gateway (as the integration
 * tests have them, so their helpers apply: a `SyncWorld` is a `TestStack`), and per scenario a user
 * with a linked Google account, a personal tag and both syncs configured, made as a user makes
 * them: through the HTTP API and Google's consent.
 *
 * The Google API emulator runs in a process of its own, unlike in the tests: the scenarios measure
 * the memory of this process while the sync runs, and the emulator's copy of a 5,000-contact account
 * (and the pages it renders) would otherwise count as the sync's.
 */

const PROJECT_ID = 'demo-crm-google-sync-bench';
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Activities from this day on sync (the scenarios' meetings are all later). */
export const SYNC_SINCE = '2030-01-01';

export interface SyncWorld extends TestStack {
  admin: TestUser;
}

export async function startSyncWorld(): Promise<SyncWorld> {
  // With --json, stdout carries one result per line and nothing else (docs/operations.md#local-stack): the product's
  // log lines go to stderr.
  setLogSink((line) => process.stderr.write(`${line}\n`));
  const host = async () => `127.0.0.1:${await freePort()}`;
  const googlePort = await freePort();
  const google = startProcess('google-emulator', process.execPath, [
    '--import',
    'tsx',
    join(repoRoot, 'emulators/google/main.ts'),
    '--port',
    String(googlePort),
  ]);
  const googleApiBaseUrl = `http://127.0.0.1:${googlePort}`;
  const hosts = {
    firestore: await host(),
    pubsub: await host(),
    auth: await host(),
    secretManager: await host(),
    scheduler: await host(),
  };
  const gatewayPort = await freePort();
  const baseUrl = `http://127.0.0.1:${gatewayPort}`;
  Object.assign(process.env, {
    PUBLIC_BASE_URL: baseUrl,
    REGION: 'us-central1',
    GOOGLE_API_BASE_URL: googleApiBaseUrl,
  });
  try {
    await waitForHttp(`${googleApiBaseUrl}/.well-known/openid-configuration`, google, 60_000);
    const mail = { imapPort: await freePort(), smtpPort: await freePort() };
    const emulators = await startEmulators(PROJECT_ID, { ...hosts, mail });
    const gateway = await startGateway({
      host: '127.0.0.1',
      port: gatewayPort,
      functions: [...HTTP_FUNCTIONS, ...EVENT_FUNCTIONS],
    });
    const stop = async () => {
      await firestore().terminate();
      await gateway.close();
      await Promise.all([emulators.stop(), google.stop()]);
    };
    const { dovecot, smtp } = emulators;
    const world = { projectId: PROJECT_ID, gateway, baseUrl, googleApiBaseUrl, hosts, dovecot, smtp, stop };
    return { ...world, admin: await createUser(world, { admin: true }) };
  } catch (error) {
    await google.stop();
    throw error;
  }
}

/** A user of one scenario, linked to the Google account `googleEmail`, with personal tag `tagId`. */
export interface SyncUser extends TestUser {
  caller: Caller;
  googleEmail: string;
  tagId: string;
}

let accounts = 0;

/**
 * Empties Firestore and the Google emulator (so one scenario's data never weighs on the next), has
 * the administrator configure the OAuth app, and makes a user who links a new Google account, makes
 * a personal tag and turns both syncs on (manually run: autoSync off).
 */
export async function freshUser(world: SyncWorld): Promise<SyncUser> {
  await resetFirestore(world);
  await control(world).reset();
  await registerClients(world);
  const settings = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, allowedDomains: [] };
  await gatewayCall(world, world.admin, 'PUT', '/settings/google', settings);

  const user = await createUser(world);
  await gatewayCall(world, user, 'GET', '/api/me');
  accounts += 1;
  const googleEmail = `bench${accounts}-${Date.now()}@example.com`;
  await nextConsentBy(world, googleEmail);
  // The callback links only in the browser that asked for the URL: keep the cookie it was given.
  const browser = new Browser();
  const started = await fetch(`${world.baseUrl}/api/me/accounts/google`, {
    method: 'POST',
    headers: { authorization: `Bearer ${user.idToken}` },
  });
  browser.keep(started.headers);
  const { authorizationUrl } = (await started.json()) as { authorizationUrl: string };
  const outcome = await followCallback(await followGoogle(new URL(authorizationUrl)), browser);
  if (outcome.searchParams.get('link') !== 'ok') throw new Error(`linking failed: ${outcome}`);

  const tag = await gatewayCall(world, user, 'POST', '/api/tags', { name: 'Google', type: 'personal' });
  await gatewayCall(world, user, 'PUT', '/api/me/sync-settings', {
    contacts: { autoSync: false, periodMinutes: 60, tagId: tag.id },
    activities: { autoSync: false, periodMinutes: 60, syncSince: SYNC_SINCE },
  });
  return {
    ...user,
    caller: { uid: user.uid, email: user.email, admin: false },
    googleEmail,
    tagId: tag.id,
  };
}

// biome-ignore lint/suspicious/noExplicitAny: replies are read loosely, as in the tests
type Json = any;

/** One call of the product's HTTP API as `user`; anything but 2xx stops the benchmark. */
export async function gatewayCall(
  world: SyncWorld,
  user: TestUser,
  method: string,
  path: string,
  body?: unknown,
): Promise<Json> {
  const response = await fetch(`${world.baseUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${user.idToken}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/** Runs `work(0..count-1)` with at most `limit` at a time: seeding fast without flooding the emulators. */
export async function inParallel(
  count: number,
  limit: number,
  work: (index: number) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next;
      next += 1;
      await work(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
}

/** One benchmark scenario on the shared world. */
export interface SyncScenario {
  name: string;
  run: (world: SyncWorld) => Promise<Result>;
}

/** What one measured run did and cost. */
export interface MeasuredRun {
  run: SyncRun;
  counts: KindCounts;
  /** Data calls of the kind's API (`people.*` or `calendar.*`) by method; OAuth is not counted (docs/architecture.md#quality-bars). */
  calls: Record<string, number>;
  /** API calls, each inner call of a batch counted (what quota counts). */
  totalCalls: number;
  /** HTTP requests to the API: a batch request counts once (OAuth token calls excluded). */
  httpRequests: number;
  innerBatchCalls: number;
  wallMs: number;
  peakRssMiB: number;
  rssBeforeRunMiB: number;
  /** Peak sampled heap in use minus the heap in use after a full GC just before the run. */
  heapGrowthMiB: number;
}

/** The heap a sync run gets: below a 256 MiB function's memory, as docs/architecture.md#quality-bars asks (issue #11 point 4). */
export const RUN_HEAP_MIB = 192;

let dueMinute = Math.floor(Date.now() / 60_000);

/**
 * One run of `kind` for the user, exactly as `syncUser` runs a scheduled delivery (lease, run
 * record, the kind's sync), after clearing the Google emulator's request log, in a child process
 * with a heap capped at RUN_HEAP_MIB (childRun.ts): the seeding and the emulators' clients of this
 * process weigh nothing on it, and a run that does not stream its pages fails here. `wallMs` is the
 * run alone; `peakRssMiB` the child's largest RSS sampled every 10 ms. A run that does not succeed
 * stops the benchmark: its numbers would mean nothing.
 */
export async function measureRun(world: SyncWorld, user: SyncUser, kind: AccountKind): Promise<MeasuredRun> {
  await control(world).clearRequests();
  dueMinute += 1;
  const measured = await inChild<
    Pick<MeasuredRun, 'wallMs' | 'peakRssMiB' | 'rssBeforeRunMiB' | 'heapGrowthMiB'> & {
      handled: Awaited<ReturnType<typeof runUserSync>>;
    }
  >([user.uid, kind, String(dueMinute)]);
  const { handled } = measured;
  if (handled.outcome !== 'ran' || handled.run.status !== 'succeeded') {
    throw new Error(`the ${kind} run did not succeed: ${JSON.stringify(handled)}`);
  }
  const counts = handled.run.counts[kind];
  if (!counts) throw new Error(`the ${kind} run reported no counts: ${JSON.stringify(handled.run)}`);
  const requests = await control(world).requests({ account: user.googleEmail });
  const calls = await (kind === 'contacts' ? peopleCalls : calendarCalls)(world, user.googleEmail);
  const batches = calls['calendar.batch'] ?? 0;
  const httpRequests = requests.httpRequests - (requests.counts['oauth2.token'] ?? 0);
  return {
    run: handled.run,
    counts,
    calls,
    totalCalls: total(calls) - batches,
    httpRequests,
    // Calls that travelled inside batch requests: every call but those sent alone.
    innerBatchCalls: total(calls) - batches - (httpRequests - batches),
    wallMs: measured.wallMs,
    peakRssMiB: measured.peakRssMiB,
    rssBeforeRunMiB: measured.rssBeforeRunMiB,
    heapGrowthMiB: measured.heapGrowthMiB,
  };
}

/** Runs childRun.ts with `args` under the capped heap and returns the JSON line it printed. */
async function inChild<T>(args: string[]): Promise<T> {
  const script = join(repoRoot, 'scripts/bench/childRun.ts');
  const child = spawn(
    process.execPath,
    [`--max-old-space-size=${RUN_HEAP_MIB}`, '--import', 'tsx', script, ...args],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`childRun ${args.join(' ')} ended with ${code} (heap ${RUN_HEAP_MIB} MiB)`);
  return JSON.parse(output) as T;
}

export interface Floor {
  floorMs: number;
  listMs: number;
  writeMs: number;
  pages: number;
}

/** The scenario's floor (floor.ts), measured now on the same emulators, in a child like the run. */
export function measureFloor(
  user: SyncUser,
  kind: 'contacts' | 'activities',
  records: number,
): Promise<Floor> {
  return inChild<Floor>([user.uid, kind, 'floor', String(records)]);
}

/**
 * A result with its floor (issue #11 point 7): `wallOverFloor` is the run's time over the floor's,
 * `callsOverLowerBound` its calls over the fewest possible, `recordsPerSecond` the records it synced.
 */
export function withFloor(result: Result, floor: Floor, records: number): Result {
  return {
    ...result,
    records,
    recordsPerSecond: Math.round((records * 1000) / Math.max(1, result.wallMs)),
    floorMs: floor.floorMs,
    floor,
    wallOverFloor: Number((result.wallMs / Math.max(1, floor.floorMs)).toFixed(2)),
    callsOverLowerBound: Number((result.calls / Math.max(1, result.lowerBound)).toFixed(3)),
  };
}

// Collecting garbage before measured work makes its baseline the live heap only. `npm run bench`
// starts Node without --expose-gc; the flag can still be set at run time and `gc` read from a new
// context (https://nodejs.org/api/v8.html#v8setflagsfromstringflags).
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/**
 * Runs `work` after a full GC, sampling this process's RSS and heap every 10 ms (and at its end):
 * `wallMs` is the work alone, `heapGrowthMiB` the peak heap in use minus the heap in use before.
 */
export async function measuredMemory<T>(work: () => Promise<T>) {
  collectGarbage();
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
  try {
    const result = await work();
    const wallMs = Math.round(performance.now() - started);
    sample();
    return {
      result,
      wallMs,
      peakRssMiB: mebibytes(peakRss),
      rssBeforeRunMiB: mebibytes(before.rss),
      heapGrowthMiB: mebibytes(peakHeap - before.heapUsed),
    };
  } finally {
    clearInterval(sampler);
  }
}

/**
 * The run right after a first sync reads back what that sync wrote to Google (People and Calendar
 * list every change after the sync token, including the product's own: docs/behaviour.md#no-ping-pong asks only that they
 * are not taken for changes). So a no-change scenario measures the run after that one, and reports
 * the settling run beside it.
 */
export async function settledRun(world: SyncWorld, user: SyncUser, kind: AccountKind) {
  await measureRun(world, user, kind);
  const settling = await measureRun(world, user, kind);
  const measured = await measureRun(world, user, kind);
  const { toGoogle, toCrm } = measured.counts;
  const changes = toGoogle.created + toGoogle.updated + toGoogle.removed + toCrm.created + toCrm.updated;
  expectCount(`${kind}-no-change`, 'changes written', changes, 0);
  const settlingRun = {
    calls: settling.totalCalls,
    callsByMethod: settling.calls,
    wallMs: settling.wallMs,
    unchanged: settling.counts.unchanged,
  };
  return { measured, settlingRun };
}

/** Fails the scenario when the run did not do what it was set up to do. */
export function expectCount(scenario: string, what: string, actual: number, expected: number): void {
  if (actual !== expected) throw new Error(`${scenario}: ${what} was ${actual}, expected ${expected}`);
}

/** A scenario's JSON line: the docs/operations.md#local-stack fields, then what explains them. */
export function resultOf(
  scenario: string,
  measured: MeasuredRun,
  lowerBound: number,
  extra: Record<string, unknown> = {},
): Result {
  return {
    scenario,
    calls: measured.totalCalls,
    lowerBound,
    httpRequests: measured.httpRequests,
    innerBatchCalls: measured.innerBatchCalls,
    wallMs: measured.wallMs,
    peakRssMiB: measured.peakRssMiB,
    rssBeforeRunMiB: measured.rssBeforeRunMiB,
    rssGrowthMiB: measured.peakRssMiB - measured.rssBeforeRunMiB,
    heapGrowthMiB: measured.heapGrowthMiB,
    callsByMethod: measured.calls,
    counts: measured.counts,
    ...extra,
  };
}
