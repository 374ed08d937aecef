import { createHttpFunction, type UserContext } from '../http/handler.js';
import { syncNowRoutes } from '../routes/syncNow.js';

/** `syncNow`: the caller's manual sync (SPEC §3.6). */
export default createHttpFunction<UserContext>({
  name: 'syncNow',
  access: 'user',
  routes: syncNowRoutes,
});
