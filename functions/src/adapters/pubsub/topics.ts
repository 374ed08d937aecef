/** The Pub/Sub topic of the per-user fan-out: `syncTick` publishes, `syncUser` consumes (SPEC §2). */
export const SYNC_USER_TOPIC = 'sync-user';
