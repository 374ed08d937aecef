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
  durationMs: number;
}

export interface RequestLogSummary {
  total: number;
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
    for (const e of selected) counts[e.apiMethod] = (counts[e.apiMethod] ?? 0) + 1;
    const out: RequestLogSummary = { total: selected.length, counts };
    if (options.withEntries) out.entries = [...selected];
    return out;
  }
}
