import { findWatchByChannel } from '../../adapters/firestore/calendarWatches.js';
import { readSyncSettings } from '../../adapters/firestore/syncSettings.js';
import { channelTokenMatches } from '../../core/crypto/channelToken.js';
import { AppError } from '../../errors.js';
import { log } from '../../logging.js';
import { type ChangeRunOutcome, queueRunForChange } from '../sync/runs/changeRuns.js';

/**
 * One push notification from Google Calendar (docs/behaviour.md#near-real-time-calendar, https://developers.google.com/calendar/api/guides/push
 * "Receive notifications"). Authenticated by the channel's secret token, compared in constant time
 * (over the SHA-256 of both, so the lengths match too). An unknown channel and a wrong token get the
 * same 404 and run nothing. The first message of a channel (`sync`, "notifications are starting") is
 * acknowledged and runs nothing; any other state means the calendar changed: that user's activities
 * run is queued, coalesced. Google expects a quick 2xx, so nothing here syncs.
 */

export interface ChannelNotification {
  channelId: string | undefined;
  token: string | undefined;
  resourceState: string | undefined;
  resourceId: string | undefined;
  messageNumber: string | undefined;
}

export type NotificationOutcome = 'acknowledged' | 'not_configured' | ChangeRunOutcome;

const unknownChannel = () => new AppError('not_found', 'No such notification channel.');

export async function receiveNotification(
  notification: ChannelNotification,
  now: () => number = Date.now,
): Promise<NotificationOutcome> {
  const { channelId, resourceState } = notification;
  if (!channelId || channelId.length > 64) throw unknownChannel();
  const found = await findWatchByChannel(channelId);
  if (!found || !channelTokenMatches(notification.token, found.channel.tokenHash)) {
    log.warn('calendar notification refused', { channelId, known: found !== undefined });
    throw unknownChannel();
  }
  const { uid } = found.watch;
  const resourceId = found.channel.resourceId;
  if (resourceId && notification.resourceId && notification.resourceId !== resourceId) throw unknownChannel();
  if (resourceState === 'sync') return 'acknowledged';
  // A user who turned automatic activity sync off (or never set it up) syncs by hand.
  const { activities } = await readSyncSettings(uid);
  if (!activities.autoSync || activities.syncSince === null) return 'not_configured';
  const { outcome, runId } = await queueRunForChange(uid, now);
  log.info('calendar change announced', {
    uid,
    channelId,
    messageNumber: notification.messageNumber,
    outcome,
    runId,
  });
  return outcome;
}
