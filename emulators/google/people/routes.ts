import type { ApiContext, ApiRoute } from '../api.js';
import { ApiError, failedPrecondition, googleError, invalidArgument, notFound } from '../errors.js';
import { asObject, type EmuResponse, json } from '../http.js';
import { SCOPES } from '../oauth/scopes.js';
import { listConnections } from './connections.js';
import {
  type FieldItems,
  incomingFields,
  incomingGroupIds,
  PERSON_FIELDS,
  type PersonJson,
  parseMask,
  renderPerson,
  requirePersonFields,
  UPDATABLE_FIELDS,
} from './person.js';
import type { ContactRecord, PeopleAccount } from './store.js';

const READ = [SCOPES.contacts, SCOPES.contactsReadonly];
const WRITE = [SCOPES.contacts];
const ID = '([^/:]+)';

export const MAX_BATCH_GET = 200;
export const MAX_BATCH_CREATE = 200;
export const MAX_BATCH_UPDATE = 200;
export const MAX_BATCH_DELETE = 500;

const acct = (ctx: ApiContext) => ctx.state.peopleFor(ctx.email);

function returnMask(value: string | null): Set<string> | 'all' {
  const mask = parseMask(value, PERSON_FIELDS, 'personFields');
  return mask.size === 0 ? 'all' : mask;
}

function contactId(resourceName: string): string {
  const m = /^people\/(c\d+)$/.exec(resourceName);
  if (!m?.[1]) throw invalidArgument(`Resource name "${resourceName}" is not valid.`);
  return m[1];
}

function profile(ctx: ApiContext, mask: Set<string> | 'all'): PersonJson {
  const account = ctx.state.account(ctx.email);
  if (!account) throw notFound();
  const source = { type: 'PROFILE', id: account.sub };
  const out: PersonJson = { resourceName: `people/${account.sub}`, etag: `%${account.sub}` };
  const include = (f: string) => mask === 'all' || mask.has(f);
  if (include('metadata')) out.metadata = { sources: [source], objectType: 'PERSON' };
  if (include('names')) {
    out.names = [
      {
        metadata: { primary: true, source },
        displayName: account.name,
        givenName: account.givenName,
        familyName: account.familyName,
      },
    ];
  }
  if (include('emailAddresses')) {
    out.emailAddresses = [{ metadata: { primary: true, verified: true, source }, value: account.email }];
  }
  return out;
}

/** Checks the etag a client sent with an update against the stored contact. */
function checkEtag(rec: ContactRecord, person: PersonJson): void {
  const sources = (asObject(person.metadata).sources ?? []) as PersonJson[];
  const sourceEtag = Array.isArray(sources) ? sources.find((s) => s?.type === 'CONTACT')?.etag : undefined;
  const etag = person.etag;
  if (!etag && !sourceEtag) {
    throw invalidArgument(
      'Request must set person.etag or person.metadata.sources.etag for the source that is being updated.',
    );
  }
  if ((etag && etag !== rec.etag) || (sourceEtag && sourceEtag !== rec.sourceEtag)) {
    throw failedPrecondition(
      'Request person.etag is different than the current person.etag. Clear local cache and get the latest person.',
    );
  }
}

interface PreparedUpdate {
  rec: ContactRecord;
  fields: Record<string, FieldItems | undefined>;
  groups?: string[];
}

/** Validates an update of `rec` completely (etag, fields, memberships) without changing anything. */
function prepareUpdate(
  account: PeopleAccount,
  rec: ContactRecord,
  person: PersonJson,
  mask: Set<string>,
): PreparedUpdate {
  checkEtag(rec, person);
  const fields: Record<string, FieldItems | undefined> = {};
  const given = incomingFields(person, mask);
  for (const f of mask) if (f !== 'memberships') fields[f] = given[f];
  const groups = mask.has('memberships') ? (incomingGroupIds(person) ?? []) : undefined;
  if (groups) account.checkMemberships(rec, groups);
  return groups ? { rec, fields, groups } : { rec, fields };
}

const applyUpdate = (account: PeopleAccount, u: PreparedUpdate) =>
  account.updateContact(u.rec, u.fields, u.groups);

/** google.rpc.Code numbers of the statuses the People routes answer with. */
const RPC_CODES: Record<string, number> = {
  INVALID_ARGUMENT: 3,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  FAILED_PRECONDITION: 9,
};

interface ItemError {
  key: string;
  code: number;
  status: string;
  message: string;
}

/**
 * Runs `check` for every item of a batch and collects the errors per item (key = index or resource
 * name), so that a batch is validated completely before anything is written.
 */
function checkAll<I, R>(items: [string, I][], check: (item: I) => R): { ok: R[]; errors: ItemError[] } {
  const ok: R[] = [];
  const errors: ItemError[] = [];
  for (const [key, item] of items) {
    try {
      ok.push(check(item));
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      const err = (e.body as { error?: Partial<ItemError> }).error ?? {};
      errors.push({
        key,
        code: err.code ?? e.status,
        status: err.status ?? 'INVALID_ARGUMENT',
        message: err.message ?? 'Invalid contact.',
      });
    }
  }
  return { ok, errors };
}

/**
 * A failed batch: the first item's error at the top level, plus a details entry with every item's
 * error (`BatchCreateContactsErrorDetails` / `BatchUpdateContactsErrorDetails` are named by
 * [DISCO-people]; their field layout is unconfirmed).
 */
function batchError(type: string, errors: ItemError[]): ApiError {
  const first = errors[0] as ItemError;
  const contactErrors = Object.fromEntries(
    errors.map((e) => [e.key, { code: RPC_CODES[e.status] ?? 2, message: e.message }]),
  );
  return googleError(first.code, first.status, first.message, [
    { '@type': `type.googleapis.com/google.people.v1.${type}`, contactErrors },
  ]);
}

/** `readMask` of the batch mutate methods: empty or absent ⇒ no data in the response ([DISCO-people]). */
function readMaskOf(value: unknown): Set<string> {
  return parseMask(typeof value === 'string' ? value : '', PERSON_FIELDS, 'readMask');
}

function requireUpdateMask(value: unknown, param: string): Set<string> {
  const mask = parseMask(typeof value === 'string' ? value : '', UPDATABLE_FIELDS, param);
  if (mask.size === 0)
    throw invalidArgument(`${param} mask is required. Please specify one or more valid paths.`);
  return mask;
}

function tooMany(what: string, max: number): never {
  throw invalidArgument(`Too many ${what} in the request. The maximum is ${max}.`);
}

const personResponse = (person: PersonJson, requestedResourceName?: string) => ({
  ...(requestedResourceName ? { requestedResourceName } : {}),
  httpStatusCode: 200,
  person,
  status: {},
});

export const peopleRoutes: ApiRoute[] = [
  {
    method: 'GET',
    pattern: new RegExp(`^/v1/people/${ID}/connections$`),
    apiMethod: 'people.people.connections.list',
    scopes: READ,
    handle: (ctx) => listConnections(ctx),
  },
  {
    method: 'GET',
    pattern: /^\/v1\/people:batchGet$/,
    apiMethod: 'people.people.getBatchGet',
    scopes: READ,
    handle(ctx): EmuResponse {
      const mask = requirePersonFields(ctx.req.query.get('personFields'));
      const names = ctx.req.query.getAll('resourceNames');
      if (names.length === 0) throw invalidArgument('resourceNames must contain at least one resource name.');
      if (names.length > MAX_BATCH_GET) tooMany('resource names', MAX_BATCH_GET);
      const account = acct(ctx);
      const responses = names.map((rn) => {
        if (rn === 'people/me') return personResponse(profile(ctx, mask), rn);
        const rec = account.contacts.get(rn.replace(/^people\//, ''));
        if (!rec || rec.deleted) {
          return {
            requestedResourceName: rn,
            httpStatusCode: 404,
            status: { code: 5, message: 'Not found' },
          };
        }
        return personResponse(renderPerson(rec, mask), rn);
      });
      return json({ responses });
    },
  },
  {
    method: 'POST',
    pattern: /^\/v1\/people:createContact$/,
    apiMethod: 'people.people.createContact',
    scopes: WRITE,
    handle(ctx) {
      const mask = returnMask(ctx.req.query.get('personFields'));
      const person = asObject(ctx.req.body);
      const rec = acct(ctx).createContact(incomingFields(person), incomingGroupIds(person));
      return json(renderPerson(rec, mask));
    },
  },
  {
    method: 'POST',
    pattern: /^\/v1\/people:batchCreateContacts$/,
    apiMethod: 'people.people.batchCreateContacts',
    scopes: WRITE,
    handle(ctx) {
      const body = asObject(ctx.req.body);
      const contacts = Array.isArray(body.contacts) ? (body.contacts as unknown[]) : [];
      if (contacts.length === 0) throw invalidArgument('contacts must contain at least one contact.');
      if (contacts.length > MAX_BATCH_CREATE) tooMany('contacts', MAX_BATCH_CREATE);
      const mask = readMaskOf(body.readMask);
      const account = acct(ctx);
      // All contacts are validated before any is created: a failed batch creates nothing.
      const { ok, errors } = checkAll(
        contacts.map((c, i): [string, unknown] => [String(i), c]),
        (c) => {
          const person = asObject(asObject(c).contactPerson);
          const fields = incomingFields(person);
          const groups = incomingGroupIds(person) ?? [];
          account.checkNewMemberships(groups);
          return { fields, groups };
        },
      );
      if (errors.length > 0) throw batchError('BatchCreateContactsErrorDetails', errors);
      const created = ok.map((p) => account.createContact(p.fields, p.groups));
      if (mask.size === 0) return json({});
      return json({ createdPeople: created.map((rec) => personResponse(renderPerson(rec, mask))) });
    },
  },
  {
    method: 'POST',
    pattern: /^\/v1\/people:batchUpdateContacts$/,
    apiMethod: 'people.people.batchUpdateContacts',
    scopes: WRITE,
    handle(ctx) {
      const body = asObject(ctx.req.body);
      const contacts = asObject(body.contacts);
      const entries = Object.entries(contacts);
      if (entries.length > MAX_BATCH_UPDATE) tooMany('contacts', MAX_BATCH_UPDATE);
      const updateMask = requireUpdateMask(body.updateMask, 'updateMask');
      const readMask = readMaskOf(body.readMask);
      const account = acct(ctx);
      // Every item is validated before any is applied: a failed batch changes nothing.
      const { ok, errors } = checkAll(
        entries.map(([rn, p]): [string, [string, unknown]] => [rn, [rn, p]]),
        ([rn, p]) => ({
          rn,
          update: prepareUpdate(account, account.liveContact(contactId(rn)), asObject(p), updateMask),
        }),
      );
      if (errors.length > 0) throw batchError('BatchUpdateContactsErrorDetails', errors);
      const updateResult: Record<string, unknown> = {};
      for (const { rn, update } of ok) {
        applyUpdate(account, update);
        updateResult[rn] = personResponse(renderPerson(update.rec, readMask), rn);
      }
      if (readMask.size === 0) return json({});
      return json({ updateResult });
    },
  },
  {
    method: 'POST',
    pattern: /^\/v1\/people:batchDeleteContacts$/,
    apiMethod: 'people.people.batchDeleteContacts',
    scopes: WRITE,
    handle(ctx) {
      const body = asObject(ctx.req.body);
      const names = Array.isArray(body.resourceNames) ? (body.resourceNames as string[]) : [];
      if (names.length === 0) throw invalidArgument('resourceNames must contain at least one resource name.');
      if (names.length > MAX_BATCH_DELETE) tooMany('resource names', MAX_BATCH_DELETE);
      const account = acct(ctx);
      const recs = names.map((rn) => account.liveContact(contactId(rn)));
      for (const rec of recs) if (!rec.deleted) account.deleteContact(rec);
      return json({});
    },
  },
  {
    method: 'PATCH',
    pattern: new RegExp(`^/v1/people/${ID}:updateContact$`),
    apiMethod: 'people.people.updateContact',
    scopes: WRITE,
    handle(ctx) {
      const updateMask = requireUpdateMask(ctx.req.query.get('updatePersonFields'), 'updatePersonFields');
      const mask = returnMask(ctx.req.query.get('personFields'));
      const account = acct(ctx);
      const rec = account.liveContact(ctx.match[1] ?? '');
      applyUpdate(account, prepareUpdate(account, rec, asObject(ctx.req.body), updateMask));
      return json(renderPerson(rec, mask));
    },
  },
  {
    method: 'DELETE',
    pattern: new RegExp(`^/v1/people/${ID}:deleteContact$`),
    apiMethod: 'people.people.deleteContact',
    scopes: WRITE,
    handle(ctx) {
      const account = acct(ctx);
      account.deleteContact(account.liveContact(ctx.match[1] ?? ''));
      return json({});
    },
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/v1/people/${ID}$`),
    apiMethod: 'people.people.get',
    scopes: [...READ, SCOPES.userinfoProfile, 'profile'],
    handle(ctx) {
      const mask = requirePersonFields(ctx.req.query.get('personFields'));
      const id = ctx.match[1] ?? '';
      if (id === 'me') return json(profile(ctx, mask));
      return json(renderPerson(acct(ctx).liveContact(id), mask));
    },
  },
];
