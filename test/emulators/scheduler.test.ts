import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { CloudSchedulerClient, type protos } from '@google-cloud/scheduler';
import {
  ManualClock,
  realClock,
  type SchedulerEmulator,
  startSchedulerEmulator,
} from '../../emulators/scheduler/index.js';
import { googleCloudClientOptions } from '../../functions/src/adapters/googleCloudClientOptions.js';
import { failure } from './helpers.js';

type IJob = protos.google.cloud.scheduler.v1.IJob;

const PARENT = 'projects/demo-scheduler-test/locations/europe-west1';

interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A local HTTP target that records what the emulator sends and answers with `replyStatus`. */
async function startTarget(): Promise<{
  url: string;
  received: Received[];
  replyStatus: number;
  close(): Promise<void>;
}> {
  const state = { received: [] as Received[], replyStatus: 200 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      state.received.push({
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      res.writeHead(state.replyStatus).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  });
}

function iso(timestamp: IJob['scheduleTime']): string | undefined {
  if (!timestamp?.seconds) return undefined;
  return new Date(Number(timestamp.seconds) * 1000 + Math.round((timestamp.nanos ?? 0) / 1e6)).toISOString();
}

describe('Cloud Scheduler emulator (driven by @google-cloud/scheduler over REST)', () => {
  let clock: ManualClock;
  let emulator: SchedulerEmulator;
  let client: CloudSchedulerClient;
  let target: Awaited<ReturnType<typeof startTarget>>;
  const closers: Array<() => Promise<void>> = [];

  /** Every test gets its own emulator, clock and target, so no job of another test fires into it. */
  async function startAt(start: string | undefined): Promise<void> {
    clock = new ManualClock(new Date(start ?? 0));
    emulator = await startSchedulerEmulator({ port: 0, ...(start ? { clock } : {}) });
    client = new CloudSchedulerClient(googleCloudClientOptions(`127.0.0.1:${emulator.port}`));
    target = await startTarget();
    const started = { emulator, client, target };
    closers.push(() => started.client.close(), started.emulator.close, started.target.close);
  }

  async function createJob(id: string, fields: Partial<IJob> = {}): Promise<IJob> {
    const [job] = await client.createJob({
      parent: PARENT,
      job: {
        name: `${PARENT}/jobs/${id}`,
        schedule: '0 9 * * *',
        timeZone: 'Europe/Berlin',
        httpTarget: { uri: `${target.url}/hook/${id}`, httpMethod: 'POST' },
        ...fields,
      },
    });
    return job;
  }

  async function getJob(id: string): Promise<IJob> {
    const [job] = await client.getJob({ name: `${PARENT}/jobs/${id}` });
    return job;
  }

  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
  });

  it('when a job is created, then it is ENABLED with its next run computed in its time zone', async () => {
    await startAt('2024-06-03T06:30:00Z');
    const created = await createJob('daily', { description: 'morning', attemptDeadline: { seconds: 60 } });
    assert.equal(created.state, 'ENABLED');
    assert.equal(
      iso(created.scheduleTime),
      '2024-06-03T07:00:00.000Z',
      '09:00 in Berlin is 07:00 UTC in June',
    );
    assert.equal(iso(created.userUpdateTime), '2024-06-03T06:30:00.000Z');

    const read = await getJob('daily');
    assert.equal(read.description, 'morning');
    assert.equal(read.timeZone, 'Europe/Berlin');
    assert.equal(read.httpTarget?.httpMethod, 'POST');
    assert.equal(Number(read.attemptDeadline?.seconds), 60);
    assert.equal(read.lastAttemptTime, null, 'no attempt yet');

    const duplicate = await failure(() => createJob('daily'));
    assert.equal(duplicate.status, 'ALREADY_EXISTS');
  });

  it('when the clock passes scheduled times, then the job fires at each of them in its time zone, across DST', async () => {
    await startAt('2024-03-09T00:00:00Z');
    await createJob('ny', {
      timeZone: 'America/New_York',
      httpTarget: {
        uri: `${target.url}/hook/ny`,
        httpMethod: 'PUT',
        headers: { 'content-type': 'application/json', 'x-custom': 'kept' },
        body: Buffer.from('{"tick":true}'),
      },
    });

    await clock.advanceTo(new Date('2024-03-11T20:00:00Z'));
    await emulator.whenIdle();

    // 09:00 New York is 14:00Z before the switch to daylight time on 10 March and 13:00Z after it.
    assert.deepEqual(
      target.received.map((r) => r.headers['x-cloudscheduler-scheduletime']),
      ['2024-03-09T14:00:00.000Z', '2024-03-10T13:00:00.000Z', '2024-03-11T13:00:00.000Z'],
    );
    const first = target.received[0];
    assert.equal(first?.method, 'PUT');
    assert.equal(first?.path, '/hook/ny');
    assert.equal(first?.body, '{"tick":true}');
    assert.equal(first?.headers['content-type'], 'application/json');
    assert.equal(first?.headers['x-custom'], 'kept');
    assert.equal(first?.headers['user-agent'], 'Google-Cloud-Scheduler');
    assert.equal(first?.headers['x-cloudscheduler'], 'true');
    assert.equal(first?.headers['x-cloudscheduler-jobname'], 'ny');

    const job = await getJob('ny');
    assert.equal(iso(job.lastAttemptTime), '2024-03-11T13:00:00.000Z');
    assert.equal(job.status?.code ?? 0, 0, 'a 2xx answer is recorded as OK');
    assert.equal(iso(job.scheduleTime), '2024-03-12T13:00:00.000Z');
  });

  it('when a job is paused, then it does not fire until it is resumed', async () => {
    await startAt('2024-06-03T06:30:00Z');
    await createJob('pausable', { schedule: '*/10 * * * *', timeZone: 'Etc/UTC' });
    const [paused] = await client.pauseJob({ name: `${PARENT}/jobs/pausable` });
    assert.equal(paused.state, 'PAUSED');
    assert.equal(paused.scheduleTime, null, 'a paused job has no next run');

    await clock.advanceTo(new Date('2024-06-03T08:00:00Z'));
    await emulator.whenIdle();
    assert.equal(target.received.length, 0);
    const again = await failure(() => client.pauseJob({ name: `${PARENT}/jobs/pausable` }));
    assert.equal(again.status, 'FAILED_PRECONDITION');

    const [resumed] = await client.resumeJob({ name: `${PARENT}/jobs/pausable` });
    assert.equal(resumed.state, 'ENABLED');
    assert.equal(iso(resumed.scheduleTime), '2024-06-03T08:10:00.000Z', 'missed runs are not replayed');
    await clock.advanceTo(new Date('2024-06-03T08:25:00Z'));
    await emulator.whenIdle();
    assert.deepEqual(
      target.received.map((r) => r.headers['x-cloudscheduler-scheduletime']),
      ['2024-06-03T08:10:00.000Z', '2024-06-03T08:20:00.000Z'],
    );
  });

  it('when the schedule is patched, then only the masked field changes and the next run follows it', async () => {
    await startAt('2024-06-03T06:30:00Z');
    await createJob('patched', { description: 'keep me' });
    const [updated] = await client.updateJob({
      job: {
        name: `${PARENT}/jobs/patched`,
        schedule: '*/15 * * * *',
        description: 'ignored, not in the mask',
      },
      updateMask: { paths: ['schedule'] },
    });
    assert.equal(updated.schedule, '*/15 * * * *');
    assert.equal(updated.description, 'keep me');
    assert.equal(updated.timeZone, 'Europe/Berlin');
    assert.equal(iso(updated.scheduleTime), '2024-06-03T06:45:00.000Z');

    await clock.advanceTo(new Date('2024-06-03T07:00:00Z'));
    await emulator.whenIdle();
    assert.equal(target.received.length, 2, 'fired at 06:45 and 07:00');

    const refused = await failure(() =>
      client.updateJob({
        job: { name: `${PARENT}/jobs/patched`, schedule: 'not cron' },
        updateMask: { paths: ['schedule'] },
      }),
    );
    assert.equal(refused.status, 'INVALID_ARGUMENT');
    assert.equal((await getJob('patched')).schedule, '*/15 * * * *', 'a refused patch changes nothing');
  });

  it('when a job is run, then it is dispatched at once without moving its schedule', async () => {
    await startAt('2024-06-03T06:30:00Z');
    await createJob('manual');
    const [ran] = await client.runJob({ name: `${PARENT}/jobs/manual` });
    assert.equal(iso(ran.lastAttemptTime), '2024-06-03T06:30:00.000Z');
    await emulator.whenIdle();
    assert.equal(target.received.length, 1);
    const job = await getJob('manual');
    assert.equal(iso(job.scheduleTime), '2024-06-03T07:00:00.000Z');
    assert.equal(job.status?.code ?? 0, 0);
  });

  it('when the target fails or cannot be reached, then the attempt status records the google.rpc code', async () => {
    await startAt('2024-06-03T06:30:00Z');
    await createJob('flaky', { schedule: '* * * * *', timeZone: 'Etc/UTC' });

    target.replyStatus = 503;
    await clock.advanceTo(new Date('2024-06-03T06:31:00Z'));
    await emulator.whenIdle();
    let job = await getJob('flaky');
    assert.equal(job.status?.code, 14, 'HTTP 503 is UNAVAILABLE');
    assert.equal(iso(job.lastAttemptTime), '2024-06-03T06:31:00.000Z');

    target.replyStatus = 404;
    await clock.advanceTo(new Date('2024-06-03T06:32:00Z'));
    await emulator.whenIdle();
    assert.equal((await getJob('flaky')).status?.code, 5, 'HTTP 404 is NOT_FOUND');

    target.replyStatus = 204;
    await clock.advanceTo(new Date('2024-06-03T06:33:00Z'));
    await emulator.whenIdle();
    job = await getJob('flaky');
    assert.equal(job.status?.code ?? 0, 0, 'a later success clears the failure');
    assert.equal(target.received.length, 3);

    await createJob('unreachable', { httpTarget: { uri: 'http://127.0.0.1:9/nothing-listens-here' } });
    await client.runJob({ name: `${PARENT}/jobs/unreachable` });
    await emulator.whenIdle();
    assert.equal((await getJob('unreachable')).status?.code, 14, 'a connection failure is UNAVAILABLE');
  });

  it('when the schedule or time zone is invalid, then the job is refused with INVALID_ARGUMENT', async () => {
    await startAt('2024-06-03T06:30:00Z');
    for (const fields of [
      { schedule: '61 * * * *' },
      { schedule: '* * * *' },
      { schedule: '0 * * * * *' },
      { schedule: '' },
      { timeZone: 'Mars/Olympus_Mons' },
    ]) {
      const refused = await failure(() => createJob('invalid', fields));
      assert.equal(refused.status, 'INVALID_ARGUMENT', JSON.stringify(fields));
    }
    const named = await failure(() => createJob('invalid', { schedule: '99 * * * *' }));
    assert.ok(named.message.includes('Schedule or time zone is invalid.'), named.message);
    assert.equal((await failure(() => getJob('invalid'))).status, 'NOT_FOUND');
  });

  it('when a job is deleted, then it is gone and never fires again; the list shows only what is left', async () => {
    await startAt('2024-06-03T06:30:00Z');
    await createJob('keep');
    await createJob('drop');
    await client.deleteJob({ name: `${PARENT}/jobs/drop` });
    assert.equal((await failure(() => getJob('drop'))).status, 'NOT_FOUND');
    const [jobs] = await client.listJobs({ parent: PARENT });
    assert.deepEqual(
      jobs.map((j) => j.name),
      [`${PARENT}/jobs/keep`],
    );
    await clock.advanceTo(new Date('2024-06-03T07:00:00Z'));
    await emulator.whenIdle();
    assert.deepEqual(
      target.received.map((r) => r.path),
      ['/hook/keep'],
    );
  });

  it('when called as plain REST, then enums are names and a successful attempt reads "status": {}', async () => {
    await startAt('2024-06-03T06:30:00Z');
    const response = await fetch(`${emulator.url}/v1/${PARENT}/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: `${PARENT}/jobs/rest`,
        schedule: '* * * * *',
        timeZone: 'Etc/UTC',
        httpTarget: { uri: `${target.url}/hook/rest`, httpMethod: 'GET' },
      }),
    });
    assert.equal(response.status, 200);
    const created = (await response.json()) as Record<string, unknown>;
    assert.equal(created.state, 'ENABLED');
    assert.deepEqual(created.httpTarget, { uri: `${target.url}/hook/rest`, httpMethod: 'GET' });
    await clock.advanceBy(60_000);
    await emulator.whenIdle();
    const job = (await (await fetch(`${emulator.url}/v1/${PARENT}/jobs/rest`)).json()) as Record<
      string,
      unknown
    >;
    assert.deepEqual(job.status, {});

    const duplicate = await fetch(`${emulator.url}/v1/${PARENT}/jobs`, {
      method: 'POST',
      body: JSON.stringify(created),
    });
    assert.equal(duplicate.status, 409);
    assert.equal(((await duplicate.json()) as { error: { status: string } }).error.status, 'ALREADY_EXISTS');
  });

  describe('real clock', () => {
    it('when a timer is set on the real clock, then it fires at its time and not when cancelled', async () => {
      const fired: string[] = [];
      const start = Date.now();
      realClock.setTimer(new Date(start + 40), async () => {
        fired.push('due');
      });
      const cancel = realClock.setTimer(new Date(start + 20), async () => {
        fired.push('cancelled');
      });
      cancel();
      await new Promise((resolve) => setTimeout(resolve, 120));
      assert.deepEqual(fired, ['due']);
      assert.ok(Date.now() - start >= 40);
    });

    it('when the emulator runs on real time, then a new job is scheduled within the next minute', async () => {
      await startAt(undefined); // no ManualClock handed over: the default real timers
      const job = await createJob('realtime', { schedule: '* * * * *', timeZone: 'Etc/UTC' });
      const untilNext = new Date(iso(job.scheduleTime) ?? 0).getTime() - Date.now();
      assert.ok(untilNext > 0 && untilNext <= 60_000, `next run in ${untilNext} ms`);
    });
  });
});
