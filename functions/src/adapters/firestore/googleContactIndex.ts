import type { Firestore } from '@google-cloud/firestore';
import type { GoogleMatchKeys } from '../../core/sync/contacts/googleMatch.js';
import { sameValue } from '../../core/sync/merge.js';
import { BATCH_LIMIT, chunksOf, IN_LIMIT } from './accountSyncState.js';
import { ACCOUNT_SUBCOLLECTIONS, accountPath } from './syncStatePaths.js';

/**
 * The linked account's Google contacts that no CRM contact is linked to, by email and by the CRM id
 * in their clientData (see core/sync/contacts/googleMatch.ts): one document per Google contact,
 * `googleContactIndex/{resourceName, URI-encoded}`, under the account (so it goes with it, docs/behaviour.md#removing-an-account).
 *
 * One document per contact rather than per email address: an incremental listing gives a changed
 * contact's new addresses, not its old ones, so a per-address document could not drop the old
 * address without a second record of each contact's addresses. Looked up with `array-contains-any`.
 *
 * It follows Google's listings, which lag behind Google's writes (connections.list reference), and
 * a full listing after an expired sync token does not name contacts deleted meanwhile: an entry may
 * be stale. Whoever uses an entry checks the contact in Google first, and drops entries that proved
 * stale.
 */

export class GoogleContactIndex {
  private readonly path: string;

  constructor(
    private readonly db: Firestore,
    uid: string,
    accountId: string,
  ) {
    this.path = `${accountPath(uid, accountId)}/${ACCOUNT_SUBCOLLECTIONS.googleContactIndex}`;
  }

  private ref(resourceName: string) {
    // Resource names are `people/c…`: a slash, which a document id cannot hold.
    return this.db.collection(this.path).doc(encodeURIComponent(resourceName));
  }

  /**
   * Brings these contacts' entries up to date: keys to hold, or undefined to hold none. Reads them
   * first and writes only what differs, so a listing of unchanged contacts costs no writes.
   */
  async apply(entries: Map<string, GoogleMatchKeys | undefined>): Promise<void> {
    const names = [...entries.keys()];
    for (let i = 0; i < names.length; i += BATCH_LIMIT) {
      const refs = names.slice(i, i + BATCH_LIMIT).map((name) => this.ref(name));
      const batch = this.db.batch();
      let writes = 0;
      for (const doc of await this.db.getAll(...refs)) {
        const wanted = entries.get(decodeURIComponent(doc.id));
        if (wanted && !sameValue(doc.data(), wanted)) batch.set(doc.ref, wanted);
        else if (!wanted && doc.exists) batch.delete(doc.ref);
        else continue;
        writes += 1;
      }
      if (writes > 0) await batch.commit();
    }
  }

  /** Entries naming one of these CRM ids or sharing one of these (lower-cased) email addresses. */
  async find(keys: { crmIds: string[]; emails: string[] }): Promise<GoogleMatchKeys[]> {
    const found = new Map<string, GoogleMatchKeys>();
    const collection = this.db.collection(this.path);
    const queries = [
      ...chunksOf(keys.crmIds, IN_LIMIT).map((ids) => collection.where('crmId', 'in', ids)),
      ...chunksOf(keys.emails, IN_LIMIT).map((emails) =>
        collection.where('emails', 'array-contains-any', emails),
      ),
    ];
    for (const query of queries) {
      for (const doc of (await query.get()).docs) {
        const entry = doc.data() as GoogleMatchKeys;
        found.set(entry.resourceName, entry);
      }
    }
    return [...found.values()];
  }
}
