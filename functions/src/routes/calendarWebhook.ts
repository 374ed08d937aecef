import { receiveNotification } from '../app/calendarPush/receiveNotification.js';
import type { HttpFunctionSpec, RequestContext } from '../http/handler.js';
import { EXAMPLE_IDS } from '../http/routeDoc.js';
import type { Route } from '../http/router.js';

/**
 * `POST /calendarWebhook` with Google's `X-Goog-*` headers (docs/api.md) → 200 `{outcome}`, or 404 for
 * an unknown channel or a wrong token. Google's notifications carry no body; the headers say it all
 * (https://developers.google.com/calendar/api/guides/push, "Understand the notification message format").
 */
export const calendarWebhookRoutes: Route<RequestContext>[] = [
  {
    method: 'POST',
    path: '/',
    doc: {
      summary: 'Receive a Google Calendar push notification',
      description:
        'Google posts here for every channel that watches a linked primary calendar (docs/behaviour.md#near-real-time-calendar). ' +
        "Public: the channel's secret token authenticates the notification (compared in constant " +
        'time). The first `sync` message of a channel is acknowledged and runs nothing; a change ' +
        "(`exists`) queues that user's activities run, coalesced with a run already queued (and at " +
        'most one follow-up for changes announced while a run works). Answers at once; it never syncs.',
      requestHeaders: {
        'X-Goog-Channel-ID': 'The channel the notification is for.',
        'X-Goog-Channel-Token': "The channel's secret token, set when the channel was opened.",
        'X-Goog-Resource-State': '`sync` (the channel starts) or `exists` (the calendar changed).',
        'X-Goog-Resource-ID': 'Google’s id of the watched calendar; must be the channel’s.',
        'X-Goog-Message-Number': 'The message’s number on its channel (1 for `sync`).',
      },
      success: [
        {
          status: 200,
          description:
            'Received: `acknowledged` (sync message), `queued`, `coalesced`, `follow_up`, or ' +
            '`not_configured` (automatic activity sync is off: nothing runs).',
        },
      ],
      errors: ['not_found'],
      examples: [
        {
          name: 'change',
          summary:
            'The watched calendar changed: the activities run is queued (or not, when auto-sync is off)',
          headers: {
            'X-Goog-Channel-ID': EXAMPLE_IDS.channel,
            'X-Goog-Channel-Token': EXAMPLE_IDS.channelToken,
            'X-Goog-Resource-State': 'exists',
            'X-Goog-Resource-ID': EXAMPLE_IDS.calendarResource,
            'X-Goog-Message-Number': '2',
          },
          status: 200,
          requires: ['watchedCalendar'],
        },
        {
          name: 'unknownChannel',
          summary: 'A notification for a channel the product never opened (or a wrong token): nothing runs',
          headers: {
            'X-Goog-Channel-ID': '00000000-0000-4000-8000-000000000000',
            'X-Goog-Channel-Token': 'not-the-token',
            'X-Goog-Resource-State': 'exists',
            'X-Goog-Message-Number': '2',
          },
          status: 404,
          code: 'not_found',
        },
      ],
      schemas: async () => ({ responses: { 200: (await import('./responses.js')).notificationReceived } }),
    },
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

export const calendarWebhookFunction: HttpFunctionSpec<RequestContext> = {
  name: 'calendarWebhook',
  description:
    "Google Calendar's push notifications: queues the user's activities run (docs/behaviour.md#near-real-time-calendar).",
  access: 'public',
  routes: calendarWebhookRoutes,
};
