/** The Pub/Sub topic of the per-user fan-out: `syncTick` publishes, `syncUser` consumes (docs/architecture.md#functions-and-state). */
export const SYNC_USER_TOPIC = 'sync-user';
