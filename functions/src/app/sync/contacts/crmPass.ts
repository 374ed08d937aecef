import type { ContactCursor } from '../../../adapters/firestore/contactSyncState.js';
import { MAX_CHANGE_BATCH } from '../../../domain/crm/changes.js';
import type { Contact } from '../../../domain/crm/contact.js';
import { faultScope } from '../runs/faults.js';
import { taggedContacts } from './crmReads.js';
import { createInGoogle } from './exports.js';
import { flushWrites } from './flush.js';
import { failedInCrm, reconcile } from './pairs.js';
import type { ContactRun } from './run.js';

/**
 * CRM → Google (docs/behaviour.md#contact-group, docs/behaviour.md#incremental-contact-sync, docs/behaviour.md#contact-deletion). The first run takes a change cursor for "now", then
 * exports every tagged contact that is not linked yet (the Google side ran first and linked what
 * matched); later runs read the CRM change feed from the stored cursor, a batch at a time. The
 * cursor moves only after a batch's work is durable, and contacts whose Google write failed are
 * kept in `retryCrmIds` so that moving past them loses nothing.
 */
export async function syncFromCrm(run: ContactRun, cursor: ContactCursor): Promise<void> {
  if (!cursor.crmCursor) {
    await firstExport(run);
    return;
  }
  let crmCursor = cursor.crmCursor;
  let retry = cursor.retryCrmIds ?? [];
  if (retry.length > 0) {
    await syncContacts(run, retry);
    retry = [...run.writes.failedCrmIds];
    await run.state.saveCursor({ retryCrmIds: retry });
  }
  for (;;) {
    const batch = await run.crm.readContactChanges({
      uid: run.uid,
      tagId: run.tagId,
      cursor: crmCursor,
      limit: MAX_CHANGE_BATCH,
    });
    const ids = [...new Set(batch.changes.map((change) => change.recordId))];
    if (ids.length > 0) await syncContacts(run, ids);
    await run.hooks.afterCrmBatch?.();
    retry = [...new Set([...retry.filter((id) => !ids.includes(id)), ...run.writes.failedCrmIds])];
    await run.state.saveCursor({ crmCursor: batch.nextCursor, retryCrmIds: retry });
    crmCursor = batch.nextCursor;
    if (!batch.hasMore) return;
  }
}

async function firstExport(run: ContactRun): Promise<void> {
  // Taken before the listing: a change made while listing is read again next run, never lost.
  const start = await run.crm.changeCursorNow();
  for await (const contacts of taggedContacts(run)) {
    await syncContacts(
      run,
      contacts.map((contact) => contact.id),
      contacts,
    );
  }
  await run.state.saveCursor({ crmCursor: start, retryCrmIds: [...run.writes.failedCrmIds] });
}

/**
 * Brings these CRM contacts to Google: linked ones are merged (or leave the group when they left
 * the user's scope), tagged unlinked ones are created. Contacts that must be tried again end up in
 * `run.writes.failedCrmIds`.
 */
async function syncContacts(run: ContactRun, ids: string[], known: Contact[] = []): Promise<void> {
  const { links, pending } = await run.state.stateOfContacts(ids);
  // One bulk read for the batch (a contact missing from it was deleted).
  const read =
    known.length > 0
      ? new Map(known.map((contact) => [contact.id, contact]))
      : await run.crm.getContacts(ids, run.actor);
  const toCreate: Contact[] = [];
  for (const crmId of ids) {
    try {
      const contact = read.get(crmId);
      const tagged = contact?.tagIds.includes(run.tagId) === true;
      const link = links.get(crmId);
      if (link) {
        if (!tagged || contact?.version !== link.crmVersion) {
          await reconcile(run, { crmId, link, contact, person: link.person, google: 'inGroup' });
        }
      } else if (contact && tagged && !pending.has(crmId)) {
        toCreate.push(contact);
      }
    } catch (error) {
      if (faultScope(error) !== 'item') throw error;
      failedInCrm(run, crmId, error);
    }
  }
  await flushWrites(run);
  await createInGoogle(run, toCreate);
}
