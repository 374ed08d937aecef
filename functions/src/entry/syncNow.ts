import { createHttpFunction } from '../http/handler.js';
import { syncNowFunction } from '../routes/syncNow.js';

/** `syncNow`: the caller's manual sync (SPEC §3.6). */
export default createHttpFunction(syncNowFunction);
