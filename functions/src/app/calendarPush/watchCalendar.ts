import { randomBytes, randomUUID } from 'node:crypto';
import { linkedAccountOf } from '../../adapters/firestore/accounts.js';
import {
  type CalendarWatch,
  deleteCalendarWatch,
  readCalendarWatch,
  saveCalendarWatch,
  type WatchChannel,
} from '../../adapters/firestore/calendarWatches.js';
import { GoogleApiCaller } from '../../adapters/google/apiCaller.js';
import { CalendarWatchApi } from '../../adapters/google/calendarWatch.js';
import { refreshAccessToken } from '../../adapters/google/oauth.js';
import { config } from '../../config.js';
import { hashChannelToken } from '../../core/crypto/channelToken.js';
import type { LinkedAccountRecord } from '../../domain/accounts/linkedAccount.js';
import { log } from '../../logging.js';
import { forgetAccessToken, getAccessToken } from '../accounts/accessTokens.js';
import { openRefreshToken } from '../accounts/tokenVault.js';
import { resolveOAuthApp } from '../settings/googleSettings.js';

/**
 * The channel that watches a linked account's primary calendar (docs/behaviour.md#near-real-time-calendar): opened at linking (and
 * by `syncTick` for accounts linked before push existed), renewed by `syncTick` before it expires,
 * stopped when the account is removed or relinked. Nothing here ever throws: without a channel the
 * user's sync period still brings the changes, so a failed watch is logged and retried later.
 *
 * Google's rules (https://developers.google.com/calendar/api/guides/push): "There is no automatic way
 * to renew a notification channel": a new channel with a new id replaces it, and the two may overlap
 * for a while; the `sync` message of a channel may arrive before the answer to the watch, so the
 * channel is recorded before it is asked for.
 */

/** What we ask for: Google's default and documented lifetime, a week (events.watch `params.ttl`). */
export const CHANNEL_TTL_SECONDS = 604_800;
/** Renewed a day before it expires, so a renewal that fails has a day of retries before a gap. */
export const RENEW_BEFORE_MS = 24 * 3600_000;
/** A failed watch is retried after 5 minutes, doubling up to 6 hours. */
const RETRY_FIRST_MS = 5 * 60_000;
const RETRY_MAX_MS = 6 * 3600_000;

export type WatchOutcome = 'opened' | 'current' | 'not_watched' | 'failed';

const webhookAddress = () => `${config().publicBaseUrl}/calendarWebhook`;

function watchApi(accessToken: (forceRefresh?: boolean) => Promise<string>): CalendarWatchApi {
  return new CalendarWatchApi(new GoogleApiCaller(accessToken));
}

const watchable = (account: LinkedAccountRecord | undefined): account is LinkedAccountRecord =>
  account !== undefined && account.status === 'active' && account.capabilities.calendar;

/**
 * Makes sure the user's calendar is watched by a live channel of their current account: opens one
 * when there is none, when it is due for renewal, or always with `replace` (a relink). A user with
 * nothing to watch (no account with the calendar capability, or one that must be linked again) has
 * their channels stopped and forgotten.
 */
export async function watchCalendar(
  uid: string,
  options: { replace?: boolean; now?: () => number } = {},
): Promise<WatchOutcome> {
  const now = options.now ?? Date.now;
  try {
    const [account, watch] = await Promise.all([linkedAccountOf(uid), readCalendarWatch(uid)]);
    if (!watchable(account)) {
      if (watch) await stopCalendarWatch(uid, undefined, now);
      return 'not_watched';
    }
    const newest = watch?.channels.at(-1);
    const fresh = watch?.accountId === account.id && newest?.resourceId && watch.renewAt > now();
    if (fresh && !options.replace) return 'current';
    return await openChannel(uid, account, watch, now);
  } catch (error) {
    log.warn('could not watch the calendar; the sync period still applies', { uid, error });
    return 'failed';
  }
}

async function openChannel(
  uid: string,
  account: LinkedAccountRecord,
  previous: CalendarWatch | undefined,
  now: () => number,
): Promise<WatchOutcome> {
  const token = randomBytes(32).toString('base64url');
  const pending: WatchChannel = {
    id: randomUUID(),
    tokenHash: hashChannelToken(token),
    resourceId: null,
    expiresAt: null,
  };
  const older = previous?.accountId === account.id ? previous.channels.filter((c) => c.resourceId) : [];
  const failures = previous?.failures ?? 0;
  // Recorded first: Google may send the channel's `sync` message before it answers the watch.
  await saveCalendarWatch({
    uid,
    accountId: account.id,
    channels: [...older, pending],
    renewAt: now() + retryDelay(failures),
    failures: failures + 1,
  });
  const accessToken = linkedAccountToken(uid, now);
  let opened: { resourceId: string; expiresAt: number };
  try {
    opened = await watchApi(accessToken).watch({
      id: pending.id,
      token,
      address: webhookAddress(),
      ttlSeconds: CHANNEL_TTL_SECONDS,
    });
  } catch (error) {
    await saveCalendarWatch({
      uid,
      accountId: account.id,
      channels: older,
      renewAt: now() + retryDelay(failures),
      failures: failures + 1,
    });
    log.warn('Google refused to watch the calendar; retrying later', { uid, failures: failures + 1, error });
    return 'failed';
  }
  const channel: WatchChannel = { ...pending, ...opened };
  await saveCalendarWatch({
    uid,
    accountId: account.id,
    channels: [...older, channel],
    renewAt: opened.expiresAt - RENEW_BEFORE_MS,
    failures: 0,
  });
  // The replaced channels are stopped once the new one is in place, so no change falls between.
  const stopped = await stopChannels(uid, older, accessToken);
  if (stopped.length > 0) {
    await saveCalendarWatch({
      uid,
      accountId: account.id,
      channels: [...older.filter((c) => !stopped.includes(c)), channel],
      renewAt: opened.expiresAt - RENEW_BEFORE_MS,
      failures: 0,
    });
  }
  log.info('calendar watched', {
    uid,
    channelId: channel.id,
    expiresAt: new Date(opened.expiresAt).toISOString(),
  });
  return 'opened';
}

const retryDelay = (failures: number) => Math.min(RETRY_FIRST_MS * 2 ** failures, RETRY_MAX_MS);

/** Stops each channel; answers the ones that are stopped (an unknown one counts). */
async function stopChannels(
  uid: string,
  channels: WatchChannel[],
  accessToken: (forceRefresh?: boolean) => Promise<string>,
): Promise<WatchChannel[]> {
  const api = watchApi(accessToken);
  const stopped: WatchChannel[] = [];
  for (const channel of channels) {
    if (!channel.resourceId) continue;
    try {
      await api.stop({ id: channel.id, resourceId: channel.resourceId });
      stopped.push(channel);
    } catch (error) {
      log.warn('could not stop a calendar channel; it expires by itself', {
        uid,
        channelId: channel.id,
        error,
      });
    }
  }
  return stopped;
}

/**
 * Stops the user's channels and forgets them (the account is being removed or replaced). Only the
 * grant that opened a channel may stop it, so `account` names the account whose grant that is when it
 * is not the one linked now (a relink); its token must still be valid, so call this before revoking
 * it. A channel that cannot be stopped expires within a week, and its notifications answer 404.
 */
export async function stopCalendarWatch(
  uid: string,
  account?: LinkedAccountRecord,
  now: () => number = Date.now,
): Promise<void> {
  try {
    const watch = await readCalendarWatch(uid);
    if (!watch) return;
    await deleteCalendarWatch(uid);
    const owner = account ?? (await linkedAccountOf(uid));
    if (owner?.id === watch.accountId && owner.status === 'active') {
      await stopChannels(uid, watch.channels, account ? tokenOf(account) : linkedAccountToken(uid, now));
    }
    log.info('calendar no longer watched', { uid, channels: watch.channels.length });
  } catch (error) {
    log.warn('could not stop watching the calendar', { uid, error });
  }
}

/** Access tokens of the user's linked account, as the sync gets them (a fresh one after a 401). */
function linkedAccountToken(uid: string, now: () => number) {
  return async (forceRefresh = false) => {
    if (forceRefresh) forgetAccessToken(uid);
    return (await getAccessToken(uid, now)).accessToken;
  };
}

/** An access token of an account that is no longer the one linked (its refresh token still works). */
function tokenOf(account: LinkedAccountRecord): () => Promise<string> {
  return async () => {
    const app = await resolveOAuthApp();
    const refreshToken = await openRefreshToken(account.uid, account.refreshToken);
    return (await refreshAccessToken(app, refreshToken)).accessToken;
  };
}
