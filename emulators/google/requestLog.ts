export interface RequestLogEntry {
  time: string;
  method: string;
  path: string;
  /** API method name, e.g. `people.people.connections.list`, `oauth2.token`, `calendar.events.list`. */
  apiMethod: string;
  account?: string;
  status: number;
  /** Set when the response was produced by an injected fault. */
  faultId?: string;
  /** Set on the calls carried by a batch HTTP request: that request's id (it is logged as `calendar.batch`). */
  inBatch?: string;
  durationMs: number;
}

export interface RequestLogSummary {
  /** API calls, each inner call of a batch counted (what Google's quota counts). */
  total: number;
  /** HTTP requests: a batch request counts once, its inner calls not. */
  httpRequests: number;
  counts: Record<string, number>;
  entries?: RequestLogEntry[];
}

/** Every Google API call the emulator answered (control API calls excluded). */
export class RequestLog {
  private entries: RequestLogEntry[] = [];
  private readonly limit = 10_000;

  add(entry: RequestLogEntry): void {
    this.entries.push(entry);
    if (this.entries.length > this.limit) this.entries.splice(0, this.entries.length - this.limit);
  }

  clear(): void {
    this.entries = [];
  }

  summary(options: { account?: string; withEntries?: boolean } = {}): RequestLogSummary {
    const selected = options.account
      ? this.entries.filter((e) => e.account?.toLowerCase() === options.account?.toLowerCase())
      : this.entries;
    const counts: Record<string, number> = {};
    // The batch request itself is no API call: its inner calls are (and count toward quota).
    const calls = selected.filter((e) => e.apiMethod !== 'calendar.batch');
    for (const e of selected) counts[e.apiMethod] = (counts[e.apiMethod] ?? 0) + 1;
    const out: RequestLogSummary = {
      total: calls.length,
      httpRequests: selected.filter((e) => !e.inBatch).length,
      counts,
    };
    if (options.withEntries) out.entries = [...selected];
    return out;
  }
}
