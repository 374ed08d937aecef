// Calendar push notification channels: `events.watch` opens one, `channels.stop` closes it, and every
// change of the watched calendar is told to its address. Transport-free except for the delivery it
// hands to `deliver` (delivery.ts). Sources, cited as [PUSH] https://developers.google.com/calendar/api/guides/push,
// [WATCH] https://developers.google.com/workspace/calendar/api/v3/reference/events/watch,
// [STOP] https://developers.google.com/workspace/calendar/api/v3/reference/channels/stop.
import { randomBytes } from 'node:crypto';
import { type ApiError, legacyError } from '../errors.js';

export interface Channel {
  id: string;
  /** Echoed in X-Goog-Channel-Token when the watch set one ([PUSH]: "only present if defined"). */
  token?: string;
  address: string;
  resourceId: string;
  resourceUri: string;
  calendarEmail: string;
  /** Who opened it: only "the same user from the same client" may stop it ([PUSH], Stop notifications). */
  ownerEmail: string;
  clientId: string;
  /** Milliseconds since the epoch, on the emulator clock. */
  expiration: number;
  /** Number of the last message sent on the channel (the `sync` message is 1). */
  messages: number;
  stopped: boolean;
}

export type ResourceState = 'sync' | 'exists';

export interface Notification {
  channel: Channel;
  state: ResourceState;
  messageNumber: number;
}

export interface WatchRequest {
  calendarEmail: string;
  /** The calendar id as the caller named it (`primary` or the address), for the resource URI. */
  calendarId: string;
  ownerEmail: string;
  clientId: string;
  body: unknown;
}

/** [WATCH]: `params.ttl` "Time-to-live in seconds for the notification channel. Default is 604800 seconds." */
export const DEFAULT_TTL_SECONDS = 604_800;
/**
 * Longer lifetimes come back cut to 30 days, as users report of the service (unconfirmed by Google's
 * pages; https://stackoverflow.com/q/64986662).
 */
export const MAX_TTL_SECONDS = 30 * 24 * 3600;
/** [PUSH] channel table: id "Maximum length: 64 characters", token "Maximum length: 256 characters". */
const MAX_ID_LENGTH = 64;
const MAX_TOKEN_LENGTH = 256;

const badRequest = (reason: string, message: string) =>
  legacyError(400, [{ domain: 'global', reason, message }]);

/**
 * Google refuses a plain-http address with 400 `push.webhookUrlNotHttps` "WebHook callback must be
 * HTTPS: <address>" (the reason and message as Google's clients see them, e.g. twentyhq/twenty's error
 * fixtures). The emulator also accepts http on a loopback host, so the local stack can be watched.
 */
function checkAddress(address: string): void {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    throw badRequest('invalid', `Invalid address: ${address}`);
  }
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname) || /^127\./.test(url.hostname);
  if (url.protocol === 'https:' || (url.protocol === 'http:' && loopback)) return;
  throw badRequest('push.webhookUrlNotHttps', `WebHook callback must be HTTPS: ${address}`);
}

function field(body: Record<string, unknown>, name: string, max: number): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length > max) {
    throw badRequest('invalid', `Invalid channel ${name} (a string of at most ${max} characters).`);
  }
  return value;
}

/** When the channel expires: `params.ttl` (default a week) and `expiration`, the earlier one, capped. */
function expirationOf(body: Record<string, unknown>, now: number): number {
  const params = (body.params ?? {}) as Record<string, unknown>;
  const ttlText = params.ttl === undefined ? String(DEFAULT_TTL_SECONDS) : String(params.ttl);
  if (!/^\d+$/.test(ttlText) || Number(ttlText) < 1)
    throw badRequest('invalid', 'Invalid value for params.ttl.');
  let at = now + Math.min(Number(ttlText), MAX_TTL_SECONDS) * 1000;
  if (body.expiration !== undefined && body.expiration !== null) {
    const asked = Number(body.expiration);
    if (!Number.isInteger(asked) || asked <= now)
      throw badRequest('invalid', 'Invalid value for expiration.');
    at = Math.min(at, asked);
  }
  return at;
}

export class PushChannels {
  private readonly channels = new Map<string, Channel>();
  /** One opaque resource id per watched calendar ([STOP]: "stable across different API versions"). */
  private readonly resourceIds = new Map<string, string>();
  /** Channels with a change not told yet; flushed once the current operation is done. */
  private readonly pending = new Set<Channel>();
  private flushScheduled = false;

  constructor(
    private readonly now: () => number,
    private readonly deliver: (notification: Notification) => void,
  ) {}

  private lives(channel: Channel): boolean {
    return !channel.stopped && channel.expiration > this.now();
  }

  /** `events.watch` → the Channel resource ([WATCH] response), and the `sync` message on its way. */
  watch(request: WatchRequest): Record<string, unknown> {
    if (typeof request.body !== 'object' || request.body === null || Array.isArray(request.body)) {
      throw badRequest('required', 'Required channel.');
    }
    const body = request.body as Record<string, unknown>;
    const id = field(body, 'id', MAX_ID_LENGTH);
    if (!id) throw badRequest('required', 'Required channel id.');
    const token = field(body, 'token', MAX_TOKEN_LENGTH);
    // [WATCH] type: 'Valid values are "web_hook" (or "webhook").'
    if (body.type !== 'web_hook' && body.type !== 'webhook') {
      throw badRequest(
        'push.channelTypeNotSupported',
        `Channel type '${String(body.type)}' is not supported.`,
      );
    }
    const address = field(body, 'address', 2048);
    if (!address) throw badRequest('required', 'Required channel address.');
    checkAddress(address);
    // [PUSH]: the id must be "unique within your project" (reason as reported, unconfirmed).
    const existing = this.channels.get(id);
    if (existing && this.lives(existing))
      throw badRequest('channelIdNotUnique', `Channel id ${id} not unique`);
    const calendarEmail = request.calendarEmail.toLowerCase();
    let resourceId = this.resourceIds.get(calendarEmail);
    if (!resourceId) {
      resourceId = randomBytes(14).toString('base64url');
      this.resourceIds.set(calendarEmail, resourceId);
    }
    const channel: Channel = {
      id,
      ...(token !== undefined ? { token } : {}),
      address,
      resourceId,
      resourceUri: `https://www.googleapis.com/calendar/v3/calendars/${encodeURIComponent(request.calendarId)}/events?alt=json`,
      calendarEmail,
      ownerEmail: request.ownerEmail.toLowerCase(),
      clientId: request.clientId,
      expiration: expirationOf(body, this.now()),
      messages: 0,
      stopped: false,
    };
    this.channels.set(id, channel);
    // [PUSH] "After creating a new notification channel to watch a resource, the Google Calendar API
    // sends a sync message to indicate that notifications are starting."
    this.tell(channel, 'sync');
    return {
      kind: 'api#channel',
      id,
      resourceId,
      resourceUri: channel.resourceUri,
      ...(token !== undefined ? { token } : {}),
      expiration: String(channel.expiration),
    };
  }

  /** `channels.stop` ([STOP]): the caller must be the channel's user and client, else 404 (as an unknown channel). */
  stop(body: unknown, callerEmail: string, clientId: string): void {
    const { id, resourceId } = (typeof body === 'object' && body !== null ? body : {}) as Record<
      string,
      unknown
    >;
    const channel = typeof id === 'string' ? this.channels.get(id) : undefined;
    if (
      !channel ||
      !this.lives(channel) ||
      channel.resourceId !== resourceId ||
      channel.ownerEmail !== callerEmail.toLowerCase() ||
      channel.clientId !== clientId
    ) {
      // Message as Google is reported to answer (unconfirmed).
      throw notFoundChannel(String(id));
    }
    channel.stopped = true;
    this.pending.delete(channel);
  }

  /** A calendar changed: every live channel on it gets one `exists` message once the operation is done. */
  changed(calendarEmail: string): void {
    for (const channel of this.channels.values()) {
      if (channel.calendarEmail === calendarEmail && this.lives(channel)) this.pending.add(channel);
    }
    if (this.pending.size === 0 || this.flushScheduled) return;
    this.flushScheduled = true;
    // One operation may touch a calendar several times (an event and its exceptions): one message.
    setImmediate(() => {
      this.flushScheduled = false;
      const channels = [...this.pending];
      this.pending.clear();
      for (const channel of channels) if (this.lives(channel)) this.tell(channel, 'exists');
    });
  }

  private tell(channel: Channel, state: ResourceState): void {
    channel.messages += 1;
    this.deliver({ channel, state, messageNumber: channel.messages });
  }

  list(): Channel[] {
    return [...this.channels.values()].map((c) => ({ ...c, stopped: c.stopped || !this.lives(c) }));
  }

  reset(): void {
    this.channels.clear();
    this.resourceIds.clear();
    this.pending.clear();
  }
}

export const notFoundChannel = (id: string): ApiError =>
  legacyError(404, [
    { domain: 'global', reason: 'notFound', message: `Channel '${id}' not found for project` },
  ]);
