/**
 * Time for the Scheduler emulator. By default it is the wall clock with real timers; tests pass a
 * `ManualClock` and move it forward, so a job "every day at 09:00 Europe/Berlin" fires without
 * anybody waiting a day.
 */
export interface Clock {
  now(): Date;
  /** Calls `fire` at `at` (soon, if `at` is already past). Returns a function that cancels it. */
  setTimer(at: Date, fire: () => Promise<void>): () => void;
}

/** setTimeout refuses delays above 2^31-1 ms (~24.8 days); longer waits are chained. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

export const realClock: Clock = {
  now: () => new Date(),
  setTimer(at, fire) {
    let handle: NodeJS.Timeout | undefined;
    const wait = () => {
      const delay = at.getTime() - Date.now();
      if (delay > 0) {
        handle = setTimeout(wait, Math.min(delay, MAX_TIMEOUT_MS));
      } else {
        handle = undefined;
        void fire();
        return;
      }
      // Pending job timers alone must not keep a process alive; the HTTP server does that.
      handle.unref();
    };
    handle = setTimeout(wait, 0);
    handle.unref();
    return () => clearTimeout(handle);
  },
};

interface ManualTimer {
  at: number;
  seq: number;
  fire: () => Promise<void>;
  cancelled: boolean;
}

/** A clock that only moves when told to; due timers fire in time order, each awaited. */
export class ManualClock implements Clock {
  private current: number;
  private timers: ManualTimer[] = [];
  private seq = 0;

  constructor(start: Date) {
    this.current = start.getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  setTimer(at: Date, fire: () => Promise<void>): () => void {
    const timer: ManualTimer = { at: at.getTime(), seq: this.seq++, fire, cancelled: false };
    this.timers.push(timer);
    return () => {
      timer.cancelled = true;
    };
  }

  /**
   * Moves time to `to`. Every timer due on the way fires at its own instant (now() reads that
   * instant while it runs), including timers that firing sets up, so each run of a schedule
   * between now and `to` happens, in order.
   */
  async advanceTo(to: Date): Promise<void> {
    const target = to.getTime();
    for (let timer = this.nextDue(target); timer; timer = this.nextDue(target)) {
      this.timers = this.timers.filter((t) => t !== timer);
      this.current = Math.max(this.current, timer.at);
      await timer.fire();
    }
    this.current = Math.max(this.current, target);
  }

  advanceBy(ms: number): Promise<void> {
    return this.advanceTo(new Date(this.current + ms));
  }

  private nextDue(target: number): ManualTimer | undefined {
    this.timers = this.timers.filter((t) => !t.cancelled);
    let next: ManualTimer | undefined;
    for (const t of this.timers) {
      if (t.at <= target && (!next || t.at < next.at || (t.at === next.at && t.seq < next.seq))) next = t;
    }
    return next;
  }
}
