import { z } from 'zod';
import {
  disableContactSyncOfTag,
  readSyncSettings,
  usersSyncingContactsOfTag,
  writeSyncSettings,
} from '../../../adapters/firestore/syncSettings.js';
import type { Caller } from '../../../domain/auth/caller.js';
import { recordId } from '../../../domain/crm/common.js';
import { isIsoDate } from '../../../domain/crm/time.js';
import { invalid } from '../../../domain/crm/validation.js';
import {
  PERIOD_MINUTES,
  type PeriodMinutes,
  type SyncSettings,
  type SyncSettingsView,
} from '../../../domain/sync/model.js';
import { AppError } from '../../../errors.js';
import { fieldErrors } from '../../../validation.js';
import { actorOf, crmStore } from '../../crm/store.js';
import { refreshSyncSchedule } from '../schedule/refreshSchedule.js';

/**
 * The user's sync settings (docs/behaviour.md#sync-settings, docs/api.md `GET|PUT /api/me/sync-settings`). A PUT replaces both
 * kinds; a field left out takes its default (auto-sync off, every 60 minutes, no tag, no start date).
 * Contact sync needs one of the caller's own personal tags (corporate and public tags never sync);
 * automatic activity sync needs the date to sync from.
 */

const PERIOD_RULE = `must be one of ${PERIOD_MINUTES.join(', ')} (minutes)`;

const periodMinutes = z
  .number({ error: PERIOD_RULE })
  .refine((value): value is PeriodMinutes => PERIOD_MINUTES.includes(value as PeriodMinutes), PERIOD_RULE)
  .default(60);

const autoSync = z.boolean({ error: 'must be true or false' }).default(false);

const ContactSettingsSchema = z
  .strictObject({
    autoSync,
    periodMinutes,
    tagId: recordId.nullable().default(null),
  })
  .refine((contacts) => !contacts.autoSync || contacts.tagId !== null, {
    path: ['tagId'],
    message: 'must name your personal tag to turn automatic contact sync on',
  });

const ActivitySettingsSchema = z
  .strictObject({
    autoSync,
    periodMinutes,
    syncSince: z
      .string({ error: 'must be a date YYYY-MM-DD' })
      .refine(isIsoDate, 'must be a date YYYY-MM-DD')
      .nullable()
      .default(null),
  })
  .refine((activities) => !activities.autoSync || activities.syncSince !== null, {
    path: ['syncSince'],
    message: 'must name the date to sync from to turn automatic activity sync on',
  });

/** The writable body of `PUT /api/me/sync-settings` (the OpenAPI document shows it too). */
export const SyncSettingsSchema = z.strictObject({
  contacts: ContactSettingsSchema,
  activities: ActivitySettingsSchema,
});

/** The body as settings, or 400 naming every bad field (`lastSync` is shown, never written). */
function parseSettings(body: unknown): SyncSettings {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalid({ body: 'must be a JSON object with contacts and activities' });
  }
  const { lastSync, ...writable } = body as Record<string, unknown>;
  const result = SyncSettingsSchema.safeParse(writable);
  const fields = result.success ? {} : fieldErrors(result.error);
  if (lastSync !== undefined) fields.lastSync = 'is read-only';
  if (!result.success || Object.keys(fields).length) throw invalid(fields);
  return result.data as SyncSettings;
}

/** The tag must be visible to the caller and personal; someone else's personal tag is "not yours". */
async function checkPersonalTag(caller: Caller, tagId: string): Promise<void> {
  const notYours = () => invalid({ 'contacts.tagId': 'must be one of your personal tags' });
  let type: string;
  try {
    type = (await crmStore().getTag(tagId, actorOf(caller))).type;
  } catch (error) {
    if (error instanceof AppError && error.code === 'not_found') throw notYours();
    throw error;
  }
  if (type !== 'personal') {
    throw invalid({ 'contacts.tagId': `must be one of your personal tags (${type} tags never sync)` });
  }
}

async function tagStillExists(caller: Caller, tagId: string): Promise<boolean> {
  try {
    await crmStore().getTag(tagId, actorOf(caller));
    return true;
  } catch (error) {
    if (error instanceof AppError && error.code === 'not_found') return false;
    throw error;
  }
}

export function getSyncSettings(uid: string): Promise<SyncSettingsView> {
  return readSyncSettings(uid);
}

export async function putSyncSettings(caller: Caller, body: unknown): Promise<SyncSettingsView> {
  const settings = parseSettings(body);
  const { tagId } = settings.contacts;
  if (tagId !== null) await checkPersonalTag(caller, tagId);
  await writeSyncSettings(caller.uid, settings);
  // Deleting a tag turns off the contact sync that names it; a deletion that committed between the
  // check above and the write did not see these settings, so look again now that they are stored.
  if (tagId !== null && !(await tagStillExists(caller, tagId))) {
    await disableContactSyncOfTag(caller.uid, tagId);
  }
  await refreshSyncSchedule(caller.uid);
  return readSyncSettings(caller.uid);
}

/**
 * After the tag `tagId` was deleted: turns off the contact sync of every user whose settings name it
 * and takes it out of their automatic schedule (docs/api.md: nothing in Google changes).
 */
export async function turnOffContactSyncOfDeletedTag(tagId: string): Promise<void> {
  for (const uid of await usersSyncingContactsOfTag(tagId)) {
    if (await disableContactSyncOfTag(uid, tagId)) await refreshSyncSchedule(uid);
  }
}
