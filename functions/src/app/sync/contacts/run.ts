import type { ContactSyncState } from '../../../adapters/firestore/contactSyncState.js';
import type { GoogleContactIndex } from '../../../adapters/firestore/googleContactIndex.js';
import type { PeopleApi } from '../../../adapters/google/people.js';
import type { Actor } from '../../../domain/crm/common.js';
import type { CrmStore } from '../../../ports/crmStore.js';
import type { KindReport } from '../runs/kindReport.js';
import type { SyncGroup } from './group.js';
import type { PendingWrites } from './writes.js';

/** Everything one contact sync run works with (built by syncContacts.ts). */
export interface ContactRun {
  uid: string;
  /** The user's personal tag: what is in scope on the CRM side (docs/behaviour.md#sync-settings). */
  tagId: string;
  /** The sync acting for the user: its CRM writes are skipped in the user's change feed (docs/behaviour.md#no-ping-pong). */
  actor: Actor;
  crm: CrmStore;
  people: PeopleApi;
  state: ContactSyncState;
  /** The account's unlinked Google contacts by email and CRM id (maintained by `writes`). */
  index: GoogleContactIndex;
  group: SyncGroup;
  report: KindReport;
  writes: PendingWrites;
  hooks: ContactSyncHooks;
}

/** Points where tests make a run stop as a crash would (after the work before them is durable or not). */
export interface ContactSyncHooks {
  /** After Google created contacts and before their links are saved. */
  afterGoogleCreate?: () => Promise<void> | void;
  /** After a slice's Google writes (clientData of its imports), before its CRM imports and links commit. */
  afterCrmImport?: () => Promise<void> | void;
  /** After a page of Google contacts was processed, before the next page is read. */
  afterGooglePage?: () => Promise<void> | void;
  /** After a batch of CRM changes was processed, before the change cursor is saved. */
  afterCrmBatch?: () => Promise<void> | void;
}
