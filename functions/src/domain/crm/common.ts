import { z } from 'zod';

/** Field rules shared by the CRM records (lengths chosen to fit Google's own limits with margin). */

export const text = (max: number) =>
  z
    .string({ error: 'must be a string' })
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`);

export const EMAIL_MAX = 320;

export const emailAddress = z
  .string({ error: 'must be a string' })
  .max(EMAIL_MAX, `must be at most ${EMAIL_MAX} characters`)
  .pipe(z.email({ error: 'must be a valid email address' }));

/**
 * A record id as the store generates them: letters, digits, `_` and `-`, and never of the form
 * `__.*__`, which Firestore reserves and refuses as a document id
 * (https://firebase.google.com/docs/firestore/quotas#collections_documents_and_fields).
 */
const RECORD_ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;

export function isRecordId(value: string): boolean {
  return RECORD_ID_PATTERN.test(value) && !/^__.*__$/.test(value);
}

export const recordId = z.string({ error: 'must be a string' }).refine(isRecordId, 'must be a record id');

/** Free-form kind labels (`home`, `work`, `mobile`, or a custom one as Google allows). */
export const label = text(50).default('other');

/** Metadata every record carries; the server alone sets it. */
export const READ_ONLY_FIELDS = ['id', 'createdAt', 'modifiedAt', 'version'] as const;

export interface RecordMeta {
  id: string;
  createdAt: string;
  modifiedAt: string;
  version: number;
}

/** The actor behind a write: a user through the API, or the sync acting for a user. */
export interface Actor {
  uid: string;
  admin: boolean;
  /** `sync` marks writes of the sync itself, which that user's change feed skips (no ping-pong). */
  by: 'user' | 'sync';
}

export function etag(version: number): string {
  return `"${version}"`;
}
