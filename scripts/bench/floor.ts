import { firestore } from '../../functions/src/adapters/firestore/client.js';
import { GoogleApiCaller } from '../../functions/src/adapters/google/apiCaller.js';
import { CalendarApi } from '../../functions/src/adapters/google/calendar.js';
import { PeopleApi } from '../../functions/src/adapters/google/people.js';
import { getAccessToken } from '../../functions/src/app/accounts/accessTokens.js';
import type { SyncKind } from '../../functions/src/domain/sync/model.js';

/**
 * The floor of a benchmark, measured in the same run on the same emulators (issue #11 point 7):
 * listing the account's pages as the sync lists them (the product's own list calls, one page after
 * the other) plus writing `records` documents with plain WriteBatch commits of 500. A sync cannot
 * be faster than reading what it reads and writing what it writes; `wallMs / floorMs` is its overhead.
 */
export async function measureFloor(
  uid: string,
  kind: SyncKind,
  records: number,
): Promise<{ floorMs: number; listMs: number; writeMs: number; pages: number }> {
  const caller = new GoogleApiCaller(async () => (await getAccessToken(uid)).accessToken);
  const listStarted = performance.now();
  let pages = 0;
  if (kind === 'contacts') {
    const people = new PeopleApi(caller);
    let pageToken: string | undefined;
    do {
      pageToken = (await people.listPage({ ...(pageToken ? { pageToken } : {}) })).nextPageToken;
      pages += 1;
    } while (pageToken);
  } else {
    const calendar = new CalendarApi(caller);
    let pageToken: string | undefined;
    do {
      const position = {
        mode: 'full' as const,
        timeMin: '2000-01-01T00:00:00Z',
        ...(pageToken ? { pageToken } : {}),
      };
      pageToken = (await calendar.listPage(position)).nextPageToken;
      pages += 1;
    } while (pageToken);
  }
  const listMs = performance.now() - listStarted;
  const writeStarted = performance.now();
  const db = firestore();
  const collection = db.collection(`benchFloor-${uid}`);
  for (let start = 0; start < records; start += 500) {
    const batch = db.batch();
    for (let i = start; i < Math.min(records, start + 500); i++) {
      batch.set(collection.doc(`r${i}`), {
        givenName: `Contact ${i}`,
        emails: [{ address: `contact${i}@example.org`, type: 'work' }],
        tagIds: ['tag'],
        version: 1,
      });
    }
    await batch.commit();
  }
  const writeMs = performance.now() - writeStarted;
  return {
    floorMs: Math.round(listMs + writeMs),
    listMs: Math.round(listMs),
    writeMs: Math.round(writeMs),
    pages,
  };
}
