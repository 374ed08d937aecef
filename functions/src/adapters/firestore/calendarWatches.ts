import { type DocumentData, Timestamp } from '@google-cloud/firestore';
import { firestore } from './client.js';
import { USER_SYNC_STATE_COLLECTIONS } from './syncStatePaths.js';

/**
 * The push notification channels that watch each user's primary calendar (docs/behaviour.md#near-real-time-calendar), at
 * `calendarWatches/{uid}`: the one owner of that state. A channel's secret token is never stored,
 * only its SHA-256, so a reader of the database cannot forge a notification.
 *
 * `channelIds` repeats the channels' ids for the webhook's lookup (an `array-contains` query on a
 * single-field index, which Firestore keeps by itself); `renewAt` is when `syncTick` acts next.
 */

const COLLECTION = USER_SYNC_STATE_COLLECTIONS.calendarWatch;

export interface WatchChannel {
  id: string;
  /** SHA-256 of the channel token, base64url. */
  tokenHash: string;
  /** Google's id of the watched resource; null until Google answered the watch. */
  resourceId: string | null;
  /** Milliseconds since the epoch; null until Google answered the watch. */
  expiresAt: number | null;
}

export interface CalendarWatch {
  uid: string;
  /** The linked account whose grant opened the channels (only its user and client may stop them). */
  accountId: string;
  /** Open channels, the newest last (an older one lives on only while a renewal replaces it). */
  channels: WatchChannel[];
  /** Milliseconds since the epoch: renew the newest channel, or retry a watch that failed. */
  renewAt: number;
  /** Watch attempts that failed in a row (for the retry backoff). */
  failures: number;
}

const ref = (uid: string) => firestore().collection(COLLECTION).doc(uid);

function toStored(watch: CalendarWatch): DocumentData {
  return {
    ...watch,
    channelIds: watch.channels.map((c) => c.id),
    renewAt: Timestamp.fromMillis(watch.renewAt),
  };
}

function fromStored(data: DocumentData | undefined): CalendarWatch | undefined {
  if (!data || typeof data.uid !== 'string' || !(data.renewAt instanceof Timestamp)) return undefined;
  const channels = Array.isArray(data.channels) ? (data.channels as DocumentData[]) : [];
  return {
    uid: data.uid,
    accountId: String(data.accountId),
    channels: channels.map((c) => ({
      id: String(c.id),
      tokenHash: String(c.tokenHash),
      resourceId: typeof c.resourceId === 'string' ? c.resourceId : null,
      expiresAt: typeof c.expiresAt === 'number' ? c.expiresAt : null,
    })),
    renewAt: data.renewAt.toMillis(),
    failures: typeof data.failures === 'number' ? data.failures : 0,
  };
}

export async function readCalendarWatch(uid: string): Promise<CalendarWatch | undefined> {
  return fromStored((await ref(uid).get()).data());
}

/** The watch that holds the channel `channelId`, with that channel; undefined for an unknown id. */
export async function findWatchByChannel(
  channelId: string,
): Promise<{ watch: CalendarWatch; channel: WatchChannel } | undefined> {
  const snapshot = await firestore()
    .collection(COLLECTION)
    .where('channelIds', 'array-contains', channelId)
    .limit(1)
    .get();
  const watch = fromStored(snapshot.docs[0]?.data());
  const channel = watch?.channels.find((c) => c.id === channelId);
  return watch && channel ? { watch, channel } : undefined;
}

export async function saveCalendarWatch(watch: CalendarWatch): Promise<void> {
  await ref(watch.uid).set(toStored(watch));
}

export async function deleteCalendarWatch(uid: string): Promise<void> {
  await ref(uid).delete();
}

/** The users whose watch is due for renewal (or a retry) at `nowMs`, the most overdue first. */
export async function watchesDue(nowMs: number, limit: number): Promise<string[]> {
  const snapshot = await firestore()
    .collection(COLLECTION)
    .where('renewAt', '<=', Timestamp.fromMillis(nowMs))
    .orderBy('renewAt')
    .limit(limit)
    .select()
    .get();
  return snapshot.docs.map((doc) => doc.id);
}

/**
 * Where the one-time watch of accounts linked before push existed has got to (`syncTick` visits every
 * linked account once, a page per tick): the path of the last account visited, or done.
 */
export interface BackfillState {
  done: boolean;
  after?: string;
}

const backfillRef = () => firestore().doc('deployment/calendarWatchBackfill');

export async function readBackfillState(): Promise<BackfillState> {
  const data = (await backfillRef().get()).data();
  return { done: data?.done === true, ...(typeof data?.after === 'string' ? { after: data.after } : {}) };
}

export async function saveBackfillState(state: BackfillState): Promise<void> {
  await backfillRef().set(state);
}
