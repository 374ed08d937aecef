import { type FieldConflict, threeWayMerge } from '../merge.js';
import { SYNC_FIELDS, type SyncField, type SyncValues } from './fields.js';

/**
 * The rules of docs/behaviour.md#contacts as pure decisions, one contact at a time (plan, then apply — docs/architecture.md#functions-and-state). The
 * executor (app/sync/contacts) gathers the facts of both sides, asks here what to do, and does it.
 *
 * Nothing here ever deletes a record: leaving the sync's scope on one side (deleted, untagged, out
 * of the group) only takes the other side's record out of scope and unlinks the pair (docs/behaviour.md#contact-deletion).
 */

/** The Google contact of a pair as this run sees it. */
export type GoogleSide =
  | { state: 'deleted' }
  /** Still a contact, no longer in the sync's group. */
  | { state: 'outOfGroup' }
  | { state: 'inGroup'; values: SyncValues; changedAt: number };

/** The CRM contact of a pair as this run sees it. */
export type CrmSide =
  /** Deleted, or no longer carrying the user's personal tag. */
  { state: 'outOfScope' } | { state: 'tagged'; values: SyncValues; changedAt: number };

export type PairPlan =
  /** Google left the scope: take the user's tag off the CRM contact and unlink (it stays in the CRM). */
  | { action: 'untagInCrm' }
  /** The CRM left the scope: take the Google contact out of the group and unlink (it stays in Google). */
  | { action: 'removeFromGroup' }
  /** Both left: only the link goes. */
  | { action: 'unlink' }
  /** Both in scope: the merge says what each side needs (nothing, when both agree with the base). */
  | {
      action: 'sync';
      merged: SyncValues;
      crmUpdates: SyncField[];
      googleUpdates: SyncField[];
      conflicts: FieldConflict<SyncField>[];
    };

/**
 * What to do with a linked pair. `base` is what both sides agreed on at the last sync (undefined the
 * first time, e.g. just matched by email: then nothing is lost, values of both are united).
 */
export function planPair(base: SyncValues | undefined, crm: CrmSide, google: GoogleSide): PairPlan {
  const googleIn = google.state === 'inGroup';
  const crmIn = crm.state === 'tagged';
  if (!googleIn && !crmIn) return { action: 'unlink' };
  if (!googleIn) return { action: 'untagInCrm' };
  if (crm.state !== 'tagged') return { action: 'removeFromGroup' };
  const result = threeWayMerge<SyncField>({
    fields: SYNC_FIELDS,
    base,
    crm: crm.values,
    google: google.values,
    crmChangedAt: crm.changedAt,
    googleChangedAt: google.changedAt,
  });
  return {
    action: 'sync',
    merged: result.merged as SyncValues,
    crmUpdates: result.crmUpdates,
    googleUpdates: result.googleUpdates,
    conflicts: result.conflicts,
  };
}

/** A CRM contact that an unlinked Google contact could be. */
export interface MatchCandidate {
  crmId: string;
  /** Carries the user's personal tag. */
  tagged: boolean;
  /** Already linked to another Google contact of this account. */
  linked: boolean;
}

export interface UnlinkedPerson {
  inGroup: boolean;
  /** This run lists every contact (first run, expired sync token), not only changed ones. */
  fullListing: boolean;
  /** The CRM contact named by our clientData key, if it exists. */
  byClientData?: MatchCandidate;
  /** CRM contacts sharing an email address, oldest first. */
  byEmail: MatchCandidate[];
}

export type MatchPlan =
  /** Link to this CRM contact (tag it; put the Google contact into the group when it is not). */
  | { action: 'link'; crmId: string; by: 'clientData' | 'email' }
  /** Create the CRM contact (with the user's tag). */
  | { action: 'import' }
  | { action: 'ignore' };

/**
 * What to do with a Google contact that is not linked (docs/behaviour.md#contact-matching). A contact the user put into the
 * group is matched before it is imported: first by the CRM id we wrote into it, then by email, and
 * a CRM contact already linked to another Google contact is never taken twice. A contact outside
 * the group is only looked at on a full listing, and only linked to a tagged CRM contact that is
 * waiting for its Google contact (first run with existing contacts, or the account relinked).
 */
export function planUnlinkedPerson(person: UnlinkedPerson): MatchPlan {
  const free = (candidate: MatchCandidate | undefined) =>
    candidate !== undefined && !candidate.linked && (person.inGroup || candidate.tagged);
  if (!person.inGroup && !person.fullListing) return { action: 'ignore' };
  if (free(person.byClientData)) {
    return { action: 'link', crmId: (person.byClientData as MatchCandidate).crmId, by: 'clientData' };
  }
  const byEmail = person.byEmail.filter(free);
  const chosen = byEmail.find((candidate) => candidate.tagged) ?? byEmail[0];
  if (chosen) return { action: 'link', crmId: chosen.crmId, by: 'email' };
  return person.inGroup ? { action: 'import' } : { action: 'ignore' };
}
