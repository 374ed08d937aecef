import { createHttpFunction } from '../http/handler.js';
import { calendarWebhookFunction } from '../routes/calendarWebhook.js';

/**
 * `calendarWebhook`: Google Calendar's push notifications (docs/behaviour.md#near-real-time-calendar). Public: Google calls it
 * without credentials; each channel's secret token authenticates its notifications.
 */
export default createHttpFunction(calendarWebhookFunction);
