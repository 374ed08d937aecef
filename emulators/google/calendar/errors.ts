// Calendar API v3 errors in Google's legacy envelope:
// {"error":{"errors":[{domain,reason,message,locationType?,location?}],"code","message"}}
// Messages/reasons follow docs/google-apis.md#calendar-api where sourced; the rest are marked (unconfirmed).

export interface ErrorItem {
  domain: string;
  reason: string;
  message: string;
  locationType?: string;
  location?: string;
}

export class CalendarError extends Error {
  constructor(
    readonly status: number,
    readonly item: ErrorItem,
  ) {
    super(item.message);
  }

  body(): unknown {
    return { error: { errors: [this.item], code: this.status, message: this.item.message } };
  }
}

const err = (status: number, domain: string, reason: string, message: string, location?: string) =>
  new CalendarError(
    status,
    location === undefined
      ? { domain, reason, message }
      : {
          domain,
          reason,
          message,
          locationType: location === 'If-Match' ? 'header' : 'parameter',
          location,
        },
  );

export const fullSyncRequired = () =>
  err(
    410,
    'calendar',
    'fullSyncRequired',
    'Sync token is no longer valid, a full sync is required.',
    'syncToken',
  );

export const deleted = () => err(410, 'global', 'deleted', 'Resource has been deleted');

export const notFound = () => err(404, 'global', 'notFound', 'Not Found');

export const duplicate = () => err(409, 'global', 'duplicate', 'The requested identifier already exists.');

export const conditionNotMet = () => err(412, 'global', 'conditionNotMet', 'Precondition Failed', 'If-Match');

export const timeRangeEmpty = (location?: string) =>
  err(400, 'calendar', 'timeRangeEmpty', 'The specified time range is empty.', location);

export const forbiddenForNonOrganizer = () =>
  err(
    403,
    'calendar',
    'forbiddenForNonOrganizer',
    'Shared properties can only be changed by the organizer of the event.',
  );

/** 400 `required` (e.g. "Missing end time."). */
export const required = (message: string) => err(400, 'global', 'required', message);

/** 400 `invalid`; exact reason/message for most invalid inputs is unconfirmed. */
export const invalid = (message: string, location?: string) =>
  err(400, 'global', 'invalid', message, location);

/** 400 for a parameter that may not be combined with syncToken (reason string unconfirmed). */
export const invalidParameterWithSyncToken = (param: string) =>
  err(400, 'global', 'invalid', `The parameter ${param} cannot be used together with syncToken.`, param);

export const methodNotAllowed = () => err(405, 'global', 'httpMethodNotAllowed', 'Method Not Allowed');

export const badRequest = (message: string, location?: string) =>
  err(400, 'global', 'badRequest', message, location);

export const parseError = () => err(400, 'global', 'parseError', 'Parse Error');
