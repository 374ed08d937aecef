/**
 * The three-way merge of one linked record (docs/behaviour.md#conflicts, docs/behaviour.md#incremental-activity-sync): each side is compared with the
 * snapshot both sides had at the last sync (the base). A field changed on one side only takes that
 * side's value, so edits to different fields on both sides are all kept. A field changed on both
 * sides to different values is a true conflict: the later change wins (CRM `modifiedAt` against
 * Google's update time; a tie goes to the CRM) and the losing value is reported.
 *
 * Without a base (the first time two records are linked, e.g. matched by email) nothing is known
 * about who changed what: a value present on one side only is kept, and different values on both
 * sides are a conflict decided by time, as above.
 *
 * Values are compared by content (canonical JSON), with absent, null, empty strings and empty lists
 * all meaning "no value", because each side spells "nothing" its own way.
 */

export type FieldValues<Field extends string> = Partial<Record<Field, unknown>>;

export interface MergeInput<Field extends string> {
  fields: readonly Field[];
  base: FieldValues<Field> | undefined;
  crm: FieldValues<Field>;
  google: FieldValues<Field>;
  /** Milliseconds since the epoch of each side's last change. */
  crmChangedAt: number;
  googleChangedAt: number;
}

export interface FieldConflict<Field extends string> {
  field: Field;
  crmValue: unknown;
  googleValue: unknown;
  winner: 'crm' | 'google';
}

export interface MergeResult<Field extends string> {
  merged: FieldValues<Field>;
  /** Fields whose merged value differs from the CRM's: to write to the CRM. */
  crmUpdates: Field[];
  /** Fields whose merged value differs from Google's: to write to Google. */
  googleUpdates: Field[];
  conflicts: FieldConflict<Field>[];
}

function isEmpty(value: unknown): boolean {
  return (
    value === undefined ||
    value === null ||
    value === '' ||
    (Array.isArray(value) && value.length === 0) ||
    (typeof value === 'object' && !Array.isArray(value) && Object.keys(value as object).length === 0)
  );
}

/** JSON with object keys sorted and empty values dropped, so equal content compares equal. */
export function canonicalJson(value: unknown): string {
  const normalize = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(normalize);
    if (v && typeof v === 'object') {
      const entries = Object.entries(v as Record<string, unknown>)
        .filter(([, inner]) => !isEmpty(inner))
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([key, inner]) => [key, normalize(inner)]);
      return Object.fromEntries(entries);
    }
    return v;
  };
  return isEmpty(value) ? '' : JSON.stringify(normalize(value));
}

export const sameValue = (a: unknown, b: unknown) => canonicalJson(a) === canonicalJson(b);

export function threeWayMerge<Field extends string>(input: MergeInput<Field>): MergeResult<Field> {
  const merged: FieldValues<Field> = {};
  const conflicts: FieldConflict<Field>[] = [];
  const laterSide = input.googleChangedAt > input.crmChangedAt ? 'google' : 'crm';
  for (const field of input.fields) {
    const crm = input.crm[field];
    const google = input.google[field];
    let value: unknown;
    if (sameValue(crm, google)) {
      value = crm;
    } else if (input.base) {
      const crmChanged = !sameValue(crm, input.base[field]);
      const googleChanged = !sameValue(google, input.base[field]);
      if (crmChanged && !googleChanged) value = crm;
      else if (googleChanged && !crmChanged) value = google;
      else value = decide(field, crm, google, laterSide, conflicts);
    } else if (isEmpty(crm)) {
      value = google;
    } else if (isEmpty(google)) {
      value = crm;
    } else {
      value = decide(field, crm, google, laterSide, conflicts);
    }
    if (!isEmpty(value)) merged[field] = value;
  }
  return {
    merged,
    crmUpdates: input.fields.filter((field) => !sameValue(merged[field], input.crm[field])),
    googleUpdates: input.fields.filter((field) => !sameValue(merged[field], input.google[field])),
    conflicts,
  };
}

function decide<Field extends string>(
  field: Field,
  crm: unknown,
  google: unknown,
  winner: 'crm' | 'google',
  conflicts: FieldConflict<Field>[],
): unknown {
  conflicts.push({ field, crmValue: crm ?? null, googleValue: google ?? null, winner });
  return winner === 'crm' ? crm : google;
}
