import { z } from 'zod';
import { named } from '../http/routeDoc.js';

/**
 * The shapes the routes answer with (docs/api.md), as zod schemas for the OpenAPI document. The
 * integration tests hold them to the running functions: each example's answer must parse.
 * Loaded only when the document is built.
 */

export const instant = z.string().describe('RFC 3339 date-time');
export const date = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .describe('a date YYYY-MM-DD');
const meta = { id: z.string(), createdAt: instant, modifiedAt: instant, version: z.number().int().min(1) };

export function page(item: z.ZodType) {
  return z.strictObject({
    items: z.array(item),
    nextPageToken: z.string().optional().describe('Send it back as `pageToken` for the next page.'),
  });
}

const ContactSchema = z.strictObject({
  ...meta,
  givenName: z.string().optional(),
  middleName: z.string().optional(),
  familyName: z.string().optional(),
  displayName: z.string().describe('As given, else derived from the name, organization, email or phone.'),
  emails: z.array(z.strictObject({ address: z.string(), type: z.string(), primary: z.boolean().optional() })),
  phones: z.array(z.strictObject({ number: z.string(), type: z.string() })),
  organization: z
    .strictObject({
      name: z.string().optional(),
      title: z.string().optional(),
      department: z.string().optional(),
    })
    .optional(),
  addresses: z.array(
    z.strictObject({
      type: z.string(),
      street: z.string().optional(),
      city: z.string().optional(),
      region: z.string().optional(),
      postalCode: z.string().optional(),
      country: z.string().optional(),
    }),
  ),
  birthday: date.optional(),
  notes: z.string().optional(),
  websites: z.array(z.string()),
  tagIds: z.array(z.string()).describe("The contact's tags visible to the caller."),
});

const TagSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  type: z.enum(['personal', 'corporate', 'public']),
  ownerUid: z.string().optional().describe('Only on personal tags: the user they belong to.'),
});

const ActivitySchema = z.strictObject({
  ...meta,
  title: z.string(),
  description: z.string().optional(),
  location: z.string().optional(),
  start: z.string().describe('RFC 3339 in the offset of `timeZone` (UTC without one), or a date when allDay'),
  end: z.string().describe('Like start; for all-day activities the day after the last day'),
  allDay: z.boolean(),
  timeZone: z.string().optional(),
  showInCalendar: z.boolean(),
  organizerContactId: z.string(),
  participants: z.array(
    z.strictObject({
      contactId: z.string().nullable(),
      email: z.string(),
      response: z.enum(['needsAction', 'accepted', 'declined', 'tentative']),
    }),
  ),
  status: z.enum(['planned', 'inProgress', 'completed', 'canceled']),
  recurringSeriesId: z.string().optional(),
});

const LinkedAccountSchema = z.strictObject({
  id: z.string(),
  provider: z.literal('google'),
  email: z.string(),
  scopes: z.array(z.string()).describe('The scopes Google granted.'),
  missing: z.array(z.string()).describe('The scopes asked for and not granted.'),
  capabilities: z.strictObject({ contacts: z.boolean(), calendar: z.boolean() }),
  status: z.enum(['active', 'reauthRequired']),
  linkedAt: instant,
});

const kindSettings = {
  autoSync: z.boolean(),
  periodMinutes: z.number().int(),
};

const SyncSettingsSchema = z.strictObject({
  contacts: z.strictObject({ ...kindSettings, tagId: z.string().nullable() }),
  activities: z.strictObject({ ...kindSettings, syncSince: date.nullable() }),
  lastSync: z
    .record(z.string(), instant.nullable())
    .describe('Per kind: the end of the last completed sync, or null.'),
});

const direction = (fields: readonly string[]) =>
  z.object(Object.fromEntries(fields.map((field) => [field, z.number().int().min(0)])));

const SyncRunSchema = z.strictObject({
  id: z.string(),
  trigger: z.enum(['manual', 'schedule']),
  kinds: z.array(z.string()),
  status: z.enum(['queued', 'running', 'succeeded', 'partial', 'failed']),
  queuedAt: instant,
  startedAt: instant.optional(),
  finishedAt: instant.optional(),
  counts: z.record(
    z.string(),
    z.object({
      toGoogle: direction(['created', 'updated', 'removed']).optional(),
      toCrm: direction(['created', 'updated', 'linked']).optional(),
      unchanged: z.number().int().min(0).optional(),
    }),
  ),
  conflicts: z.array(
    z.object({
      kind: z.string(),
      recordId: z.string(),
      field: z.string(),
      crmValue: z.unknown(),
      googleValue: z.unknown(),
      winner: z.enum(['crm', 'google']),
    }),
  ),
  errors: z.array(
    z.object({ kind: z.string(), recordId: z.string().optional(), code: z.string(), message: z.string() }),
  ),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});

export const contact = named('Contact', ContactSchema);
export const contactPage = named('ContactPage', page(ContactSchema));
export const tag = named('Tag', TagSchema);
export const tagPage = named('TagPage', page(TagSchema));
export const activity = named('Activity', ActivitySchema);
export const activityPage = named('ActivityPage', page(ActivitySchema));
export const linkedAccountPage = named('LinkedAccountPage', page(LinkedAccountSchema));
export const syncSettings = named('SyncSettings', SyncSettingsSchema);
export const syncRun = named('SyncRun', SyncRunSchema);
export const syncRunPage = named('SyncRunPage', page(SyncRunSchema));

export const me = named(
  'Me',
  z.strictObject({
    uid: z.string(),
    email: z.string().nullable(),
    contactId: z.string().describe("The caller's own CRM contact."),
    admin: z.boolean(),
  }),
);

export const authorizationUrl = named(
  'AuthorizationUrl',
  z.strictObject({ authorizationUrl: z.url().describe("Open it in the user's browser.") }),
);

export const runQueued = named(
  'RunQueued',
  z.strictObject({
    runId: z.string(),
    coalesced: z
      .literal(true)
      .optional()
      .describe('Present when a run of yours was already queued or running.'),
  }),
);

export const dispatched = named(
  'Dispatched',
  z.strictObject({ dispatched: z.number().int().min(0).describe('Sync requests published by this tick.') }),
);

export const googleSettings = named(
  'GoogleSettings',
  z.strictObject({
    clientId: z.string().nullable(),
    clientSecretSet: z.boolean().describe('The secret itself is write-only.'),
    useSharedApp: z.boolean(),
    allowedDomains: z.array(z.string()),
  }),
);

export const scheduleSettings = named(
  'ScheduleSettings',
  z.strictObject({
    paused: z.boolean(),
    schedule: z.string().describe('unix-cron'),
    timeZone: z.string(),
    lastAttemptTime: instant.optional(),
  }),
);

/** Query parameters of every list (docs/api.md#paging). */
export const paging = {
  pageSize: z.string().regex(/^\d+$/).optional().describe('How many items per page: 1 to 1000, default 50.'),
  pageToken: z
    .string()
    .optional()
    .describe('The `nextPageToken` of the previous page, with the same filters.'),
};

/** `from` / `to` of `GET /api/activities`. */
export const rangeBound = z
  .string()
  .optional()
  .describe('RFC 3339 date-time or a date (00:00 UTC); give both or neither.');

export const openApiDocument = named(
  'OpenApiDocument',
  z.looseObject({
    openapi: z.literal('3.1.0'),
    info: z.looseObject({ title: z.string(), version: z.string() }),
    paths: z.record(z.string(), z.unknown()),
    components: z.looseObject({}),
  }),
);

export const notificationReceived = named(
  'NotificationReceived',
  z.strictObject({
    outcome: z
      .enum(['acknowledged', 'queued', 'coalesced', 'follow_up', 'not_configured'])
      .describe('What the notification led to.'),
  }),
);
