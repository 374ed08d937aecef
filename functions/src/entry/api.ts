import { createHttpFunction, type UserContext } from '../http/handler.js';
import { meRoutes } from '../routes/api/me.js';

/** `api`: the CRM data REST API and the user's self-service (SPEC §4.3). */
export default createHttpFunction<UserContext>({
  name: 'api',
  access: 'user',
  routes: [...meRoutes],
});
