// Calendar API v3 emulator: transport-free. The HTTP server routes `/calendar/v3/*` here after it
// has checked the bearer token and scope.
import { CalendarError, invalid, notFound, parseError } from './errors.js';
import { Events } from './events.js';
import { listEvents, listInstances } from './list.js';
import { backfill } from './propagation.js';
import { render } from './render.js';
import { type Calendar, type Ev, Store } from './store.js';

export interface CalendarRequest {
  accountEmail: string;
  method: string;
  /** Path after `/calendar/v3`, e.g. `/calendars/primary/events`. */
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | undefined>;
  body: unknown;
}

export interface CalendarResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

type Route =
  | { name: string; calendarId: string; eventId?: string }
  | { name: 'calendar.calendarList.list' | 'calendar.calendarList.get'; calendarId?: string };

function route(method: string, path: string): Route | undefined {
  const seg = path
    .replace(/^\/+|\/+$/g, '')
    .split('/')
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return '\u0000';
      }
    });
  const m = method.toUpperCase();
  if (seg[0] === 'users' && seg[1] === 'me' && seg[2] === 'calendarList' && m === 'GET') {
    return seg.length === 3
      ? { name: 'calendar.calendarList.list' }
      : seg.length === 4
        ? { name: 'calendar.calendarList.get', calendarId: seg[3] }
        : undefined;
  }
  if (seg[0] !== 'calendars' || seg[1] === undefined) return undefined;
  const calendarId = seg[1];
  if (seg.length === 2 && m === 'GET') return { name: 'calendar.calendars.get', calendarId };
  if (seg[2] !== 'events') return undefined;
  if (seg.length === 3) {
    if (m === 'GET') return { name: 'calendar.events.list', calendarId };
    if (m === 'POST') return { name: 'calendar.events.insert', calendarId };
    return undefined;
  }
  const eventId = seg[3];
  if (seg.length === 4 && eventId === 'import' && m === 'POST')
    return { name: 'calendar.events.import', calendarId };
  if (seg.length === 5 && seg[4] === 'instances' && m === 'GET') {
    return { name: 'calendar.events.instances', calendarId, eventId };
  }
  if (seg.length !== 4) return undefined;
  const byMethod: Record<string, string> = {
    GET: 'calendar.events.get',
    PATCH: 'calendar.events.patch',
    PUT: 'calendar.events.update',
    DELETE: 'calendar.events.delete',
  };
  const name = byMethod[m];
  return name ? { name, calendarId, eventId } : undefined;
}

function parseBody(body: unknown): unknown {
  if (typeof body !== 'string' && !(body instanceof Uint8Array)) return body;
  const text = typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw parseError();
  }
}

export class CalendarEmulator {
  private readonly store: Store;
  private readonly events: Events;

  /**
   * `syncTokenTtlMs` (optional extension of the contract): sync tokens older than this answer 410, as
   * Google's do after an unspecified time.
   */
  constructor(options: { now: () => Date; syncTokenTtlMs?: number }) {
    this.store = new Store(options.now, options.syncTokenTtlMs);
    this.events = new Events(this.store);
  }

  /** `listener` is told the email of every calendar that changes (any event, any copy). */
  onChange(listener: (calendarEmail: string) => void): void {
    this.store.onChange(listener);
  }

  methodName(method: string, path: string): string {
    return route(method, path)?.name ?? `calendar.unknown.${method.toUpperCase()}`;
  }

  handle(req: CalendarRequest): CalendarResponse {
    try {
      return this.dispatch(req);
    } catch (e) {
      if (e instanceof CalendarError) return { status: e.status, body: e.body() };
      const message = e instanceof Error ? e.message : String(e);
      return {
        status: 500,
        body: {
          error: { errors: [{ domain: 'global', reason: 'backendError', message }], code: 500, message },
        },
      };
    }
  }

  private calendarFor(req: CalendarRequest, calendarId: string | undefined): Calendar {
    this.ensureAccount(req.accountEmail);
    const own = this.store.ensure(req.accountEmail);
    if (calendarId === 'primary' || calendarId?.toLowerCase() === own.email) return own;
    throw notFound();
  }

  private dispatch(req: CalendarRequest): CalendarResponse {
    const r = route(req.method, req.path);
    if (!r) throw notFound();
    const cal = this.calendarFor(req, r.calendarId ?? 'primary');
    const tz = req.query.get('timeZone') ?? cal.timeZone;
    const ma = req.query.get('maxAttendees');
    if (ma !== null && !(Number.isInteger(Number(ma)) && Number(ma) >= 1)) {
      throw invalid('Invalid value for maxAttendees.', 'maxAttendees');
    }
    const view = (data: Ev) =>
      render(cal, data, { timeZone: tz, maxAttendees: ma === null ? undefined : Number(ma) });
    const ok = (body: unknown): CalendarResponse => ({ status: 200, body });
    const body = parseBody(req.body);
    const eventId = 'eventId' in r ? String(r.eventId) : '';
    switch (r.name) {
      case 'calendar.calendarList.list':
        return ok({
          kind: 'calendar#calendarList',
          etag: `"${cal.updatedMs}"`,
          items: [this.calendarListEntry(cal)],
        });
      case 'calendar.calendarList.get':
        return ok(this.calendarListEntry(cal));
      case 'calendar.calendars.get':
        return ok({
          kind: 'calendar#calendar',
          etag: `"${cal.updatedMs}"`,
          id: cal.email,
          summary: cal.email,
          timeZone: cal.timeZone,
        });
      case 'calendar.events.list':
        return ok(listEvents(this.store, cal, req.query));
      case 'calendar.events.instances': {
        const parent = cal.entries.get(eventId);
        if (!parent) throw notFound();
        return ok(listInstances(this.store, cal, parent, req.query));
      }
      case 'calendar.events.get': {
        const data = this.events.get(cal, eventId);
        const inm = Object.entries(req.headers).find(([k]) => k.toLowerCase() === 'if-none-match')?.[1];
        if (inm !== undefined && inm === data.etag) return { status: 304 };
        return ok(view(data));
      }
      case 'calendar.events.insert':
        return ok(view(this.events.insert(cal, body).data));
      case 'calendar.events.import':
        return ok(view(this.events.importEvent(cal, body).data));
      case 'calendar.events.patch':
        return ok(view(this.events.write(cal, eventId, body, req.headers, false).data));
      case 'calendar.events.update':
        return ok(view(this.events.write(cal, eventId, body, req.headers, true).data));
      case 'calendar.events.delete':
        this.events.delete(cal, eventId, req.headers);
        return { status: 204 };
      default:
        throw notFound();
    }
  }

  private calendarListEntry(cal: Calendar): Ev {
    return {
      kind: 'calendar#calendarListEntry',
      etag: `"${cal.updatedMs}"`,
      id: cal.email,
      summary: cal.email,
      timeZone: cal.timeZone,
      accessRole: 'owner',
      primary: true,
      defaultReminders: [{ method: 'popup', minutes: 10 }],
    };
  }

  // ---- control: acting as users in Google's UI -------------------------------------------------

  /** Creates the account's primary calendar (time zone defaults to UTC) and backfills invitations. */
  ensureAccount(email: string, options: { timeZone?: string } = {}): void {
    const existed = this.store.get(email) !== undefined;
    const cal = this.store.ensure(email, options.timeZone);
    if (!existed) backfill(this.store, cal);
  }

  private own(email: string): Calendar {
    this.ensureAccount(email);
    const cal = this.store.get(email);
    if (!cal) throw notFound();
    return cal;
  }

  userCreateEvent(email: string, event: object): object {
    const cal = this.own(email);
    return render(cal, this.events.insert(cal, event).data, { timeZone: cal.timeZone });
  }

  userUpdateEvent(email: string, eventId: string, patch: object): object {
    const cal = this.own(email);
    return render(cal, this.events.write(cal, eventId, patch, {}, false).data, { timeZone: cal.timeZone });
  }

  userCancelEvent(email: string, eventId: string): void {
    this.events.delete(this.own(email), eventId, {});
  }

  userRespond(email: string, eventId: string, response: string): void {
    this.events.respond(this.own(email), eventId, response);
  }

  /** Invalidates all outstanding sync tokens of one account (or of all accounts). */
  expireSyncTokens(email?: string): void {
    for (const cal of this.store.calendars.values()) {
      if (email === undefined || cal.email === email.toLowerCase()) cal.epoch += 1;
    }
  }

  reset(): void {
    this.store.reset();
  }

  dump(): object {
    const out: Record<string, unknown> = {};
    for (const cal of this.store.calendars.values()) {
      out[cal.email] = {
        timeZone: cal.timeZone,
        seq: cal.seq,
        epoch: cal.epoch,
        events: [...cal.entries.values()].map((e) => ({
          seq: e.seq,
          organizerEmail: e.organizerEmail,
          organizerCopy: e.organizerCopy,
          ...(e.userDeleted ? { userDeleted: true } : {}),
          ...(e.privateCopy ? { privateCopy: true } : {}),
          event: render(cal, e.data, { timeZone: cal.timeZone }),
        })),
      };
    }
    return out;
  }
}

export { CalendarError } from './errors.js';
