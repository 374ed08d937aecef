import {
  createActivity,
  deleteActivity,
  getActivity,
  listActivities,
  updateActivity,
} from '../../app/crm/activities.js';
import type { Activity } from '../../domain/crm/activity.js';
import { etag } from '../../domain/crm/common.js';
import type { UserContext } from '../../http/handler.js';
import type { HttpResult, Route } from '../../http/router.js';

/** Activities (SPEC §4.3); `GET /activities?from=&to=` lists those overlapping `[from, to)`. */

function record(activity: Activity, status = 200): HttpResult {
  return { status, body: activity, headers: { ETag: etag(activity.version) } };
}

export const activityRoutes: Route<UserContext>[] = [
  {
    method: 'POST',
    path: '/activities',
    handle: async ({ caller, body }) => record(await createActivity(caller, body), 201),
  },
  {
    method: 'GET',
    path: '/activities',
    handle: async ({ caller, query }) => ({ status: 200, body: await listActivities(caller, query) }),
  },
  {
    method: 'GET',
    path: '/activities/:id',
    handle: async ({ caller }, { id = '' }) => record(await getActivity(caller, id)),
  },
  {
    method: 'PATCH',
    path: '/activities/:id',
    handle: async ({ caller, body, ifMatch }, { id = '' }) =>
      record((await updateActivity(caller, id, body, ifMatch)).record),
  },
  {
    method: 'DELETE',
    path: '/activities/:id',
    handle: async ({ caller, ifMatch }, { id = '' }) => {
      await deleteActivity(caller, id, ifMatch);
      return { status: 204 };
    },
  },
];
