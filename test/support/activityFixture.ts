import type { ActivityLink } from '../../functions/src/core/sync/activities/plan.js';
import type { Activity } from '../../functions/src/domain/crm/activity.js';

/** A timed calendar activity the unit and property tests start from; `fields` replace its defaults. */
export const activityFixture = (fields: Partial<Activity> = {}): Activity => ({
  id: 'a1',
  title: 'Review',
  start: '2030-03-04T09:00:00Z',
  end: '2030-03-04T10:00:00Z',
  allDay: false,
  showInCalendar: true,
  organizerContactId: 'me',
  participants: [],
  status: 'planned',
  createdAt: '2030-01-01T00:00:00Z',
  modifiedAt: '2030-01-02T00:00:00Z',
  version: 2,
  ...fields,
});

/** The link of `activityFixture` to event `e1` on the organizer's calendar; `fields` replace its defaults. */
export const linkFixture = (fields: Partial<ActivityLink> = {}): ActivityLink => ({
  activityId: 'a1',
  eventId: 'e1',
  origin: 'crm',
  organizer: true,
  etag: '"1"',
  crmVersion: 1,
  ...fields,
});
