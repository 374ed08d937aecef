import { firestore } from '../../../adapters/firestore/client.js';
import { ContactSyncState } from '../../../adapters/firestore/contactSyncState.js';
import { GoogleContactIndex } from '../../../adapters/firestore/googleContactIndex.js';
import { GoogleApiCaller } from '../../../adapters/google/apiCaller.js';
import { PeopleApi } from '../../../adapters/google/people.js';
import { config } from '../../../config.js';
import type {
  ContactSyncSettings,
  KindSync,
  KindSyncContext,
  KindSyncResult,
} from '../../../domain/sync/model.js';
import { AppError } from '../../../errors.js';
import { crmStore } from '../../crm/store.js';
import { KindReport } from '../runs/kindReport.js';
import { syncFromCrm } from './crmPass.js';
import { settlePendingCreates } from './exports.js';
import { syncFromGoogle } from './googlePass.js';
import { SyncGroup } from './group.js';
import type { ContactRun, ContactSyncHooks } from './run.js';
import { PendingWrites } from './writes.js';

/**
 * The two-way contact sync of one user's linked Google account (docs/behaviour.md#contacts). In order:
 * 1. the sync's contact group (remembered; found by name or created on the first run);
 * 2. creates an earlier run could not confirm are settled (exports.ts);
 * 3. Google → CRM from the People sync token (googlePass.ts);
 * 4. CRM → Google from the CRM change feed (crmPass.ts).
 * Google goes first so that, on a first run, contacts existing on both sides are linked before the
 * CRM's tagged contacts are exported; on later runs, its listing keeps the index of unlinked Google
 * contacts current, by which a contact tagged later is linked to the Google contact that already is
 * it instead of being created twice (googleMatches.ts). A run with nothing new costs one People call (docs/architecture.md#quality-bars).
 *
 * Throwing means the kind failed; every step leaves state from which the next run resumes
 * without duplicates or lost changes.
 */
export const syncContacts: KindSync<ContactSyncSettings> = (context) => runContactSync(context);

export interface ContactSyncOptions {
  /** The run's Google caller (tests give one with a fake sleep). */
  caller?: GoogleApiCaller;
  hooks?: ContactSyncHooks;
}

export async function runContactSync(
  context: KindSyncContext<ContactSyncSettings>,
  options: ContactSyncOptions = {},
): Promise<KindSyncResult> {
  const tagId = context.settings.tagId;
  if (!tagId) throw new AppError('sync_not_configured', 'Contact sync needs a personal tag.');
  const people = new PeopleApi(
    options.caller ?? new GoogleApiCaller(context.accessToken, { now: context.now }),
  );
  const state = new ContactSyncState(firestore(), context.uid, context.account.id);
  const index = new GoogleContactIndex(firestore(), context.uid, context.account.id);
  const cursor = await state.cursor();
  await state.indexPeople(cursor);
  const report = new KindReport('contacts', context.uid, context.counts);
  const group = await SyncGroup.open(people, state, config().contactGroupName, cursor.groupResourceName);
  const crm = crmStore();
  const hooks = options.hooks ?? {};
  const run: ContactRun = {
    uid: context.uid,
    tagId,
    actor: { uid: context.uid, admin: false, by: 'sync' },
    crm,
    people,
    state,
    index,
    group,
    report,
    writes: new PendingWrites(people, state, group, report, index, crm, () => hooks.afterCrmImport?.()),
    hooks,
  };
  await settlePendingCreates(run);
  await syncFromGoogle(run, cursor.syncToken);
  await syncFromCrm(run, cursor);
  return report.result();
}
