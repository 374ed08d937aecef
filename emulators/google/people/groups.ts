import type { ApiContext, ApiRoute } from '../api.js';
import { failedPrecondition, invalidArgument } from '../errors.js';
import { asObject, json } from '../http.js';
import { SCOPES } from '../oauth/scopes.js';
import { listChanges, parsePageSize } from './listing.js';
import { type FieldItems, parseMask } from './person.js';
import { type GroupRecord, type PeopleAccount, SYSTEM_GROUPS } from './store.js';

const READ = [SCOPES.contacts, SCOPES.contactsReadonly];
const WRITE = [SCOPES.contacts];
const GROUP_FIELDS = ['clientData', 'groupType', 'memberCount', 'metadata', 'name'];
const DEFAULT_GROUP_FIELDS = 'metadata,groupType,memberCount,name';
export const MAX_MEMBERS_MODIFY = 1000;
export const MAX_GROUP_BATCH_GET = 200;

function groupMask(value: unknown, def = DEFAULT_GROUP_FIELDS): Set<string> {
  const mask = parseMask(
    typeof value === 'string' && value !== '' ? value : def,
    GROUP_FIELDS,
    'groupFields',
  );
  return mask;
}

export function renderGroup(account: PeopleAccount, g: GroupRecord, mask: Set<string>, maxMembers = 0) {
  const out: Record<string, unknown> = { resourceName: `contactGroups/${g.id}`, etag: g.etag };
  if (g.deleted) {
    out.metadata = { updateTime: g.updateTime.toISOString(), deleted: true };
    return out;
  }
  if (mask.has('metadata')) out.metadata = { updateTime: g.updateTime.toISOString() };
  if (mask.has('groupType')) out.groupType = g.system ? 'SYSTEM_CONTACT_GROUP' : 'USER_CONTACT_GROUP';
  if (mask.has('name')) {
    out.name = g.name;
    out.formattedName = g.system ? (SYSTEM_GROUPS[g.id] ?? g.name) : g.name;
  }
  const members = account.memberIds(g.id);
  if (maxMembers > 0 && members.length > 0) {
    out.memberResourceNames = members.slice(0, maxMembers).map((id) => `people/${id}`);
  }
  if (mask.has('memberCount') && members.length > 0) out.memberCount = members.length;
  if (mask.has('clientData') && g.clientData) out.clientData = g.clientData;
  return out;
}

function clientDataOf(value: unknown): FieldItems | undefined {
  if (!Array.isArray(value)) return undefined;
  return value.filter((v) => v && typeof v === 'object').map((v) => ({ ...(v as Record<string, unknown>) }));
}

function maxMembersOf(value: string | null): number {
  const n = Number(value ?? 0);
  if (!Number.isInteger(n) || n < 0) throw invalidArgument(`Invalid maxMembers: ${value}`);
  return n;
}

const acct = (ctx: ApiContext) => ctx.state.peopleFor(ctx.email);
const groupId = (ctx: ApiContext) => ctx.match[1] ?? '';

export const groupRoutes: ApiRoute[] = [
  {
    method: 'GET',
    pattern: /^\/v1\/contactGroups$/,
    apiMethod: 'people.contactGroups.list',
    scopes: READ,
    handle(ctx) {
      const q = ctx.req.query;
      const mask = groupMask(q.get('groupFields'));
      const account = acct(ctx);
      const result = listChanges({
        kind: 'g',
        email: ctx.email,
        account,
        records: account.groups,
        paramsKey: JSON.stringify([...mask].sort()),
        pageSize: parsePageSize(q.get('pageSize'), 30),
        pageToken: q.get('pageToken'),
        syncToken: q.get('syncToken'),
        requestSyncToken: true,
        nowMs: ctx.state.now().getTime(),
      });
      const body: Record<string, unknown> = {};
      if (result.items.length > 0)
        body.contactGroups = result.items.map((g) => renderGroup(account, g, mask));
      body.totalItems = result.totalItems;
      if (result.nextPageToken) body.nextPageToken = result.nextPageToken;
      if (result.nextSyncToken) body.nextSyncToken = result.nextSyncToken;
      return json(body);
    },
  },
  {
    method: 'GET',
    pattern: /^\/v1\/contactGroups:batchGet$/,
    apiMethod: 'people.contactGroups.batchGet',
    scopes: READ,
    handle(ctx) {
      const q = ctx.req.query;
      const names = q.getAll('resourceNames');
      if (names.length > MAX_GROUP_BATCH_GET) {
        throw invalidArgument(
          `Too many resource names in the request. The maximum is ${MAX_GROUP_BATCH_GET}.`,
        );
      }
      const mask = groupMask(q.get('groupFields'));
      const maxMembers = maxMembersOf(q.get('maxMembers'));
      const account = acct(ctx);
      const responses = names.map((rn) => {
        const g = account.groups.get(rn.replace(/^contactGroups\//, ''));
        if (!g || g.deleted) return { requestedResourceName: rn, status: { code: 5, message: 'Not found' } };
        return {
          requestedResourceName: rn,
          contactGroup: renderGroup(account, g, mask, maxMembers),
          status: {},
        };
      });
      return json({ responses });
    },
  },
  {
    method: 'POST',
    pattern: /^\/v1\/contactGroups$/,
    apiMethod: 'people.contactGroups.create',
    scopes: WRITE,
    handle(ctx) {
      const body = asObject(ctx.req.body);
      const input = asObject(body.contactGroup);
      const mask = groupMask(body.readGroupFields);
      const account = acct(ctx);
      const g = account.createGroup(input.name, clientDataOf(input.clientData));
      return json(renderGroup(account, g, mask));
    },
  },
  {
    method: 'GET',
    pattern: /^\/v1\/contactGroups\/([^/:]+)$/,
    apiMethod: 'people.contactGroups.get',
    scopes: READ,
    handle(ctx) {
      const q = ctx.req.query;
      const account = acct(ctx);
      const g = account.liveGroup(groupId(ctx));
      return json(
        renderGroup(account, g, groupMask(q.get('groupFields')), maxMembersOf(q.get('maxMembers'))),
      );
    },
  },
  {
    method: 'PUT',
    pattern: /^\/v1\/contactGroups\/([^/:]+)$/,
    apiMethod: 'people.contactGroups.update',
    scopes: WRITE,
    handle(ctx) {
      const body = asObject(ctx.req.body);
      const input = asObject(body.contactGroup);
      const update = parseMask(
        (body.updateGroupFields as string) || 'name',
        ['name', 'clientData'],
        'updateGroupFields',
      );
      const account = acct(ctx);
      const g = account.liveGroup(groupId(ctx));
      if (typeof input.etag === 'string' && input.etag !== g.etag) {
        throw failedPrecondition(
          'Request contactGroup.etag is different than the current contactGroup.etag.',
        );
      }
      account.updateGroup(g, {
        name: update.has('name') ? input.name : undefined,
        clientData: update.has('clientData') ? (clientDataOf(input.clientData) ?? null) : undefined,
      });
      return json(renderGroup(account, g, groupMask(body.readGroupFields)));
    },
  },
  {
    method: 'DELETE',
    pattern: /^\/v1\/contactGroups\/([^/:]+)$/,
    apiMethod: 'people.contactGroups.delete',
    scopes: WRITE,
    handle(ctx) {
      const account = acct(ctx);
      account.deleteGroup(account.liveGroup(groupId(ctx)), ctx.req.query.get('deleteContacts') === 'true');
      return json({});
    },
  },
  {
    method: 'POST',
    pattern: /^\/v1\/contactGroups\/([^/:]+)\/members:modify$/,
    apiMethod: 'people.contactGroups.members.modify',
    scopes: WRITE,
    handle(ctx) {
      const body = asObject(ctx.req.body);
      const add = Array.isArray(body.resourceNamesToAdd) ? (body.resourceNamesToAdd as string[]) : [];
      const remove = Array.isArray(body.resourceNamesToRemove)
        ? (body.resourceNamesToRemove as string[])
        : [];
      if (add.length + remove.length > MAX_MEMBERS_MODIFY) {
        throw invalidArgument(
          `Too many resource names to add and remove. The maximum is ${MAX_MEMBERS_MODIFY} in total.`,
        );
      }
      const account = acct(ctx);
      return json(account.modifyMembers(account.liveGroup(groupId(ctx)), add, remove));
    },
  },
];
