import { ApiError } from '../errors.js';
import { asObject } from '../http.js';
import { renderGroup } from '../people/groups.js';
import { incomingFields, incomingGroupIds, renderPerson, UPDATABLE_FIELDS } from '../people/person.js';
import { type ControlRoute, knownAccount, ok, optionalEmail } from './util.js';

const ALL_GROUP_FIELDS = new Set(['clientData', 'groupType', 'memberCount', 'metadata', 'name']);
const E = '([^/]+)';
const ID = '([^/]+)';
const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const clientData = (v: unknown) =>
  Array.isArray(v)
    ? v.filter((x) => x && typeof x === 'object').map((x) => ({ ...(x as object) }))
    : undefined;

/** Acting as the user in Google's own UI (Contacts, Calendar): no etag checks, no API limits. */
export const userActionRoutes: ControlRoute[] = [
  {
    method: 'POST',
    pattern: new RegExp(`^/__emulator/people/${E}/contacts$`),
    handle(req, state, m) {
      const people = state.peopleFor(knownAccount(state, m[1]));
      const person = asObject(req.body);
      const rec = people.createContact(incomingFields(person), incomingGroupIds(person));
      return ok(renderPerson(rec, 'all'), 201);
    },
  },
  {
    // Many at once (benchmarks seed accounts of 50,000 contacts): `{contacts: [person…]}`.
    method: 'POST',
    pattern: new RegExp(`^/__emulator/people/${E}/contacts:bulk$`),
    handle(req, state, m) {
      const people = state.peopleFor(knownAccount(state, m[1]));
      const list = asObject(req.body).contacts;
      const created = (Array.isArray(list) ? list : []).map((item) => {
        const person = asObject(item);
        return `people/${people.createContact(incomingFields(person), incomingGroupIds(person)).id}`;
      });
      return ok({ resourceNames: created }, 201);
    },
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/__emulator/people/${E}/contacts/${ID}$`),
    handle(_req, state, m) {
      const people = state.peopleFor(knownAccount(state, m[1]));
      return ok(renderPerson(people.liveContact(m[2] ?? ''), 'all'));
    },
  },
  {
    method: 'PATCH',
    pattern: new RegExp(`^/__emulator/people/${E}/contacts/${ID}$`),
    handle(req, state, m) {
      const people = state.peopleFor(knownAccount(state, m[1]));
      const rec = people.liveContact(m[2] ?? '');
      const person = asObject(req.body);
      const present = UPDATABLE_FIELDS.filter((f) => f in person && f !== 'memberships');
      const given = incomingFields(person, present);
      const fields = Object.fromEntries(present.map((f) => [f, given[f]]));
      people.updateContact(rec, fields, 'memberships' in person ? incomingGroupIds(person) : undefined);
      return ok(renderPerson(rec, 'all'));
    },
  },
  {
    method: 'DELETE',
    pattern: new RegExp(`^/__emulator/people/${E}/contacts/${ID}$`),
    handle(_req, state, m) {
      const people = state.peopleFor(knownAccount(state, m[1]));
      people.deleteContact(people.liveContact(m[2] ?? ''));
      return ok();
    },
  },
  {
    method: 'POST',
    pattern: new RegExp(`^/__emulator/people/${E}/contactGroups$`),
    handle(req, state, m) {
      const people = state.peopleFor(knownAccount(state, m[1]));
      const body = asObject(req.body);
      const g = people.createGroup(body.name, clientData(body.clientData));
      return ok(renderGroup(people, g, ALL_GROUP_FIELDS), 201);
    },
  },
  {
    method: 'PATCH',
    pattern: new RegExp(`^/__emulator/people/${E}/contactGroups/${ID}$`),
    handle(req, state, m) {
      const people = state.peopleFor(knownAccount(state, m[1]));
      const g = people.liveGroup(m[2] ?? '');
      const body = asObject(req.body);
      people.updateGroup(g, {
        name: body.name,
        clientData: 'clientData' in body ? (clientData(body.clientData) ?? null) : undefined,
      });
      return ok(renderGroup(people, g, ALL_GROUP_FIELDS));
    },
  },
  {
    method: 'DELETE',
    pattern: new RegExp(`^/__emulator/people/${E}/contactGroups/${ID}$`),
    handle(req, state, m) {
      const people = state.peopleFor(knownAccount(state, m[1]));
      people.deleteGroup(people.liveGroup(m[2] ?? ''), req.query.get('deleteContacts') === 'true');
      return ok();
    },
  },
  {
    method: 'POST',
    pattern: new RegExp(`^/__emulator/people/${E}/contactGroups/${ID}/members$`),
    handle(req, state, m) {
      const people = state.peopleFor(knownAccount(state, m[1]));
      const body = asObject(req.body);
      const g = people.liveGroup(m[2] ?? '');
      return ok(people.modifyMembers(g, strings(body.add), strings(body.remove)));
    },
  },
  {
    method: 'POST',
    pattern: /^\/__emulator\/people\/expire-sync-tokens$/,
    handle(req, state) {
      const email = optionalEmail(asObject(req.body));
      const targets = email ? [state.peopleFor(knownAccount(state, email))] : [...state.people.values()];
      for (const p of targets) p.syncTokenGeneration++;
      return ok();
    },
  },
  {
    method: 'POST',
    pattern: new RegExp(`^/__emulator/calendar/${E}/events$`),
    handle: (req, state, m) =>
      ok(state.calendar.userCreateEvent(knownAccount(state, m[1]), asObject(req.body)), 201),
  },
  {
    // Many at once (benchmarks): `{events: [event…]}`.
    method: 'POST',
    pattern: new RegExp(`^/__emulator/calendar/${E}/events:bulk$`),
    handle(req, state, m) {
      const email = knownAccount(state, m[1]);
      const list = asObject(req.body).events;
      const ids = (Array.isArray(list) ? list : []).map(
        (event) => (state.calendar.userCreateEvent(email, asObject(event)) as { id?: string }).id,
      );
      return ok({ ids }, 201);
    },
  },
  {
    method: 'PATCH',
    pattern: new RegExp(`^/__emulator/calendar/${E}/events/${ID}$`),
    handle: (req, state, m) =>
      ok(state.calendar.userUpdateEvent(knownAccount(state, m[1]), m[2] ?? '', asObject(req.body))),
  },
  {
    method: 'DELETE',
    pattern: new RegExp(`^/__emulator/calendar/${E}/events/${ID}$`),
    handle(_req, state, m) {
      state.calendar.userCancelEvent(knownAccount(state, m[1]), m[2] ?? '');
      return ok();
    },
  },
  {
    method: 'POST',
    pattern: new RegExp(`^/__emulator/calendar/${E}/events/${ID}/respond$`),
    handle(req, state, m) {
      const response = asObject(req.body).response;
      if (typeof response !== 'string') throw new ApiError(400, { error: 'response is required' });
      state.calendar.userRespond(knownAccount(state, m[1]), m[2] ?? '', response);
      return ok();
    },
  },
  {
    method: 'POST',
    pattern: /^\/__emulator\/calendar\/expire-sync-tokens$/,
    handle(req, state) {
      const email = optionalEmail(asObject(req.body));
      state.calendar.expireSyncTokens(email ? knownAccount(state, email) : undefined);
      return ok();
    },
  },
];
