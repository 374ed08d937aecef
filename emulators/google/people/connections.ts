import type { ApiContext } from '../api.js';
import { invalidArgument } from '../errors.js';
import { type EmuResponse, json } from '../http.js';
import { listChanges, parsePageSize } from './listing.js';
import { renderPerson, requirePersonFields } from './person.js';
import type { ContactRecord } from './store.js';

const SORT_ORDERS = [
  'LAST_MODIFIED_ASCENDING',
  'LAST_MODIFIED_DESCENDING',
  'FIRST_NAME_ASCENDING',
  'LAST_NAME_ASCENDING',
];

/** ReadSourceType values ([DISCO-people]); the default is CONTACT + PROFILE. */
const READ_SOURCE_TYPES = [
  'READ_SOURCE_TYPE_UNSPECIFIED',
  'READ_SOURCE_TYPE_PROFILE',
  'READ_SOURCE_TYPE_CONTACT',
  'READ_SOURCE_TYPE_DOMAIN_CONTACT',
  'READ_SOURCE_TYPE_OTHER_CONTACT',
];
const DEFAULT_SOURCES = ['READ_SOURCE_TYPE_CONTACT', 'READ_SOURCE_TYPE_PROFILE'];

/** Validates `sources` and returns it as a sorted set, absent = the documented default. */
export function normalizeSources(values: string[]): string[] {
  for (const v of values) {
    if (!READ_SOURCE_TYPES.includes(v)) throw invalidArgument(`Invalid value at 'sources': "${v}"`);
  }
  return [...new Set(values.length > 0 ? values : DEFAULT_SOURCES)].sort();
}

const nameOf = (rec: ContactRecord, key: string) => {
  const v = rec.fields.names?.[0]?.[key];
  return typeof v === 'string' ? v.toLowerCase() : '\uffff';
};

function sorter(order: string): ((a: ContactRecord, b: ContactRecord) => number) | undefined {
  switch (order) {
    case 'LAST_MODIFIED_DESCENDING':
      return (a, b) => b.changeSeq - a.changeSeq;
    case 'FIRST_NAME_ASCENDING':
      return (a, b) =>
        nameOf(a, 'givenName').localeCompare(nameOf(b, 'givenName')) || a.changeSeq - b.changeSeq;
    case 'LAST_NAME_ASCENDING':
      return (a, b) =>
        nameOf(a, 'familyName').localeCompare(nameOf(b, 'familyName')) || a.changeSeq - b.changeSeq;
    default:
      return undefined;
  }
}

/** people.connections.list: full listing, paging, and incremental sync with sync tokens. */
export function listConnections(ctx: ApiContext): EmuResponse {
  if (ctx.match[1] !== 'me') throw invalidArgument('Only people/me is supported as the resource name.');
  const q = ctx.req.query;
  const mask = requirePersonFields(q.get('personFields'));
  const sortOrder = q.get('sortOrder') ?? 'LAST_MODIFIED_ASCENDING';
  if (!SORT_ORDERS.includes(sortOrder)) throw invalidArgument(`Invalid value for sortOrder: ${sortOrder}`);
  const sources = normalizeSources(q.getAll('sources'));
  const pageSize = parsePageSize(q.get('pageSize'), 100);
  const requestSyncToken = q.get('requestSyncToken') === 'true';
  // "When paginating [syncing], all other parameters provided to people.connections.list must match
  // the first call that provided the page [sync] token" ([DISCO-people]): every parameter except the
  // tokens, normalized (defaults filled in, repeated values as a set).
  const paramsKey = JSON.stringify({
    personFields: [...mask].sort(),
    sources,
    sortOrder,
    pageSize,
    requestSyncToken,
  });
  const account = ctx.state.peopleFor(ctx.email);
  const result = listChanges({
    kind: 'c',
    email: ctx.email,
    account,
    records: account.contacts,
    paramsKey,
    pageSize,
    pageToken: q.get('pageToken'),
    syncToken: q.get('syncToken'),
    requestSyncToken,
    nowMs: ctx.state.now().getTime(),
    sort: sorter(sortOrder),
  });
  const body: Record<string, unknown> = {};
  if (result.items.length > 0) body.connections = result.items.map((rec) => renderPerson(rec, mask));
  if (result.nextPageToken) body.nextPageToken = result.nextPageToken;
  if (result.nextSyncToken) body.nextSyncToken = result.nextSyncToken;
  body.totalPeople = result.totalItems;
  body.totalItems = result.totalItems;
  return json(body);
}
