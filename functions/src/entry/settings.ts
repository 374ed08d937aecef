import { createHttpFunction, type UserContext } from '../http/handler.js';
import { googleSettingsRoutes } from '../routes/settings/google.js';
import { mailProviderRoutes } from '../routes/settings/mailProviders.js';
import { scheduleSettingsRoutes } from '../routes/settings/schedule.js';

/** `settings`: administrator settings (SPEC §3.1, §4.3). */
export default createHttpFunction<UserContext>({
  name: 'settings',
  access: 'admin',
  routes: [...googleSettingsRoutes, ...scheduleSettingsRoutes, ...mailProviderRoutes],
});
