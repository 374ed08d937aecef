import type { HttpFunctionSpec, UserContext } from '../../http/handler.js';
import { googleSettingsRoutes } from './google.js';
import { mailProviderRoutes } from './mailProviders.js';
import { scheduleSettingsRoutes } from './schedule.js';

/** `settings`: administrator settings (docs/operations.md#administrator-setup, docs/api.md). */
export const settingsFunction: HttpFunctionSpec<UserContext> = {
  name: 'settings',
  description:
    "The deployment's settings, for administrators (the `admin` claim): the Google OAuth app, " +
    'the automatic sync schedule and the mail providers.',
  access: 'admin',
  routes: [...googleSettingsRoutes, ...scheduleSettingsRoutes, ...mailProviderRoutes],
};
