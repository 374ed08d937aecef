// Sends push notifications to a channel's address as Google does ([PUSH] "Receive notifications",
// https://developers.google.com/calendar/api/guides/push): a POST with no body whose X-Goog-* headers
// say which channel, which resource and what happened. Messages of one channel go out one after the
// other, in message-number order; nothing of this runs inside the API call that caused it.
import type { Notification } from './channels.js';

export interface Delivery {
  channelId: string;
  messageNumber: number;
  state: string;
  address: string;
  /** The address's answer to the last attempt; absent when it could not be reached. */
  status?: number;
  error?: string;
  attempts: number;
  /** Emulator time of the first attempt. */
  at: string;
}

/**
 * [PUSH]: success is 200, 201, 202, 204 or 102; on 500, 502, 503 or 504 "the Google Calendar API
 * retries with exponential backoff", every other status is a failed message. Google documents no
 * schedule: the emulator tries 4 times, 100 ms apart doubling (unconfirmed), and an unreachable
 * address the same way.
 */
const RETRY_STATUSES = new Set([500, 502, 503, 504]);
const MAX_ATTEMPTS = 4;
const FIRST_BACKOFF_MS = 100;
/** Google expects a quick answer; the emulator gives an address this long (unconfirmed). */
const TIMEOUT_MS = 10_000;
const KEPT_DELIVERIES = 10_000;

/** [PUSH] "X-Goog-Channel-Expiration: Date and time of notification channel expiration, expressed in human-readable format." */
export function notificationHeaders({ channel, state, messageNumber }: Notification): Record<string, string> {
  return {
    'X-Goog-Channel-ID': channel.id,
    ...(channel.token !== undefined ? { 'X-Goog-Channel-Token': channel.token } : {}),
    'X-Goog-Channel-Expiration': new Date(channel.expiration).toUTCString(),
    'X-Goog-Resource-ID': channel.resourceId,
    'X-Goog-Resource-URI': channel.resourceUri,
    'X-Goog-Resource-State': state,
    'X-Goog-Message-Number': String(messageNumber),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class NotificationSender {
  readonly deliveries: Delivery[] = [];
  private readonly queues = new Map<string, Promise<void>>();
  /** Bumped by reset: deliveries of an earlier life are neither recorded nor continued. */
  private generation = 0;

  constructor(private readonly now: () => Date) {}

  send = (notification: Notification): void => {
    const id = notification.channel.id;
    const generation = this.generation;
    const previous = this.queues.get(id) ?? Promise.resolve();
    const next = previous.then(() => (generation === this.generation ? this.post(notification) : undefined));
    this.queues.set(id, next);
    void next.finally(() => {
      if (this.queues.get(id) === next) this.queues.delete(id);
    });
  };

  /** Resolves when every notification handed over so far has been answered (or given up). */
  async settled(): Promise<void> {
    while (this.queues.size > 0) await Promise.all([...this.queues.values()]);
  }

  reset(): void {
    this.generation += 1;
    this.queues.clear();
    this.deliveries.length = 0;
  }

  private async post(notification: Notification): Promise<void> {
    const generation = this.generation;
    const delivery: Delivery = {
      channelId: notification.channel.id,
      messageNumber: notification.messageNumber,
      state: notification.state,
      address: notification.channel.address,
      attempts: 0,
      at: this.now().toISOString(),
    };
    for (let backoff = FIRST_BACKOFF_MS; ; backoff *= 2) {
      delivery.attempts += 1;
      let retry: boolean;
      try {
        const res = await fetch(notification.channel.address, {
          method: 'POST',
          headers: notificationHeaders(notification),
          signal: AbortSignal.timeout(TIMEOUT_MS),
        });
        await res.arrayBuffer().catch(() => undefined);
        delivery.status = res.status;
        delete delivery.error;
        retry = RETRY_STATUSES.has(res.status);
      } catch (e) {
        delete delivery.status;
        delivery.error = e instanceof Error ? e.message : String(e);
        retry = true;
      }
      if (!retry || delivery.attempts >= MAX_ATTEMPTS || generation !== this.generation) break;
      await sleep(backoff);
    }
    if (generation !== this.generation) return;
    this.deliveries.push(delivery);
    if (this.deliveries.length > KEPT_DELIVERIES) this.deliveries.shift();
  }
}
