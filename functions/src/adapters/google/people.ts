import { people_v1 } from '@googleapis/people';
import { PERSON_READ_FIELDS, type Person } from '../../core/sync/contacts/personValues.js';
import { type GoogleApiCaller, googleApiRootUrl } from './apiCaller.js';

/**
 * The user's Google Contacts as the contact sync uses them (People API v1,
 * https://developers.google.com/people/api/rest). Every call goes through the run's GoogleApiCaller
 * (retries, Retry-After, 401 refresh) and names itself as Google's API method does.
 */

/** Google's limits per call (People v1 reference: batchCreate/batchUpdate/batchGet 200, members:modify 1000). */
export const PEOPLE_LIMITS = {
  batchCreate: 200,
  batchUpdate: 200,
  batchGet: 200,
  modifyMembers: 1000,
} as const;

/**
 * Largest page: reading N changes costs about N/1000 calls (docs/architecture.md#quality-bars). A sync token needs every other
 * parameter of the first call again ("all other parameters provided to people.connections.list must
 * match the first call that provided the page token" — connections.list reference), so full and
 * incremental listings send exactly the same ones.
 */
const LIST_PARAMS = {
  resourceName: 'people/me',
  personFields: PERSON_READ_FIELDS.join(','),
  pageSize: 1000,
  requestSyncToken: true,
} as const;

const READ_MASK = PERSON_READ_FIELDS.join(',');

export interface PersonPage {
  people: Person[];
  nextPageToken?: string;
  /** Only on the last page of a listing. */
  nextSyncToken?: string;
}

export interface ContactGroup {
  resourceName: string;
  name: string;
  memberResourceNames: string[];
}

export class PeopleApi {
  private readonly client: people_v1.People;

  constructor(private readonly caller: GoogleApiCaller) {
    this.client = new people_v1.People({
      version: 'v1',
      rootUrl: googleApiRootUrl(),
      // The per-API package bundles its own google-auth-library types.
      auth: caller.auth as never,
      retry: false,
    } as people_v1.Options);
  }

  /**
   * One page of the user's contacts: all of them without `syncToken`, else those changed since it
   * (deleted ones carry `metadata.deleted`). Throws GoogleApiFailure `sync_token_expired`.
   */
  async listPage(position: { syncToken?: string; pageToken?: string }): Promise<PersonPage> {
    const { data } = await this.caller.call('people.people.connections.list', true, () =>
      this.client.people.connections.list({
        ...LIST_PARAMS,
        ...(position.syncToken ? { syncToken: position.syncToken } : {}),
        ...(position.pageToken ? { pageToken: position.pageToken } : {}),
      }),
    );
    return {
      people: data.connections ?? [],
      nextPageToken: data.nextPageToken ?? undefined,
      nextSyncToken: data.nextSyncToken ?? undefined,
    };
  }

  /** Current state of these contacts (≤ 200); contacts that no longer exist are left out. */
  async getMany(resourceNames: string[]): Promise<Person[]> {
    if (resourceNames.length === 0) return [];
    const { data } = await this.caller.call('people.people.getBatchGet', true, () =>
      this.client.people.getBatchGet({ resourceNames, personFields: READ_MASK }),
    );
    return (data.responses ?? []).flatMap((response) => (response.person ? [response.person] : []));
  }

  async get(resourceName: string): Promise<Person> {
    const { data } = await this.caller.call('people.people.get', true, () =>
      this.client.people.get({ resourceName, personFields: READ_MASK }),
    );
    return data;
  }

  /**
   * Creates contacts (≤ 200) in one call and returns them in the order given. Not idempotent: the
   * caller does not repeat it after a 5xx (the contacts may exist), see app/sync/contacts/exports.ts.
   */
  async createMany(people: Person[]): Promise<Person[]> {
    const { data } = await this.caller.call('people.people.batchCreateContacts', false, () =>
      this.client.people.batchCreateContacts({
        requestBody: { contacts: people.map((contactPerson) => ({ contactPerson })), readMask: READ_MASK },
      }),
    );
    return (data.createdPeople ?? []).flatMap((created) => (created.person ? [created.person] : []));
  }

  /**
   * Updates contacts (≤ 200) that all change the same People fields, each with the etag it was read
   * with; returns them as they are now. Google validates the whole batch first: one stale etag fails
   * it all (then update one by one to find which).
   */
  async updateMany(updates: Map<string, Person>, updatePersonFields: string[]): Promise<Map<string, Person>> {
    const { data } = await this.caller.call('people.people.batchUpdateContacts', true, () =>
      this.client.people.batchUpdateContacts({
        requestBody: {
          contacts: Object.fromEntries(updates),
          updateMask: updatePersonFields.join(','),
          readMask: READ_MASK,
        },
      }),
    );
    const result = new Map<string, Person>();
    for (const [resourceName, response] of Object.entries(data.updateResult ?? {})) {
      if (response.person) result.set(resourceName, response.person);
    }
    return result;
  }

  async update(resourceName: string, person: Person, updatePersonFields: string[]): Promise<Person> {
    const { data } = await this.caller.call('people.people.updateContact', true, () =>
      this.client.people.updateContact({
        resourceName,
        updatePersonFields: updatePersonFields.join(','),
        personFields: READ_MASK,
        requestBody: person,
      }),
    );
    return data;
  }

  /** The group with up to `maxMembers` member resource names. Throws GoogleApiFailure `not_found`. */
  async getGroup(resourceName: string, maxMembers = 0): Promise<ContactGroup> {
    const { data } = await this.caller.call('people.contactGroups.get', true, () =>
      this.client.contactGroups.get({ resourceName, maxMembers }),
    );
    return groupOf(data);
  }

  /** The user's own group with this name (names are unique per user), if there is one. */
  async findGroup(name: string): Promise<ContactGroup | undefined> {
    let pageToken: string | undefined;
    do {
      const { data } = await this.caller.call('people.contactGroups.list', true, () =>
        this.client.contactGroups.list({ pageSize: 1000, ...(pageToken ? { pageToken } : {}) }),
      );
      const found = (data.contactGroups ?? []).find(
        (group) =>
          group.groupType === 'USER_CONTACT_GROUP' && group.name === name && !group.metadata?.deleted,
      );
      if (found) return groupOf(found);
      pageToken = data.nextPageToken ?? undefined;
    } while (pageToken);
    return undefined;
  }

  /** Creates a group; a name that exists already fails with GoogleApiFailure `conflict` (409). */
  async createGroup(name: string): Promise<ContactGroup> {
    const { data } = await this.caller.call('people.contactGroups.create', false, () =>
      this.client.contactGroups.create({ requestBody: { contactGroup: { name } } }),
    );
    return groupOf(data);
  }

  /**
   * Adds and removes members (≤ 1000 in all). Idempotent: adding a member twice or removing one that
   * is gone changes nothing. Returns the contacts that could not be removed because it is their last
   * group (Google keeps every contact in at least one).
   */
  async modifyMembers(
    groupResourceName: string,
    change: { add?: string[]; remove?: string[] },
  ): Promise<{ notRemovable: string[] }> {
    const { data } = await this.caller.call('people.contactGroups.members.modify', true, () =>
      this.client.contactGroups.members.modify({
        resourceName: groupResourceName,
        requestBody: { resourceNamesToAdd: change.add ?? [], resourceNamesToRemove: change.remove ?? [] },
      }),
    );
    return { notRemovable: data.canNotRemoveLastContactGroupResourceNames ?? [] };
  }
}

function groupOf(group: people_v1.Schema$ContactGroup): ContactGroup {
  return {
    resourceName: group.resourceName ?? '',
    name: group.name ?? '',
    memberResourceNames: group.memberResourceNames ?? [],
  };
}
