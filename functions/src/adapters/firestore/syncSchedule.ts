import { FieldValue, type Query } from '@google-cloud/firestore';
import {
  type ClaimDecision,
  type ClaimPolicy,
  claimedState,
  decideClaim,
  INITIAL_TICK_STATE,
  type TickState,
} from '../../core/schedule/claims.js';
import { SYNC_KINDS, type SyncKind, type SyncSettings } from '../../domain/sync/model.js';
import { firestore } from './client.js';
import { readSyncSettingsIn } from './syncSettings.js';
import { USER_SYNC_STATE_COLLECTIONS } from './syncStatePaths.js';

/**
 * The automatic-sync schedule in Firestore (docs/behaviour.md#running-syncs).
 *
 *   syncSchedule/{uid}     `{slots, contactsSlot?, activitiesSlot?, clientId, updatedAt}`: the slot
 *                          (`period:phase`, core/schedule/slots.ts) of each kind that is due
 *                          automatically, and `slots`, the distinct values of those, which is what
 *                          the fan-out queries (`array-contains`, served by the automatic
 *                          single-field index; the other fields are exempt, firestore.indexes.json).
 *                          No document when nothing is due (deleted with the account).
 *   syncTickState/global   which scheduler minutes the fan-out has dispatched (core/schedule/claims.ts)
 *
 * One query per due slot value, not one `in`/OR query over all of them: the emulator evaluates
 * each disjunction as a scan of its own, and one tick must fan out 100,000 users in 30 s there
 * (docs/architecture.md#quality-bars); in Google's Firestore ten equality lookups per minute cost next to nothing.
 */

const SCHEDULES = USER_SYNC_STATE_COLLECTIONS.schedule;
const TICK_STATE_DOC = 'syncTickState/global';

export const slotField = (kind: SyncKind) => `${kind}Slot` as const;

/** What is stored for one user: the due kinds' slots and the OAuth client the account was linked with. */
export interface UserSchedule {
  slots: Partial<Record<SyncKind, string>>;
  clientId: string;
}

export interface DueSchedule extends UserSchedule {
  uid: string;
}

const scheduleRef = (uid: string) => firestore().collection(SCHEDULES).doc(uid);

/** The stored fields of a schedule (`slots` is derived from the kinds' slots). */
function scheduleFields(slots: UserSchedule['slots']): Record<string, unknown> {
  const fields: Record<string, unknown> = { slots: [...new Set(Object.values(slots))] };
  for (const kind of SYNC_KINDS) if (slots[kind] !== undefined) fields[slotField(kind)] = slots[kind];
  return fields;
}

/**
 * In one transaction, reads the user's sync settings (through their owner, syncSettings.ts) and
 * writes the schedule `derive` makes of them, or deletes it when `derive` gives none. Reading the
 * settings inside the transaction orders this write after any settings change (or tag deletion)
 * that committed before it, so the schedule never keeps a slot the settings no longer have.
 */
export async function deriveScheduleFromSettings(
  uid: string,
  derive: (settings: SyncSettings) => UserSchedule | undefined,
): Promise<UserSchedule | undefined> {
  return firestore().runTransaction(async (tx) => {
    const schedule = derive(await readSyncSettingsIn(tx, uid));
    if (!schedule || Object.keys(schedule.slots).length === 0) {
      tx.delete(scheduleRef(uid));
      return undefined;
    }
    // Without merge, a kind that is no longer due loses its field.
    tx.set(scheduleRef(uid), {
      ...scheduleFields(schedule.slots),
      clientId: schedule.clientId,
      updatedAt: FieldValue.serverTimestamp(),
    });
    return schedule;
  });
}

export async function readSchedule(uid: string): Promise<UserSchedule | undefined> {
  const snapshot = await scheduleRef(uid).get();
  return snapshot.exists ? toSchedule(snapshot.data() ?? {}) : undefined;
}

function toSchedule(data: Record<string, unknown>): UserSchedule {
  const slots: Partial<Record<SyncKind, string>> = {};
  for (const kind of SYNC_KINDS) {
    const value = data[slotField(kind)];
    if (typeof value === 'string') slots[kind] = value;
  }
  return { slots, clientId: String(data.clientId ?? '') };
}

/** Reads only the fields the fan-out needs, streamed, so memory stays flat however many are due. */
async function* streamSchedules(query: Query): AsyncGenerator<DueSchedule> {
  const selected = query.select(...SYNC_KINDS.map(slotField), 'clientId');
  for await (const snapshot of selected.stream()) {
    const document = snapshot as unknown as { id: string; data(): Record<string, unknown> };
    yield { uid: document.id, ...toSchedule(document.data()) };
  }
}

/** The users one of whose kinds has the slot `slotValue`. */
export function streamSchedulesWithSlot(slotValue: string): AsyncGenerator<DueSchedule> {
  return streamSchedules(firestore().collection(SCHEDULES).where('slots', 'array-contains', slotValue));
}

/** Every user with a schedule (the catch-up after a long outage). */
export function streamAllSchedules(): AsyncGenerator<DueSchedule> {
  return streamSchedules(firestore().collection(SCHEDULES));
}

// ---- the fan-out's claim on scheduler minutes -------------------------------------------------

function toTickState(data: Record<string, unknown> | undefined): TickState {
  if (!data) return INITIAL_TICK_STATE;
  const claim = data.claim as TickState['claim'] | undefined;
  return {
    lastMinute: typeof data.lastMinute === 'number' ? data.lastMinute : null,
    claim: claim && typeof claim.id === 'string' ? claim : null,
  };
}

/** Decides, in a transaction, which minutes this tick dispatches, and records its claim on them. */
export async function claimMinutes(
  nowMs: number,
  policy: ClaimPolicy,
  claimId: string,
): Promise<ClaimDecision> {
  const db = firestore();
  const ref = db.doc(TICK_STATE_DOC);
  return db.runTransaction(async (tx) => {
    const state = toTickState((await tx.get(ref)).data());
    const decision = decideClaim(state, nowMs, policy);
    if (decision.action === 'claim') tx.set(ref, claimedState(state, decision.range, claimId, nowMs));
    return decision;
  });
}

/** Applies `next` to the tick state in a transaction; `next` answers undefined to leave it as it is. */
export async function updateTickState(next: (state: TickState) => TickState | undefined): Promise<boolean> {
  const db = firestore();
  const ref = db.doc(TICK_STATE_DOC);
  return db.runTransaction(async (tx) => {
    const updated = next(toTickState((await tx.get(ref)).data()));
    if (updated) tx.set(ref, updated);
    return updated !== undefined;
  });
}
