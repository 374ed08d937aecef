import { createHttpFunction } from '../http/handler.js';
import { syncTickFunction } from '../routes/syncTick.js';

/**
 * `syncTick`: called by Cloud Scheduler every minute (docs/behaviour.md#running-syncs). Not public in the cloud: Cloud Run
 * IAM admits only the Scheduler's service account, so the code checks no token itself.
 */
export default createHttpFunction(syncTickFunction);
