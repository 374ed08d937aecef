import { createHttpFunction } from '../http/handler.js';
import { syncNowFunction } from '../routes/syncNow.js';

/** `syncNow`: the caller's manual sync (docs/behaviour.md#running-syncs). */
export default createHttpFunction(syncNowFunction);
