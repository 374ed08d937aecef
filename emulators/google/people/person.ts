import { invalidArgument } from '../errors.js';
import type { ContactRecord } from './store.js';

/** Valid `personFields` mask paths (People v1 discovery doc). */
export const PERSON_FIELDS = [
  'addresses',
  'ageRanges',
  'biographies',
  'birthdays',
  'calendarUrls',
  'clientData',
  'coverPhotos',
  'emailAddresses',
  'events',
  'externalIds',
  'genders',
  'imClients',
  'interests',
  'locales',
  'locations',
  'memberships',
  'metadata',
  'miscKeywords',
  'names',
  'nicknames',
  'occupations',
  'organizations',
  'phoneNumbers',
  'photos',
  'relations',
  'sipAddresses',
  'skills',
  'urls',
  'userDefined',
] as const;

/** Valid `updatePersonFields` mask paths (People v1 discovery doc). */
export const UPDATABLE_FIELDS = [
  'addresses',
  'biographies',
  'birthdays',
  'calendarUrls',
  'clientData',
  'emailAddresses',
  'events',
  'externalIds',
  'genders',
  'imClients',
  'interests',
  'locales',
  'locations',
  'memberships',
  'miscKeywords',
  'names',
  'nicknames',
  'occupations',
  'organizations',
  'phoneNumbers',
  'relations',
  'sipAddresses',
  'urls',
  'userDefined',
] as const;

const SINGLETONS = new Set(['biographies', 'birthdays', 'genders', 'names']);
const DATA_FIELDS = UPDATABLE_FIELDS.filter((f) => f !== 'memberships');

export type PersonJson = Record<string, unknown>;
export type FieldItems = Record<string, unknown>[];

export function parseMask(value: string | null | undefined, valid: readonly string[], param: string) {
  const paths = (value ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => p.replace(/^person\./, ''));
  for (const p of paths) {
    if (!valid.includes(p)) {
      throw invalidArgument(
        `Invalid ${param} mask path: "${p}". Valid paths are documented at https://developers.google.com/people/api/rest/v1/people/get.`,
      );
    }
  }
  return new Set(paths);
}

export function requirePersonFields(value: string | null | undefined, param = 'personFields'): Set<string> {
  const mask = parseMask(value, PERSON_FIELDS, param);
  if (mask.size === 0)
    throw invalidArgument(`${param} mask is required. Please specify one or more valid paths.`);
  return mask;
}

/** Takes the writable data fields of a client-sent Person, dropping output-only parts. */
export function incomingFields(person: PersonJson, only?: Iterable<string>): Record<string, FieldItems> {
  const wanted = only ? [...only].filter((f) => f !== 'memberships') : DATA_FIELDS;
  const out: Record<string, FieldItems> = {};
  for (const field of wanted) {
    const raw = person[field];
    if (raw === undefined || raw === null) continue;
    if (!Array.isArray(raw)) throw invalidArgument(`Invalid value at 'person.${field}': expected a list.`);
    if (SINGLETONS.has(field) && raw.length > 1) {
      throw invalidArgument(
        `Only one ${singular(field)} may be specified for a contact source. (person.${field})`,
      );
    }
    const items = raw.filter((i) => i && typeof i === 'object').map((i) => ({ ...(i as PersonJson) }));
    const primaryIndex = Math.max(
      0,
      items.findIndex((i) => (i.metadata as PersonJson | undefined)?.primary === true),
    );
    out[field] = items.map((item, idx) => normalizeItem(field, item, idx === primaryIndex));
  }
  return out;
}

function normalizeItem(field: string, item: PersonJson, primary: boolean): PersonJson {
  const copy: PersonJson = { ...item, metadata: { primary } };
  delete copy.formattedType;
  if (field === 'names') {
    delete copy.displayName;
    delete copy.displayNameLastFirst;
  }
  return copy;
}

const singular = (field: string) => field.replace(/ies$/, 'y').replace(/s$/, '');

/** Incoming memberships → contact group ids. */
export function incomingGroupIds(person: PersonJson): string[] | undefined {
  const raw = person.memberships;
  if (!Array.isArray(raw)) return undefined;
  const ids: string[] = [];
  for (const m of raw) {
    const cgm = (m as PersonJson | null)?.contactGroupMembership as PersonJson | undefined;
    const rn = (cgm?.contactGroupResourceName ?? cgm?.contactGroupId) as string | undefined;
    if (typeof rn === 'string') ids.push(rn.replace(/^contactGroups\//, ''));
  }
  return ids;
}

export function renderPerson(rec: ContactRecord, mask: Set<string> | 'all'): PersonJson {
  const out: PersonJson = { resourceName: `people/${rec.id}`, etag: rec.etag };
  const source = { type: 'CONTACT', id: rec.sourceId };
  if (rec.deleted) {
    out.metadata = { sources: [source], deleted: true };
    return out;
  }
  const include = (f: string) => mask === 'all' || mask.has(f);
  if (include('metadata')) {
    out.metadata = {
      sources: [{ ...source, etag: rec.sourceEtag, updateTime: rec.updateTime.toISOString() }],
      objectType: 'PERSON',
    };
  }
  for (const field of DATA_FIELDS) {
    const items = rec.fields[field];
    if (!include(field) || !items || items.length === 0) continue;
    out[field] = items.map((item) => renderItem(field, item, source));
  }
  if (include('memberships') && rec.groups.size > 0) {
    out.memberships = [...rec.groups].map((gid) => ({
      metadata: { source },
      contactGroupMembership: { contactGroupId: gid, contactGroupResourceName: `contactGroups/${gid}` },
    }));
  }
  return out;
}

function renderItem(field: string, item: PersonJson, source: PersonJson): PersonJson {
  const primary = (item.metadata as PersonJson | undefined)?.primary === true;
  const out: PersonJson = { ...item, metadata: primary ? { primary: true, source } : { source } };
  if (typeof item.type === 'string' && field !== 'clientData') out.formattedType = formatType(item.type);
  if (field === 'names') Object.assign(out, displayNames(item));
  return out;
}

function formatType(type: string): string {
  const words = type.replace(/([a-z])([A-Z])/g, '$1 $2');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function displayNames(name: PersonJson): PersonJson {
  const s = (k: string) => (typeof name[k] === 'string' ? (name[k] as string) : '');
  const display = [
    s('honorificPrefix'),
    s('givenName'),
    s('middleName'),
    s('familyName'),
    s('honorificSuffix'),
  ]
    .filter(Boolean)
    .join(' ');
  const first = [s('givenName'), s('middleName')].filter(Boolean).join(' ');
  const lastFirst = s('familyName') ? [s('familyName'), first].filter(Boolean).join(', ') : first;
  const out: PersonJson = {
    displayName: display || s('unstructuredName'),
    displayNameLastFirst: lastFirst || s('unstructuredName'),
  };
  if (!name.unstructuredName) out.unstructuredName = display;
  return out;
}
