import { createHttpFunction, type RequestContext } from '../http/handler.js';
import { calendarWebhookRoutes } from '../routes/calendarWebhook.js';

/**
 * `calendarWebhook`: Google Calendar's push notifications (SPEC §3.10). Public: Google calls it
 * without credentials; each channel's secret token authenticates its notifications.
 */
export default createHttpFunction<RequestContext>({
  name: 'calendarWebhook',
  access: 'public',
  routes: calendarWebhookRoutes,
});
