import type { ContactLink } from '../../../adapters/firestore/contactSyncState.js';
import { STALE_WRITE_ATTEMPTS } from '../../../core/exec/retry.js';
import { contactPatch, contactValues } from '../../../core/sync/contacts/crmValues.js';
import { personFieldsOf, SYNC_FIELDS } from '../../../core/sync/contacts/fields.js';
import { type Person, personValues, updateTimeOf } from '../../../core/sync/contacts/personValues.js';
import { personUpdate } from '../../../core/sync/contacts/personWrites.js';
import { type CrmSide, type GoogleSide, planPair } from '../../../core/sync/contacts/plan.js';
import { sameValue } from '../../../core/sync/merge.js';
import { unplanned } from '../../../core/sync/unplanned.js';
import type { Contact } from '../../../domain/crm/contact.js';
import { AppError } from '../../../errors.js';
import { isCrmNotFound } from '../runs/faults.js';
import { readContact } from './crmReads.js';
import type { ContactRun } from './run.js';

/**
 * One CRM contact and one Google contact that are (or are about to be) linked: plans the pair with
 * the rules of docs/behaviour.md#contacts and carries the plan out. CRM writes happen at once (with the version
 * read, so a concurrent edit by the user is merged again rather than overwritten); Google writes and
 * link changes are queued in `run.writes`.
 */
export interface Pair {
  crmId: string;
  /** The stored link; undefined while linking (then the merge has no base: nothing is lost). */
  link?: ContactLink;
  /** The CRM contact as read now; undefined when it was deleted. */
  contact?: Contact;
  /** The Google contact as Google has it now (or as last synced, when only the CRM changed). */
  person: Person;
  google: GoogleSide['state'];
}

export async function reconcile(run: ContactRun, pair: Pair, attempt = 1): Promise<void> {
  const { crmId, person } = pair;
  const tagged = pair.contact?.tagIds.includes(run.tagId) === true;
  const googleValues = personValues(person);
  const crm: CrmSide =
    pair.contact && tagged
      ? {
          state: 'tagged',
          values: contactValues(pair.contact),
          changedAt: Date.parse(pair.contact.modifiedAt),
        }
      : { state: 'outOfScope' };
  const google: GoogleSide =
    pair.google === 'inGroup'
      ? { state: 'inGroup', values: googleValues, changedAt: updateTimeOf(person) }
      : { state: pair.google };
  const plan = planPair(pair.link?.base, crm, google);

  switch (plan.action) {
    case 'unlink':
      run.writes.unlink(crmId, person);
      return;
    case 'untagInCrm':
      await untag(run, crmId);
      run.writes.unlink(crmId, person);
      return;
    case 'removeFromGroup':
      run.writes.removeFromGroup(crmId, person);
      run.report.counts.toGoogle.removed += 1;
      return;
    case 'sync':
      break;
    default:
      return unplanned(plan);
  }

  let contact = pair.contact as Contact;
  if (plan.crmUpdates.length > 0) {
    // An import staged in this slice exists only once committed.
    if (run.writes.isStaged(crmId)) await run.writes.commitCrm();
    try {
      const written = await run.crm.updateContact(crmId, contactPatch(plan.merged, plan.crmUpdates), {
        actor: run.actor,
        ifMatch: contact.version,
      });
      if (written.changed) run.report.counts.toCrm.updated += 1;
      contact = written.record;
    } catch (error) {
      if (
        error instanceof AppError &&
        error.code === 'precondition_failed' &&
        attempt < STALE_WRITE_ATTEMPTS
      ) {
        // The user changed the contact since it was read: merge again with what is there now.
        await reconcile(run, { ...pair, contact: await readContact(run, crmId) }, attempt + 1);
        return;
      }
      throw error;
    }
  }
  run.report.conflict(crmId, plan.conflicts);

  // What the CRM holds now is what both sides must agree on (the CRM may normalise what it is given).
  const target = contactValues(contact);
  const changed = SYNC_FIELDS.filter((field) => !sameValue(target[field], googleValues[field]));
  const update = personUpdate(person, target, personFieldsOf(changed), crmId);
  const linkAfter = (synced: Person): ContactLink => ({
    crmId,
    resourceName: synced.resourceName ?? person.resourceName ?? '',
    base: target,
    crmVersion: contact.version,
    person: synced,
  });

  if (update.updatePersonFields.length > 0) {
    run.writes.updateGoogle({
      crmId,
      resourceName: person.resourceName ?? '',
      update,
      changesData: changed.length > 0,
      linkAfter,
      ...(pair.link ? { link: pair.link } : {}),
    });
    return;
  }
  const link = linkAfter(person);
  const old = pair.link;
  if (
    !old ||
    old.crmVersion !== link.crmVersion ||
    old.person.etag !== person.etag ||
    !sameValue(old.base, link.base)
  ) {
    run.writes.saveLink(link);
  }
  if (old && plan.crmUpdates.length === 0) run.report.counts.unchanged += 1;
}

/** A failure of one contact: reported, and the contact is tried again next run. */
export function failedInCrm(run: ContactRun, crmId: string, error: unknown): void {
  run.report.itemFailed(crmId, error);
  // The change cursor moves on, so the contact is kept in the retry list: no cursor passes failed work.
  run.writes.failedCrmIds.add(crmId);
}

/** Takes the user's tag off the CRM contact (it stays in the CRM, docs/behaviour.md#contact-deletion). */
async function untag(run: ContactRun, crmId: string): Promise<void> {
  try {
    await run.crm.untagContact(crmId, run.tagId, { actor: run.actor });
    run.report.counts.toCrm.untagged = (run.report.counts.toCrm.untagged ?? 0) + 1;
  } catch (error) {
    // Deleted, or untagged meanwhile: nothing left to take off.
    if (!isCrmNotFound(error)) throw error;
  }
}
