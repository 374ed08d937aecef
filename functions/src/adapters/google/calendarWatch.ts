import { calendar_v3 } from '@googleapis/calendar';
import { type GoogleApiCaller, googleClientOptions } from './apiCaller.js';
import { GoogleApiFailure } from './apiErrors.js';

/**
 * Push notification channels on the user's primary calendar: `events.watch` opens one,
 * `channels.stop` closes it (https://developers.google.com/calendar/api/guides/push). Calls go through
 * the GoogleApiCaller (Retry-After, 401 refresh). A watch is not idempotent: a repeat after a lost
 * answer would be refused as a channel id already taken, so only rate limits are retried.
 */

export interface ChannelRequest {
  id: string;
  token: string;
  /** The HTTPS address Google posts the notifications to. */
  address: string;
  /** `params.ttl`: the channel's lifetime in seconds (Google's default is 604800, a week). */
  ttlSeconds: number;
}

export interface OpenChannel {
  resourceId: string;
  /** Milliseconds since the epoch: when Google stops delivering on the channel. */
  expiresAt: number;
}

export class CalendarWatchApi {
  private readonly client: calendar_v3.Calendar;

  constructor(private readonly caller: GoogleApiCaller) {
    this.client = new calendar_v3.Calendar(googleClientOptions(caller));
  }

  /** events.watch (https://developers.google.com/workspace/calendar/api/v3/reference/events/watch). */
  async watch(request: ChannelRequest): Promise<OpenChannel> {
    const { data } = await this.caller.call('calendar.events.watch', false, () =>
      this.client.events.watch({
        calendarId: 'primary',
        requestBody: {
          id: request.id,
          token: request.token,
          type: 'web_hook',
          address: request.address,
          params: { ttl: String(request.ttlSeconds) },
        },
      }),
    );
    const expiresAt = Number(data.expiration);
    if (!data.resourceId || !Number.isFinite(expiresAt)) {
      throw new GoogleApiFailure(
        'invalid',
        200,
        undefined,
        'events.watch answered without resourceId or expiration',
      );
    }
    return { resourceId: data.resourceId, expiresAt };
  }

  /**
   * channels.stop (https://developers.google.com/workspace/calendar/api/v3/reference/channels/stop).
   * A channel Google does not know (404: expired, stopped already, or opened by another grant) is as
   * good as stopped, so a repeated stop is harmless.
   */
  async stop(channel: { id: string; resourceId: string }): Promise<void> {
    try {
      await this.caller.call('calendar.channels.stop', true, () =>
        this.client.channels.stop({ requestBody: { id: channel.id, resourceId: channel.resourceId } }),
      );
    } catch (error) {
      if (error instanceof GoogleApiFailure && error.kind === 'not_found') return;
      throw error;
    }
  }
}
