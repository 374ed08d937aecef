import { createHttpFunction } from '../http/handler.js';
import { calendarWebhookFunction } from '../routes/calendarWebhook.js';

/**
 * `calendarWebhook`: Google Calendar's push notifications (SPEC §3.10). Public: Google calls it
 * without credentials; each channel's secret token authenticates its notifications.
 */
export default createHttpFunction(calendarWebhookFunction);
