import type { ApiContext, ApiRoute } from '../api.js';
import { failedPrecondition, invalidArgument, notFound } from '../errors.js';
import { asObject, type EmuResponse, json } from '../http.js';
import { SCOPES } from '../oauth/scopes.js';
import { listConnections } from './connections.js';
import {
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

function applyUpdate(account: PeopleAccount, rec: ContactRecord, person: PersonJson, mask: Set<string>) {
  const fields: Record<string, ReturnType<typeof incomingFields>[string] | undefined> = {};
  const given = incomingFields(person, mask);
  for (const f of mask) if (f !== 'memberships') fields[f] = given[f];
  const groups = mask.has('memberships') ? (incomingGroupIds(person) ?? []) : undefined;
  account.updateContact(rec, fields, groups);
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
      if (contacts.length > MAX_BATCH_CREATE) tooMany('contacts', MAX_BATCH_CREATE);
      const mask = parseMask(body.readMask as string | undefined, PERSON_FIELDS, 'readMask');
      const account = acct(ctx);
      const prepared = contacts.map((c) => {
        const person = asObject(asObject(c).contactPerson);
        return { fields: incomingFields(person), groups: incomingGroupIds(person) };
      });
      const createdPeople = prepared.map((p) =>
        personResponse(renderPerson(account.createContact(p.fields, p.groups), mask)),
      );
      return json({ createdPeople });
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
      const readMask = parseMask(body.readMask as string | undefined, PERSON_FIELDS, 'readMask');
      const account = acct(ctx);
      const checked = entries.map(([rn, p]) => {
        const rec = account.liveContact(contactId(rn));
        const person = asObject(p);
        checkEtag(rec, person);
        incomingFields(person, updateMask); // validate all before changing anything
        return { rn, rec, person };
      });
      const updateResult: Record<string, unknown> = {};
      for (const { rn, rec, person } of checked) {
        applyUpdate(account, rec, person, updateMask);
        updateResult[rn] = personResponse(renderPerson(rec, readMask), rn);
      }
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
      const person = asObject(ctx.req.body);
      checkEtag(rec, person);
      applyUpdate(account, rec, person, updateMask);
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
