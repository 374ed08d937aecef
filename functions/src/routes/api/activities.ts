import {
  createActivity,
  deleteActivity,
  getActivity,
  listActivities,
  updateActivity,
} from '../../app/crm/activities.js';
import { type Activity, ActivityPatchSchema, ActivitySchema } from '../../domain/crm/activity.js';
import { etag } from '../../domain/crm/common.js';
import type { UserContext } from '../../http/handler.js';
import { EXAMPLE_IDS, invalidExample, named, unknownExample } from '../../http/routeDoc.js';
import type { HttpResult, Route } from '../../http/router.js';
import { IF_MATCH, RECORD_ETAG } from './recordHeaders.js';

/** Activities (docs/api.md); `GET /activities?from=&to=` lists those overlapping `[from, to)`. */

const shapes = () => import('../responses.js');
const one = async () => ({ responses: { 200: (await shapes()).activity, 201: (await shapes()).activity } });
const activityId = { id: EXAMPLE_IDS.activity };
const unknownActivity = unknownExample('No activity has that id');

function record(activity: Activity, status = 200): HttpResult {
  return { status, body: activity, headers: { ETag: etag(activity.version) } };
}

export const activityRoutes: Route<UserContext>[] = [
  {
    method: 'POST',
    path: '/activities',
    doc: {
      summary: 'Create an activity',
      description:
        'Timed (`start`/`end` RFC 3339 with an offset, optional IANA `timeZone`) or all-day (dates, ' +
        '`end` exclusive). The organizer defaults to your own contact. With `showInCalendar` it syncs ' +
        "to the organizer's Google Calendar (docs/behaviour.md#activities).",
      success: [{ status: 201, description: 'The new activity.', headers: RECORD_ETAG }],
      errors: ['invalid_argument', 'not_found'],
      examples: [
        {
          name: 'meeting',
          summary: 'A meeting shown in Google Calendar',
          body: {
            title: 'Quarterly review',
            start: '2030-03-01T10:00:00+01:00',
            end: '2030-03-01T11:00:00+01:00',
            timeZone: 'Europe/Paris',
            showInCalendar: true,
            participants: [{ email: 'ada@example.com' }],
          },
          status: 201,
        },
        {
          name: 'allDay',
          summary: 'An all-day activity: the end date is exclusive',
          body: { title: 'Trade fair', allDay: true, start: '2030-03-02', end: '2030-03-04' },
          status: 201,
        },
        invalidExample('endBeforeStart', 'end must not be before start', {
          body: { title: 'Backwards', start: '2030-03-01T11:00:00Z', end: '2030-03-01T10:00:00Z' },
        }),
      ],
      schemas: async () => ({ body: named('NewActivity', ActivitySchema), ...(await one()) }),
    },
    handle: async ({ caller, body }) => record(await createActivity(caller, body), 201),
  },
  {
    method: 'GET',
    path: '/activities',
    doc: {
      summary: 'List activities',
      description: 'Every activity, or with `from` and `to` those that overlap `[from, to)`.',
      success: [{ status: 200, description: 'A page of activities.' }],
      errors: ['invalid_argument'],
      examples: [
        {
          name: 'march',
          summary: 'The activities of March 2030',
          query: { from: '2030-03-01', to: '2030-04-01' },
          status: 200,
        },
        invalidExample('halfRange', 'from and to go together', {
          query: { from: '2030-03-01' },
        }),
      ],
      schemas: async () => {
        const { paging, activityPage, rangeBound } = await shapes();
        return { query: { from: rangeBound, to: rangeBound, ...paging }, responses: { 200: activityPage } };
      },
    },
    handle: async ({ caller, query }) => ({ status: 200, body: await listActivities(caller, query) }),
  },
  {
    method: 'GET',
    path: '/activities/:id',
    doc: {
      summary: 'Read an activity',
      success: [{ status: 200, description: 'The activity.', headers: RECORD_ETAG }],
      errors: ['not_found'],
      examples: [{ name: 'read', summary: 'An activity', params: activityId, status: 200 }, unknownActivity],
      schemas: one,
    },
    handle: async ({ caller }, { id = '' }) => record(await getActivity(caller, id)),
  },
  {
    method: 'PATCH',
    path: '/activities/:id',
    doc: {
      summary: 'Change an activity',
      description:
        'A JSON merge patch of the writable fields. Changes by the organizer reach Google on their ' +
        "next run; changes by anyone else are not pushed to the organizer's event.",
      requestHeaders: { 'If-Match': IF_MATCH },
      success: [{ status: 200, description: 'The activity as changed.', headers: RECORD_ETAG }],
      errors: ['invalid_argument', 'not_found', 'precondition_failed'],
      examples: [
        {
          name: 'move',
          summary: 'A new location',
          params: activityId,
          body: { location: 'Room 4' },
          status: 200,
        },
        invalidExample('unknownField', 'color is not a known field', {
          params: activityId,
          body: { color: 'red' },
        }),
      ],
      schemas: async () => ({ body: named('ActivityPatch', ActivityPatchSchema), ...(await one()) }),
    },
    handle: async ({ caller, body, ifMatch }, { id = '' }) =>
      record((await updateActivity(caller, id, body, ifMatch)).record),
  },
  {
    method: 'DELETE',
    path: '/activities/:id',
    doc: {
      summary: 'Delete an activity',
      description:
        'Deletes the Google event it created on the next run; an event that came from Google is only ' +
        'unlinked (docs/behaviour.md#activity-deletion).',
      requestHeaders: { 'If-Match': IF_MATCH },
      success: [{ status: 204, description: 'Deleted.' }],
      errors: ['not_found', 'precondition_failed'],
      examples: [
        { name: 'delete', summary: 'Delete an activity', params: activityId, status: 204 },
        unknownActivity,
      ],
    },
    handle: async ({ caller, ifMatch }, { id = '' }) => {
      await deleteActivity(caller, id, ifMatch);
      return { status: 204 };
    },
  },
];
