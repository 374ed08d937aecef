import assert from 'node:assert/strict';
import type { people_v1 } from '@googleapis/people';
import { GoogleApiCaller } from '../../functions/src/adapters/google/apiCaller.js';
import { forgetAccessToken, getAccessToken } from '../../functions/src/app/accounts/accessTokens.js';
import {
  type ContactSyncOptions,
  runContactSync,
} from '../../functions/src/app/sync/contacts/syncContacts.js';
import type {
  ContactSyncSettings,
  KindSyncContext,
  KindSyncResult,
} from '../../functions/src/domain/sync/model.js';
import { api, type Json } from '../support/api.js';
import type { TestStack } from '../support/stack.js';
import type { TestUser } from '../support/users.js';
import { control, link, nextConsentBy, resetToConfiguredApp } from './linking-support.js';

/** Shared helpers of the contact sync suites: a linked user with a personal tag, both sides' data, call counts. */

export type Person = people_v1.Schema$Person;

export interface SyncUser {
  user: TestUser;
  /** The linked Google account. */
  email: string;
  tagId: string;
}

/** A fresh world: no Firestore data, a fresh Google emulator, the OAuth app configured. */
export async function freshWorld(stack: TestStack, admin: TestUser): Promise<void> {
  await resetToConfiguredApp(stack, admin);
}

let accounts = 0;

/** Links `user` to a new emulated Google account and gives them a personal tag for the sync. */
export async function syncUser(stack: TestStack, user: TestUser, email?: string): Promise<SyncUser> {
  accounts += 1;
  const googleEmail = email ?? `sync${accounts}-${Date.now()}@example.com`;
  await relink(stack, user, googleEmail);
  const tag = await api(user, 'POST', '/tags', { name: `Sync ${accounts}`, type: 'personal' });
  assert.equal(tag.status, 201, JSON.stringify(tag.json));
  return { user, email: googleEmail, tagId: tag.json.id };
}

/** Links (again) the Google account `email` for `user`, as the user does in the product. */
export async function relink(stack: TestStack, user: TestUser, email: string): Promise<void> {
  await nextConsentBy(stack, email);
  const attempt = await link(user);
  assert.equal(attempt.outcome.searchParams.get('link'), 'ok', attempt.outcome.toString());
  forgetAccessToken(user.uid);
}

/** What the run orchestration gives the contact sync, built from the user's real linked account. */
export async function contextOf(su: SyncUser): Promise<KindSyncContext<ContactSyncSettings>> {
  const { account } = await getAccessToken(su.user.uid);
  return {
    uid: su.user.uid,
    runId: `run-${Date.now()}`,
    account,
    settings: { autoSync: false, periodMinutes: 60, tagId: su.tagId },
    accessToken: async (forceRefresh) => {
      if (forceRefresh) forgetAccessToken(su.user.uid);
      return (await getAccessToken(su.user.uid)).accessToken;
    },
    now: Date.now,
  };
}

export interface SyncOutcome extends KindSyncResult {
  /** The waits the Google caller asked for (it does not really wait in tests). */
  sleeps: number[];
}

/** Runs the contact sync for the user as the orchestration would (with a caller that does not sleep). */
export async function runSync(
  su: SyncUser,
  options: Omit<ContactSyncOptions, 'caller'> = {},
): Promise<SyncOutcome> {
  const context = await contextOf(su);
  const sleeps: number[] = [];
  const caller = new GoogleApiCaller(context.accessToken, {
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
  const result = await runContactSync(context, { ...options, caller });
  return { ...result, sleeps };
}

// --- the CRM side, through the product's API as the user -----------------------------------------

export async function crmCreate(su: SyncUser, body: Json, tagged = true): Promise<Json> {
  const reply = await api(su.user, 'POST', '/contacts', { ...body, tagIds: tagged ? [su.tagId] : [] });
  assert.equal(reply.status, 201, JSON.stringify(reply.json));
  return reply.json;
}

export async function crmGet(su: SyncUser, id: string): Promise<Json> {
  const reply = await api(su.user, 'GET', `/contacts/${id}`);
  assert.equal(reply.status, 200, JSON.stringify(reply.json));
  return reply.json;
}

export async function crmPatch(su: SyncUser, id: string, patch: Json): Promise<Json> {
  const reply = await api(su.user, 'PATCH', `/contacts/${id}`, patch);
  assert.equal(reply.status, 200, JSON.stringify(reply.json));
  return reply.json;
}

/** The user puts their personal tag on a CRM contact (or takes it off). */
export async function crmTag(su: SyncUser, id: string, tagged = true): Promise<void> {
  const reply = tagged
    ? await api(su.user, 'POST', `/contacts/${id}/tags`, { tagId: su.tagId })
    : await api(su.user, 'DELETE', `/contacts/${id}/tags/${su.tagId}`);
  assert.equal(reply.status, tagged ? 201 : 204, JSON.stringify(reply.json));
}

/** Every CRM contact (all tags) but the users' own ones (the CRM makes one per user, docs/api.md). */
export async function crmAll(su: SyncUser): Promise<Json[]> {
  const reply = await api(su.user, 'GET', '/contacts?pageSize=1000');
  assert.equal(reply.status, 200, JSON.stringify(reply.json));
  return reply.json.items.filter(
    (contact: Json) => !/^(user|sync)\d+-/.test(contact.emails[0]?.address ?? ''),
  );
}

export async function crmTagged(su: SyncUser): Promise<Json[]> {
  const reply = await api(su.user, 'GET', `/contacts?tagId=${su.tagId}&pageSize=1000`);
  assert.equal(reply.status, 200, JSON.stringify(reply.json));
  return reply.json.items;
}

// --- the Google side, through the emulator's control API (the user in Google Contacts) -----------

interface PeopleDump {
  contacts: Array<Person & { changeSeq: number }>;
  contactGroups: Array<people_v1.Schema$ContactGroup>;
}

async function peopleOf(stack: TestStack, email: string): Promise<PeopleDump> {
  const dump = (await control(stack).dump()) as { people: Record<string, PeopleDump> };
  return dump.people[email.toLowerCase()] ?? dump.people[email] ?? { contacts: [], contactGroups: [] };
}

/** The account's live contacts (not deleted). */
export async function googleContacts(stack: TestStack, email: string): Promise<Person[]> {
  return (await peopleOf(stack, email)).contacts.filter((person) => !person.metadata?.deleted);
}

export async function googleGroups(
  stack: TestStack,
  email: string,
): Promise<people_v1.Schema$ContactGroup[]> {
  return (await peopleOf(stack, email)).contactGroups.filter(
    (group) => group.groupType === 'USER_CONTACT_GROUP' && !group.metadata?.deleted,
  );
}

/** The sync's group ("Creatio"), which must exist exactly once. */
export async function syncGroup(stack: TestStack, email: string): Promise<people_v1.Schema$ContactGroup> {
  const groups = (await googleGroups(stack, email)).filter((group) => group.name === 'Creatio');
  assert.equal(groups.length, 1, `groups named Creatio: ${JSON.stringify(groups)}`);
  return groups[0] as people_v1.Schema$ContactGroup;
}

export function inGroup(person: Person, groupResourceName: string): boolean {
  return (person.memberships ?? []).some(
    (m) => m.contactGroupMembership?.contactGroupResourceName === groupResourceName,
  );
}

/** The user creates a contact in Google Contacts, in the sync's group when `group` is given. */
export async function googleCreate(
  stack: TestStack,
  email: string,
  person: Person,
  group?: string,
): Promise<Person> {
  const memberships = group
    ? [{ contactGroupMembership: { contactGroupResourceName: group } }, ...myContacts]
    : undefined;
  return control(stack).createContact(email, { ...person, ...(memberships ? { memberships } : {}) });
}

const myContacts = [{ contactGroupMembership: { contactGroupResourceName: 'contactGroups/myContacts' } }];

export const googleFind = (people: Person[], givenName: string) =>
  people.filter((person) => person.names?.[0]?.givenName === givenName);

/** People API data calls the account made since the log was cleared, by method (OAuth not counted, docs/architecture.md#quality-bars). */
export async function peopleCalls(stack: TestStack, email: string): Promise<Record<string, number>> {
  const { counts } = await control(stack).requests({ account: email });
  return Object.fromEntries(Object.entries(counts).filter(([method]) => method.startsWith('people.')));
}

export const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

/** The person's clientData entries as key and value. */
export const clientData = (person: Person | undefined) =>
  (person?.clientData ?? []).map(({ key, value }) => ({ key, value }));
