import type { Firestore } from '@google-cloud/firestore';
import { eventKeyDocId } from '../../core/sync/activities/ids.js';
import type { ActivityLink } from '../../core/sync/activities/plan.js';
import type { ListPosition } from '../google/calendar.js';
import { AccountSyncState, BATCH_LIMIT } from './accountSyncState.js';
import { ACTIVITY_EVENT_INDEX } from './syncStatePaths.js';

/**
 * Where the activity sync keeps its state (docs/architecture.md#functions-and-state): per linked account, the cursor document
 * `syncCursors/activities` and one `syncMappings/activity_{activityId}` document per linked pair
 * (with its base snapshot), plus `syncMappings/activitySeries_{seriesId}` per recurring series seen;
 * deployment-wide, the event index (ACTIVITY_EVENT_INDEX). The contact sync shares the
 * subcollections under other document ids.
 *
 * Each link also has a `syncMappings/event_{eventId, URI-encoded}` entry naming its activity (as
 * `linkOf`: only link documents carry `activityId`, which `linksAfter` orders by),
 * written with it, so that a page of 2,500 events finds its links by two bulk reads (getAll) rather
 * than 84 `in` queries, which the Firestore emulator answers by scanning the collection (see
 * contactSyncState.ts): that made an import's time per event grow with the account. An entry is a
 * hint (the link must still name that event); links older than the entries get theirs once.
 */

export interface ActivityCursor {
  /** Calendar sync token of the last complete listing. */
  syncToken?: string;
  /** A listing in progress: resume here after a crash instead of starting over. */
  listing?: ListPosition;
  /** CRM change-feed cursor; absent until the first full export is done. */
  crmCursor?: string;
  /** End (epoch ms) of the rolling window up to which occurrences of series have been read. */
  windowUntil?: number;
  /** A full listing in progress, or complete and its unlisted links not all checked yet. */
  sweep?: ListingSweep;
}

/**
 * The check that follows a full listing (docs/architecture.md#nango, Nango's generations): the listing stamps the links
 * of the events it lists with `generation`; once it is complete, links without the stamp are checked.
 */
export interface ListingSweep {
  generation: string;
  /** The listing had at least one event (an empty one is not trusted to mean "all deleted"). */
  listed: boolean;
  /** Activity id of the last link checked: a crashed check resumes after it. */
  after?: string;
}

export interface EventIndexEntry {
  activityId: string;
  /** True until the CRM activity is known to exist (a run may crash between the two writes). */
  pending: boolean;
}

const LINK_PREFIX = 'activity_';
const EVENT_PREFIX = 'event_';
/** Version of the event entries in the cursor document: set once every link has its entry. */
const EVENT_INDEX_VERSION = 1;
const SERIES_PREFIX = 'activitySeries_';
const SERIES_TYPE = 'activitySeries';

export class ActivitySyncState extends AccountSyncState<ActivityCursor & { eventIndex?: number }> {
  private indexed?: Promise<void>;

  constructor(db: Firestore, uid: string, accountId: string) {
    super(db, uid, accountId, 'activities');
  }

  private eventRef(eventId: string) {
    return this.mappings.doc(`${EVENT_PREFIX}${encodeURIComponent(eventId)}`);
  }

  /** Gives links saved before event entries existed their entry (once per account). */
  private indexEvents(): Promise<void> {
    this.indexed ??= (async () => {
      if ((await this.cursor()).eventIndex === EVENT_INDEX_VERSION) return;
      let after: string | undefined;
      for (;;) {
        const links = await this.linksAfter(after, BATCH_LIMIT);
        const batch = this.db.batch();
        for (const link of links) batch.set(this.eventRef(link.eventId), { linkOf: link.activityId });
        if (links.length > 0) await batch.commit();
        if (links.length < BATCH_LIMIT) break;
        after = links[links.length - 1]?.activityId;
      }
      await this.saveCursor({ eventIndex: EVENT_INDEX_VERSION });
    })();
    return this.indexed;
  }

  private linkRef(activityId: string) {
    return this.mappings.doc(`${LINK_PREFIX}${activityId}`);
  }

  async linkOfActivity(activityId: string): Promise<ActivityLink | undefined> {
    return (await this.linkRef(activityId).get()).data() as ActivityLink | undefined;
  }

  /** The links of these events, by event id (two bulk reads per 500 ids). */
  async linksOfEvents(eventIds: string[]): Promise<Map<string, ActivityLink>> {
    await this.indexEvents();
    const found = new Map<string, ActivityLink>();
    const ids = [...new Set(eventIds)];
    for (let i = 0; i < ids.length; i += BATCH_LIMIT) {
      const entries = await this.db.getAll(...ids.slice(i, i + BATCH_LIMIT).map((id) => this.eventRef(id)));
      const activityIds = [
        ...new Set(entries.map((doc) => doc.get('linkOf')).filter((id) => typeof id === 'string')),
      ] as string[];
      if (activityIds.length === 0) continue;
      const asked = new Set(ids);
      for (const doc of await this.db.getAll(...activityIds.map((id) => this.linkRef(id)))) {
        const link = doc.data() as ActivityLink | undefined;
        if (link && asked.has(link.eventId)) found.set(link.eventId, link);
      }
    }
    return found;
  }

  async linksOfSeries(seriesId: string): Promise<ActivityLink[]> {
    const snapshot = await this.mappings.where('seriesId', '==', seriesId).get();
    return snapshot.docs
      .map((doc) => doc.data() as ActivityLink)
      .filter((link) => !link.unlinked && !link.cancelled);
  }

  /** Stamps the links of these events with the full listing that listed them (one write per link). */
  async markListed(eventIds: string[], generation: string): Promise<void> {
    const stale = [...(await this.linksOfEvents(eventIds)).values()].filter(
      (link) => link.listedIn !== generation,
    );
    for (let i = 0; i < stale.length; i += BATCH_LIMIT) {
      const batch = this.db.batch();
      for (const link of stale.slice(i, i + BATCH_LIMIT))
        batch.update(this.linkRef(link.activityId), { listedIn: generation });
      await batch.commit();
    }
  }

  /** Up to `limit` links in activity id order after `after`: all links, a page at a time. */
  async linksAfter(after: string | undefined, limit: number): Promise<ActivityLink[]> {
    // Only link documents carry `activityId` (series and contact mappings share the collection).
    let query = this.mappings.orderBy('activityId').limit(limit);
    if (after !== undefined) query = query.startAfter(after);
    return (await query.get()).docs.map((doc) => doc.data() as ActivityLink);
  }

  async saveLink(link: ActivityLink): Promise<void> {
    const batch = this.db.batch();
    batch.set(this.linkRef(link.activityId), link);
    batch.set(this.eventRef(link.eventId), { linkOf: link.activityId });
    await batch.commit();
  }

  async deleteLink(activityId: string): Promise<void> {
    await this.linkRef(activityId).delete();
  }

  /** Remembers a recurring series, so the rolling window can later read its next occurrences. */
  async rememberSeries(seriesId: string): Promise<void> {
    await this.mappings.doc(`${SERIES_PREFIX}${seriesId}`).set({ type: SERIES_TYPE, series: seriesId });
  }

  async forgetSeries(seriesId: string): Promise<void> {
    await this.mappings.doc(`${SERIES_PREFIX}${seriesId}`).delete();
  }

  async seriesIds(): Promise<string[]> {
    const snapshot = await this.mappings.where('type', '==', SERIES_TYPE).get();
    return snapshot.docs.map((doc) => String(doc.get('series')));
  }
}

/** The deployment-wide index of Google meetings (see core/sync/activities/ids.ts). */
export class EventIndex {
  constructor(private readonly db: Firestore) {}

  private ref(key: string) {
    return this.db.collection(ACTIVITY_EVENT_INDEX).doc(eventKeyDocId(key));
  }

  async get(key: string): Promise<EventIndexEntry | undefined> {
    return (await this.ref(key).get()).data() as EventIndexEntry | undefined;
  }

  /**
   * The entry of `key`, created in a transaction with `activityId` when there is none: of two runs
   * that race, both get the same entry.
   */
  async claim(key: string, activityId: string, pending: boolean): Promise<EventIndexEntry> {
    const ref = this.ref(key);
    return this.db.runTransaction(async (tx) => {
      const existing = (await tx.get(ref)).data() as EventIndexEntry | undefined;
      if (existing) return existing;
      const entry: EventIndexEntry = { activityId, pending };
      tx.create(ref, { ...entry, key });
      return entry;
    });
  }

  async settle(key: string): Promise<void> {
    await this.ref(key).update({ pending: false });
  }
}
