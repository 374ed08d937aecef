import type { HttpFunctionSpec, UserContext } from '../../http/handler.js';
import { openApiRoute } from '../openapi.js';
import { accountRoutes } from './accounts.js';
import { activityRoutes } from './activities.js';
import { contactRoutes } from './contacts.js';
import { emailRoutes } from './emails.js';
import { mailboxRoutes } from './mailboxes.js';
import { meRoutes } from './me.js';
import { syncRunRoutes } from './syncRuns.js';
import { syncSettingsRoutes } from './syncSettings.js';
import { tagRoutes } from './tags.js';

/** `api`: the CRM data REST API and the user's self-service (docs/api.md), and its own reference. */
export const apiFunction: HttpFunctionSpec<UserContext> = {
  name: 'api',
  description:
    "The CRM's data (contacts, tags, activities) and the signed-in user's self-service: linked " +
    'Google account, mailboxes, sync settings, sync runs.',
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
    // The function that serves the document hands itself over; the others are loaded on demand.
    openApiRoute(() => apiFunction),
  ],
};
