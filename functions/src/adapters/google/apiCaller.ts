import { OAuth2Client } from 'google-auth-library';
import { config } from '../../config.js';
import { DEFAULT_RETRY_POLICY, nextRetryDelay, type RetryPolicy } from '../../core/exec/retry.js';
import { log } from '../../logging.js';
import { classifyGoogleError, type GoogleApiFailure } from './apiErrors.js';

/**
 * Every People / Calendar call of the sync goes through one `GoogleApiCaller` per run. It supplies
 * the access token, and it owns retries: the official clients are built with `retry: false`,
 * because they ignore Retry-After and would retry a non-idempotent call blindly
 * (tested in test/emulators/google/calendar-client.test.ts).
 *
 * - 429 and 403 rate limits are retried whatever the method (Google refused the request, nothing was
 *   done), honouring Retry-After; 5xx and network faults only for idempotent calls.
 * - A 401 gets one fresh access token and one more try (google-auth-library only refreshes by itself
 *   when it holds a refresh token, and ours never leaves the token vault).
 */

/** A valid access token; `forceRefresh` after Google refused the previous one. */
export type AccessTokenSource = (forceRefresh?: boolean) => Promise<string>;

export interface CallerOptions {
  policy?: RetryPolicy;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  random?: () => number;
}

/** `rootUrl` for the `@googleapis/*` clients: Google's own hosts, or GOOGLE_API_BASE_URL (docs/operations.md#configuration). */
export function googleApiRootUrl(): string | undefined {
  const base = config().googleApiBaseUrl;
  return base ? `${base}/` : undefined;
}

/** The options every `@googleapis/*` client of the sync is built with: our root URL, our caller's auth, no retries of their own. */
export function googleClientOptions(caller: GoogleApiCaller) {
  // The per-API packages bundle their own google-auth-library types.
  return { rootUrl: googleApiRootUrl(), auth: caller.auth as never, retry: false };
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class GoogleApiCaller {
  /** Give this to the `@googleapis/*` client constructors as `auth`. */
  readonly auth = new OAuth2Client();
  private readonly policy: RetryPolicy;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;
  private readonly random: () => number;
  /** API calls made through this caller, by name (for the run's log and the benchmarks). */
  readonly calls = new Map<string, number>();

  constructor(
    private readonly accessToken: AccessTokenSource,
    options: CallerOptions = {},
  ) {
    this.policy = options.policy ?? DEFAULT_RETRY_POLICY;
    this.sleep = options.sleep ?? realSleep;
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
  }

  /**
   * Runs one API call with the retry rules above. `idempotent`: repeating it cannot do the work
   * twice (reads, updates of a known resource, deletes, creates with a client-chosen id).
   * Throws GoogleApiFailure.
   */
  async call<T>(name: string, idempotent: boolean, request: () => Promise<T>): Promise<T> {
    let refreshed = false;
    let forceRefresh = false;
    for (let attempt = 1; ; ) {
      this.auth.setCredentials({ access_token: await this.accessToken(forceRefresh) });
      forceRefresh = false;
      this.calls.set(name, (this.calls.get(name) ?? 0) + 1);
      try {
        return await request();
      } catch (error) {
        const failure = classifyGoogleError(error, this.now());
        if (failure.kind === 'unauthorized' && !refreshed) {
          refreshed = true;
          forceRefresh = true;
          continue;
        }
        if (!(await this.backoff(name, attempt, failure, idempotent))) throw failure;
        attempt += 1;
      }
    }
  }

  /**
   * Waits before attempt `attempt + 1` of a call that failed with `failure`, by the retry rules
   * above; false (at once) when it must not be tried again. Also used for the inner calls of a
   * batch that Google refused one by one (calendar.ts).
   */
  async backoff(
    name: string,
    attempt: number,
    failure: GoogleApiFailure,
    idempotent: boolean,
  ): Promise<boolean> {
    if (failure.kind !== 'rate_limited' && failure.kind !== 'unavailable') return false;
    const delay = nextRetryDelay(
      this.policy,
      attempt,
      { kind: failure.kind, retryAfterMs: failure.retryAfterMs },
      idempotent,
      this.random(),
    );
    if (delay === undefined) return false;
    log.info('retrying a Google API call', { call: name, attempt, delayMs: delay, status: failure.status });
    await this.sleep(delay);
    return true;
  }

  /** Counts calls carried inside a batch request (each counts toward Google's quota). */
  countCalls(name: string, count: number): void {
    this.calls.set(name, (this.calls.get(name) ?? 0) + count);
  }
}
