import { createHttpFunction, type UserContext } from '../http/handler.js';
import { accountRoutes } from '../routes/api/accounts.js';
import { activityRoutes } from '../routes/api/activities.js';
import { contactRoutes } from '../routes/api/contacts.js';
import { emailRoutes } from '../routes/api/emails.js';
import { mailboxRoutes } from '../routes/api/mailboxes.js';
import { meRoutes } from '../routes/api/me.js';
import { syncRunRoutes } from '../routes/api/syncRuns.js';
import { syncSettingsRoutes } from '../routes/api/syncSettings.js';
import { tagRoutes } from '../routes/api/tags.js';

/** `api`: the CRM data REST API and the user's self-service (SPEC §4.3). */
export default createHttpFunction<UserContext>({
  name: 'api',
  access: 'user',
  routes: [
    ...meRoutes,
    ...accountRoutes,
    ...mailboxRoutes,
    ...emailRoutes,
    ...syncSettingsRoutes,
    ...syncRunRoutes,
    ...contactRoutes,
    ...tagRoutes,
    ...activityRoutes,
  ],
});
