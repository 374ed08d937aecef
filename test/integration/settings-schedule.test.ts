import assert from 'node:assert/strict';
import { createSyncTickJob } from '../../scripts/local/wiring.js';
import type { TestStack } from '../support/stack.js';
import type { TestUser } from '../support/users.js';
import { type CallResult, call, errorCode, suiteUsers } from './linking-support.js';
import { deleteSyncTickJob } from './sync-tick-support.js';

interface JobJson {
  name: string;
  state: string;
  schedule: string;
  timeZone: string;
  lastAttemptTime?: string;
  httpTarget: { uri: string; httpMethod: string };
  [field: string]: unknown;
}

describe('settings: GET|PUT /settings/schedule (the sync-tick Cloud Scheduler job)', function () {
  this.timeout(120_000);
  let stack: TestStack;
  let admin: TestUser;
  let user: TestUser;
  let jobUrl: string;

  /** The job as the Scheduler emulator holds it, read past the product. */
  async function job(): Promise<JobJson> {
    const response = await fetch(jobUrl);
    assert.equal(response.status, 200);
    return (await response.json()) as JobJson;
  }

  /** The job minus what its own firing changes (it fires every minute on the real clock). */
  async function settledJob(): Promise<Partial<JobJson>> {
    const { scheduleTime: _next, lastAttemptTime: _last, status: _status, ...settled } = await job();
    return settled;
  }

  async function put(body: unknown): Promise<CallResult> {
    return call('PUT', '/settings/schedule', { user: admin, body });
  }

  before(async () => {
    ({ stack, admin, user } = await suiteUsers());
    jobUrl = `http://${stack.hosts.scheduler}/v1/projects/${stack.projectId}/locations/us-central1/jobs/sync-tick`;
  });

  beforeEach(async () => {
    // The job as the deployment (and npm start) creates it: every minute, UTC, enabled.
    await deleteSyncTickJob(stack);
    await createSyncTickJob(stack.hosts.scheduler, stack.projectId, 'us-central1', stack.baseUrl);
  });

  // The job fires on the real clock: remove it so that it does not tick into later suites.
  after(async () => deleteSyncTickJob(stack));

  it('when a non-administrator or nobody asks, then 403 or 401 and the job is untouched', async () => {
    const before = await settledJob();
    assert.equal((await call('GET', '/settings/schedule', { user })).status, 403);
    const write = await call('PUT', '/settings/schedule', { user, body: { paused: true } });
    assert.equal(write.status, 403);
    assert.equal(errorCode(write), 'permission_denied');
    assert.equal((await call('PUT', '/settings/schedule', { body: { paused: true } })).status, 401);
    assert.deepEqual(await settledJob(), before);
  });

  it('when the administrator reads the settings, then they are the job: schedule, time zone, state and last attempt', async () => {
    const read = await call('GET', '/settings/schedule', { user: admin });
    assert.equal(read.status, 200, read.text);
    assert.deepEqual(read.json, { paused: false, schedule: '* * * * *', timeZone: 'Etc/UTC' });

    // Force a run, as `gcloud scheduler jobs run` would: the job records its attempt.
    const run = await fetch(`${jobUrl}:run`, { method: 'POST' });
    assert.equal(run.status, 200);
    const attemptBefore = (await job()).lastAttemptTime;
    assert.ok(attemptBefore);
    const after = await call('GET', '/settings/schedule', { user: admin });
    const attemptAfter = (await job()).lastAttemptTime;
    // (Equal unless the job's own minute fired in between.)
    const shown = (after.json as { lastAttemptTime: string }).lastAttemptTime;
    assert.ok(
      [attemptBefore, attemptAfter].map((time) => new Date(time ?? 0).toISOString()).includes(shown),
      `${shown} is the job's last attempt`,
    );
  });

  it('when the administrator pauses and resumes, then the job itself is paused and resumed', async () => {
    const paused = await put({ paused: true });
    assert.equal(paused.status, 200, paused.text);
    assert.equal((paused.json as { paused: boolean }).paused, true);
    assert.equal((await job()).state, 'PAUSED');
    assert.equal(
      ((await call('GET', '/settings/schedule', { user: admin })).json as { paused: boolean }).paused,
      true,
    );

    assert.equal((await put({ paused: true })).status, 200, 'pausing a paused job is fine');
    assert.equal((await job()).state, 'PAUSED');

    const resumed = await put({ paused: false });
    assert.equal(resumed.status, 200, resumed.text);
    assert.equal((resumed.json as { paused: boolean }).paused, false);
    assert.equal((await job()).state, 'ENABLED');
  });

  it('when the administrator changes schedule and time zone, then only those fields of the job change', async () => {
    const before = await job();
    const saved = await put({ schedule: ' */5 * * * * ', timeZone: 'Europe/Berlin' });
    assert.equal(saved.status, 200, saved.text);
    assert.deepEqual(saved.json, { paused: false, schedule: '*/5 * * * *', timeZone: 'Europe/Berlin' });
    const after = await job();
    assert.equal(after.schedule, '*/5 * * * *');
    assert.equal(after.timeZone, 'Europe/Berlin');
    assert.equal(after.state, 'ENABLED');
    assert.deepEqual(after.httpTarget, before.httpTarget, 'the target is kept');
    assert.equal(after.attemptDeadline, before.attemptDeadline);

    const all = await put({ paused: true, schedule: '0 9-17 * * MON-FRI', timeZone: 'America/New_York' });
    assert.equal(all.status, 200, all.text);
    const final = await job();
    assert.deepEqual(
      [final.state, final.schedule, final.timeZone],
      ['PAUSED', '0 9-17 * * MON-FRI', 'America/New_York'],
    );
  });

  it('when what GET answered is sent back, then it is accepted and nothing changes', async () => {
    await fetch(`${jobUrl}:run`, { method: 'POST' });
    const before = await settledJob();
    const read = await call('GET', '/settings/schedule', { user: admin });
    const saved = await put(read.json);
    assert.equal(saved.status, 200, saved.text);
    assert.deepEqual(saved.json, read.json);
    assert.deepEqual(await settledJob(), before);
  });

  it('when the input is invalid, then 400 names the field and the job is unchanged', async () => {
    const before = await settledJob();
    const cases: Array<[unknown, string]> = [
      [{ schedule: '61 * * * *' }, 'schedule'],
      [{ schedule: '* * * *' }, 'schedule'],
      [{ schedule: '0 * * * * *' }, 'schedule'],
      [{ schedule: '@daily' }, 'schedule'],
      [{ schedule: 'H * * * *' }, 'schedule'],
      [{ schedule: '0 0 31 2 *' }, 'schedule'],
      [{ schedule: 5 }, 'schedule'],
      [{ timeZone: 'Mars/Olympus_Mons' }, 'timeZone'],
      [{ timeZone: '+01:00' }, 'timeZone'],
      [{ paused: 'yes' }, 'paused'],
      [{ paused: true, schedule: 'every minute' }, 'schedule'],
      [{ paused: true, state: 'PAUSED' }, 'state'],
      [['paused'], 'body'],
    ];
    for (const [body, field] of cases) {
      const refused = await put(body);
      assert.equal(refused.status, 400, `${JSON.stringify(body)}: ${refused.text}`);
      assert.equal(errorCode(refused), 'invalid_argument');
      const fields = (refused.json as { error: { details?: { fields?: Record<string, string> } } }).error
        .details?.fields;
      assert.ok(fields?.[field], `${JSON.stringify(body)} names ${field}: ${refused.text}`);
    }
    assert.deepEqual(
      await settledJob(),
      before,
      'nothing changed, not even the pause of a partly valid body',
    );
  });

  it('when the job does not exist, then 409 conflict says the deployment must create it', async () => {
    await deleteSyncTickJob(stack);
    for (const result of [
      await call('GET', '/settings/schedule', { user: admin }),
      await put({ paused: true }),
    ]) {
      assert.equal(result.status, 409, result.text);
      assert.equal(errorCode(result), 'conflict');
      assert.match(
        (result.json as { error: { message: string } }).error.message,
        /jobs\/sync-tick does not exist/,
      );
    }
  });
});
