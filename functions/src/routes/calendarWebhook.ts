import { receiveNotification } from '../app/calendarPush/receiveNotification.js';
import type { RequestContext } from '../http/handler.js';
import type { Route } from '../http/router.js';

/**
 * `POST /calendarWebhook` with Google's `X-Goog-*` headers (SPEC §4.3) → 200 `{outcome}`, or 404 for
 * an unknown channel or a wrong token. Google's notifications carry no body; the headers say it all
 * (https://developers.google.com/calendar/api/guides/push, "Understand the notification message format").
 */
export const calendarWebhookRoutes: Route<RequestContext>[] = [
  {
    method: 'POST',
    path: '/',
    handle: async ({ req }) => {
      const outcome = await receiveNotification({
        channelId: req.get('x-goog-channel-id'),
        token: req.get('x-goog-channel-token'),
        resourceState: req.get('x-goog-resource-state'),
        resourceId: req.get('x-goog-resource-id'),
        messageNumber: req.get('x-goog-message-number'),
      });
      return { status: 200, body: { outcome } };
    },
  },
];
