import { randomBytes } from 'node:crypto';
import { googleError, invalidArgument, notFound } from '../errors.js';
import type { ListingSnapshot } from './listing.js';
import type { FieldItems } from './person.js';

export interface ContactRecord {
  id: string;
  sourceId: string;
  fields: Record<string, FieldItems>;
  /** Contact group ids (`myContacts`, `starred`, user group ids). */
  groups: Set<string>;
  etag: string;
  sourceEtag: string;
  createTime: Date;
  updateTime: Date;
  /** Position of the record's last change in the account's change log. */
  changeSeq: number;
  deleted: boolean;
}

export interface GroupRecord {
  id: string;
  name: string;
  system: boolean;
  clientData?: FieldItems;
  etag: string;
  updateTime: Date;
  changeSeq: number;
  deleted: boolean;
}

export const SYSTEM_GROUPS: Record<string, string> = {
  myContacts: 'My Contacts',
  starred: 'Starred',
  friends: 'Friends',
  family: 'Family',
  coworkers: 'Coworkers',
  chatBuddies: 'Chat contacts',
  all: 'All Contacts',
  blocked: 'Blocked',
};
/** The only system groups that accept new members. */
export const ADDABLE_SYSTEM_GROUPS = new Set(['myContacts', 'starred']);

const newEtag = (prefix: string) => `${prefix}${randomBytes(18).toString('base64')}`;

/**
 * One account's contacts and contact groups. Every mutation takes the next number of the account's
 * change log (a monotonic sequence); deleted records stay as tombstones so that incremental syncs can
 * report them.
 */
export class PeopleAccount {
  readonly contacts = new Map<string, ContactRecord>();
  readonly groups = new Map<string, GroupRecord>();
  seq = 0;
  /** Sync and page tokens carry this generation; the control API bumps it to expire them all. */
  syncTokenGeneration = 0;
  /** Snapshots of paged listings, by the id their page tokens carry (see listing.ts). */
  readonly listings = new Map<string, ListingSnapshot>();
  private idCounter = 0;

  constructor(private readonly now: () => Date) {
    for (const id of Object.keys(SYSTEM_GROUPS)) {
      this.groups.set(id, {
        id,
        name: id,
        system: true,
        etag: newEtag(''),
        updateTime: now(),
        changeSeq: 0,
        deleted: false,
      });
    }
  }

  private touch(rec: ContactRecord | GroupRecord): void {
    rec.changeSeq = ++this.seq;
    rec.etag = newEtag('%');
    rec.updateTime = this.now();
    if ('sourceEtag' in rec) rec.sourceEtag = newEtag('#');
  }

  liveContact(id: string): ContactRecord {
    const rec = this.contacts.get(id);
    if (!rec || rec.deleted) throw notFound();
    return rec;
  }

  liveGroup(id: string): GroupRecord {
    const rec = this.groups.get(id);
    if (!rec || rec.deleted) throw notFound();
    return rec;
  }

  /** Checks the extra groups of a new contact (it joins `myContacts` anyway). */
  checkNewMemberships(groupIds: string[]): void {
    for (const gid of groupIds) this.checkAddable(gid);
  }

  createContact(fields: Record<string, FieldItems>, groupIds: string[] = []): ContactRecord {
    this.checkNewMemberships(groupIds);
    const n = ++this.idCounter;
    const id = `c${(BigInt(Date.now()) * 1000n + BigInt(n)).toString().padStart(19, '0')}`;
    const now = this.now();
    const rec: ContactRecord = {
      id,
      sourceId: BigInt(id.slice(1)).toString(16),
      fields: { ...fields },
      groups: new Set(['myContacts']),
      etag: '',
      sourceEtag: '',
      createTime: now,
      updateTime: now,
      changeSeq: 0,
      deleted: false,
    };
    for (const gid of groupIds) rec.groups.add(gid);
    this.contacts.set(id, rec);
    this.touch(rec);
    for (const gid of groupIds) this.touchGroup(gid);
    return rec;
  }

  /**
   * Checks a membership update without changing anything: a contact keeps at least one contact
   * group, and only existing user groups or `myContacts`/`starred` can be added ([DISCO-people]).
   */
  checkMemberships(rec: ContactRecord, groupIds: string[]): void {
    if (groupIds.length === 0) {
      throw invalidArgument('Contact must have at least one contact group membership.');
    }
    for (const gid of groupIds) if (!rec.groups.has(gid)) this.checkAddable(gid);
  }

  /**
   * Replaces the given fields (absent/empty = cleared) and optionally the group memberships.
   * Validates first: on error nothing changes (no field, etag or change-log entry).
   */
  updateContact(rec: ContactRecord, fields: Record<string, FieldItems | undefined>, groupIds?: string[]) {
    if (groupIds) this.checkMemberships(rec, groupIds);
    for (const [field, items] of Object.entries(fields)) {
      if (items && items.length > 0) rec.fields[field] = items;
      else delete rec.fields[field];
    }
    if (groupIds) {
      const before = new Set(rec.groups);
      rec.groups = new Set(groupIds);
      for (const gid of new Set([...before, ...groupIds])) {
        if (before.has(gid) !== rec.groups.has(gid)) this.touchGroup(gid);
      }
    }
    this.touch(rec);
  }

  deleteContact(rec: ContactRecord): void {
    for (const gid of rec.groups) this.touchGroup(gid);
    rec.deleted = true;
    rec.fields = {};
    rec.groups = new Set();
    this.touch(rec);
  }

  private checkAddable(gid: string): void {
    const group = this.groups.get(gid);
    if (!group || group.deleted) throw invalidArgument(`Contact group not found: contactGroups/${gid}`);
    if (group.system && !ADDABLE_SYSTEM_GROUPS.has(gid)) {
      throw invalidArgument(`Cannot add contacts to system contact group: contactGroups/${gid}`);
    }
  }

  private touchGroup(gid: string): void {
    const group = this.groups.get(gid);
    if (group && !group.system && !group.deleted) this.touch(group);
  }

  memberIds(gid: string): string[] {
    const ids: string[] = [];
    for (const c of this.contacts.values()) if (!c.deleted && c.groups.has(gid)) ids.push(c.id);
    return ids;
  }

  private checkName(name: unknown, exceptId?: string): string {
    if (typeof name !== 'string' || name.trim() === '')
      throw invalidArgument('Contact group name is required.');
    for (const g of this.groups.values()) {
      if (!g.deleted && !g.system && g.id !== exceptId && g.name === name) {
        throw googleError(409, 'ALREADY_EXISTS', 'Contact group name already exists.');
      }
    }
    return name;
  }

  createGroup(name: unknown, clientData?: FieldItems): GroupRecord {
    const group: GroupRecord = {
      id: randomBytes(8).toString('hex'),
      name: this.checkName(name),
      system: false,
      etag: '',
      updateTime: this.now(),
      changeSeq: 0,
      deleted: false,
    };
    if (clientData) group.clientData = clientData;
    this.groups.set(group.id, group);
    this.touch(group);
    return group;
  }

  updateGroup(group: GroupRecord, patch: { name?: unknown; clientData?: FieldItems | null }): void {
    if (group.system) throw invalidArgument('System contact groups cannot be modified.');
    if (patch.name !== undefined) group.name = this.checkName(patch.name, group.id);
    if (patch.clientData !== undefined) {
      if (patch.clientData && patch.clientData.length > 0) group.clientData = patch.clientData;
      else delete group.clientData;
    }
    this.touch(group);
  }

  deleteGroup(group: GroupRecord, deleteContacts: boolean): void {
    if (group.system) throw invalidArgument('System contact groups cannot be deleted.');
    for (const c of this.contacts.values()) {
      if (c.deleted || !c.groups.has(group.id)) continue;
      if (deleteContacts) this.deleteContact(c);
      else {
        c.groups.delete(group.id);
        this.touch(c);
      }
    }
    group.deleted = true;
    delete group.clientData;
    this.touch(group);
  }

  /** members:modify semantics; returns Google's response body. */
  modifyMembers(group: GroupRecord, add: string[], remove: string[]) {
    if (group.system && add.length > 0 && !ADDABLE_SYSTEM_GROUPS.has(group.id)) {
      throw invalidArgument(`Cannot add contacts to system contact group: contactGroups/${group.id}`);
    }
    const notFoundNames: string[] = [];
    const lastGroup: string[] = [];
    let changed = false;
    const lookup = (rn: string) => {
      const c = this.contacts.get(rn.replace(/^people\//, ''));
      if (!c || c.deleted) notFoundNames.push(rn);
      return c && !c.deleted ? c : undefined;
    };
    for (const rn of add) {
      const c = lookup(rn);
      if (c && !c.groups.has(group.id)) {
        c.groups.add(group.id);
        this.touch(c);
        changed = true;
      }
    }
    for (const rn of remove) {
      const c = lookup(rn);
      if (!c?.groups.has(group.id)) continue;
      if (c.groups.size === 1) {
        lastGroup.push(rn);
        continue;
      }
      c.groups.delete(group.id);
      this.touch(c);
      changed = true;
    }
    if (changed) this.touchGroup(group.id);
    const body: Record<string, string[]> = {};
    if (notFoundNames.length > 0) body.notFoundResourceNames = notFoundNames;
    if (lastGroup.length > 0) body.canNotRemoveLastContactGroupResourceNames = lastGroup;
    return body;
  }
}
