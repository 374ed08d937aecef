/**
 * The Scheduler emulator's state and its clockwork: ENABLED jobs fire on their schedule, PAUSED
 * ones do not, `run` dispatches at once. Method semantics follow the comments on CloudScheduler in
 * google/cloud/scheduler/v1/cloudscheduler.proto (docs/google-apis.md#secret-manager-and-cloud-scheduler).
 */
import { ApiError } from '../shared/api-error.js';
import type { JsonObject } from '../shared/json.js';
import type { Clock } from './clock.js';
import { nextRunAfter } from './cron-schedule.js';
import { dispatchHttpTarget, type OidcTokenMinter } from './dispatch.js';
import { applyUpdateMask, checkJobName, type Job, parseJobSpec, specToJson } from './job.js';

interface Entry {
  job: Job;
  /** Identifies the current timer; a firing whose token is stale (job changed meanwhile) is dropped. */
  timerToken?: object;
  cancelTimer?: () => void;
}

export class JobScheduler {
  private readonly entries = new Map<string, Entry>();
  private readonly attempts = new Set<Promise<void>>();
  private readonly shutdown = new AbortController();
  private generatedIds = 0;

  constructor(
    private readonly clock: Clock,
    private readonly mintOidcToken?: OidcTokenMinter,
  ) {}

  create(parent: string, raw: JsonObject): Job {
    const name = typeof raw.name === 'string' && raw.name !== '' ? raw.name : this.generateName(parent);
    checkJobName(name, parent);
    if (this.entries.has(name)) throw new ApiError('ALREADY_EXISTS', `Job ${name} already exists.`);
    const job: Job = { ...parseJobSpec(raw), name, state: 'ENABLED', userUpdateTime: this.clock.now() };
    const entry: Entry = { job };
    this.entries.set(name, entry);
    this.arm(entry, this.clock.now());
    return job;
  }

  get(name: string): Job {
    return this.entry(name).job;
  }

  list(parent: string): Job[] {
    return [...this.entries.values()]
      .map((e) => e.job)
      .filter((job) => job.name.startsWith(`${parent}/jobs/`));
  }

  delete(name: string): void {
    this.disarm(this.entry(name));
    this.entries.delete(name);
  }

  /** Patch keeps state, status and attempt history; an ENABLED job is rescheduled from now. */
  update(name: string, patch: JsonObject, updateMask: string | null): Job {
    const entry = this.entry(name);
    const spec = parseJobSpec(applyUpdateMask(specToJson(entry.job), patch, updateMask));
    Object.assign(entry.job, spec, { userUpdateTime: this.clock.now() });
    this.arm(entry, this.clock.now());
    return entry.job;
  }

  /** "A job must be in Job.State.ENABLED to be paused." */
  pause(name: string): Job {
    const entry = this.entry(name);
    if (entry.job.state !== 'ENABLED') {
      throw new ApiError(
        'FAILED_PRECONDITION',
        `Job ${name} is ${entry.job.state}; only an ENABLED job can be paused.`,
      );
    }
    entry.job.state = 'PAUSED';
    this.arm(entry, this.clock.now());
    return entry.job;
  }

  /** "A job must be in Job.State.PAUSED to be resumed." */
  resume(name: string): Job {
    const entry = this.entry(name);
    if (entry.job.state !== 'PAUSED') {
      throw new ApiError(
        'FAILED_PRECONDITION',
        `Job ${name} is ${entry.job.state}; only a PAUSED job can be resumed.`,
      );
    }
    entry.job.state = 'ENABLED';
    this.arm(entry, this.clock.now());
    return entry.job;
  }

  /** Dispatches now, "even if the job is already running"; the answer does not wait for the target. */
  run(name: string): Job {
    const entry = this.entry(name);
    void this.attempt(entry, this.clock.now());
    return entry.job;
  }

  /** Resolves once no attempt is in flight (tests await this before reading a job's status). */
  async whenIdle(): Promise<void> {
    while (this.attempts.size > 0) await Promise.allSettled([...this.attempts]);
  }

  async close(): Promise<void> {
    for (const entry of this.entries.values()) this.disarm(entry);
    this.shutdown.abort();
    await this.whenIdle();
  }

  private entry(name: string): Entry {
    const entry = this.entries.get(name);
    if (!entry) throw new ApiError('NOT_FOUND', `Job ${name} not found.`);
    return entry;
  }

  private generateName(parent: string): string {
    this.generatedIds += 1;
    return `${parent}/jobs/${Date.now().toString(36)}${this.generatedIds}`;
  }

  /** (Re)plans the next run strictly after `after`; a job that is not ENABLED has none. */
  private arm(entry: Entry, after: Date): void {
    this.disarm(entry);
    if (entry.job.state !== 'ENABLED') return;
    const scheduleTime = nextRunAfter(entry.job.schedule, entry.job.timeZone, after);
    const token = {};
    entry.timerToken = token;
    entry.job.scheduleTime = scheduleTime;
    // A scheduleTime already past (the previous attempt overran it) fires at once: a late start.
    entry.cancelTimer = this.clock.setTimer(scheduleTime, () =>
      this.fireScheduled(entry, token, scheduleTime),
    );
  }

  private disarm(entry: Entry): void {
    entry.cancelTimer?.();
    entry.cancelTimer = undefined;
    entry.timerToken = undefined;
    delete entry.job.scheduleTime;
  }

  /**
   * One scheduled run. The next run is planned only after this attempt ends ("execution n+1 will
   * not begin until execution n has finished", job.proto), as the first match after this attempt
   * started: an overrun delays the next run, and at most one missed run is made up, late.
   */
  private async fireScheduled(entry: Entry, token: object, scheduleTime: Date): Promise<void> {
    if (entry.timerToken !== token || entry.job.state !== 'ENABLED') return;
    entry.cancelTimer = undefined;
    const startedAt = this.clock.now();
    await this.attempt(entry, scheduleTime);
    if (entry.timerToken !== token || this.entries.get(entry.job.name) !== entry) return;
    this.arm(entry, startedAt.getTime() > scheduleTime.getTime() ? startedAt : scheduleTime);
  }

  private attempt(entry: Entry, scheduleTime: Date): Promise<void> {
    entry.job.lastAttemptTime = this.clock.now();
    const { job } = entry;
    const running = dispatchHttpTarget(job, scheduleTime, {
      mintOidcToken: this.mintOidcToken,
      signal: this.shutdown.signal,
    })
      .catch((error: unknown) => ({ code: 2, message: `Emulator error: ${String(error)}` }))
      .then((status) => {
        job.status = status;
      });
    this.attempts.add(running);
    return running.finally(() => this.attempts.delete(running));
  }
}
