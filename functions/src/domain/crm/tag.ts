import { z } from 'zod';
import { permissionDenied } from '../../errors.js';
import { isRecordId, text } from './common.js';
import { invalid, parseOrThrow } from './validation.js';

/**
 * Tags (docs/api.md): `personal` tags belong to one user and are invisible to everyone else (even
 * inside a contact's `tagIds`); `corporate` and `public` tags are shared and created by admins.
 */

export const TAG_TYPES = ['personal', 'corporate', 'public'] as const;
export type TagType = (typeof TAG_TYPES)[number];

export const NewTagSchema = z.strictObject({
  name: text(100),
  type: z.enum(TAG_TYPES, { error: 'must be one of personal, corporate, public' }),
});

export type NewTag = z.output<typeof NewTagSchema>;

/** Body of `POST /api/contacts/{id}/tags`: the tag to add. */
export const TagRefSchema = z.strictObject({
  tagId: z.string({ error: 'must be a tag id' }).refine(isRecordId, 'must be a tag id'),
});

/** The API shape: exactly docs/api.md `Tag {id, name, type, ownerUid?}`; its version goes in the ETag. */
export interface Tag {
  id: string;
  name: string;
  type: TagType;
  ownerUid?: string;
}

export interface StoredTag extends Tag {
  version: number;
}

export function parseNewTag(body: unknown, caller: { admin: boolean }): NewTag {
  if (body === undefined) throw invalid({ body: 'send the tag as a JSON object' });
  const tag = parseOrThrow(NewTagSchema, body);
  if (tag.type !== 'personal' && !caller.admin) {
    throw permissionDenied(`Only administrators can create ${tag.type} tags; create a personal tag instead.`);
  }
  return tag;
}

/** A personal tag exists only for its owner; shared tags exist for everyone. */
export function visibleTo(tag: Pick<Tag, 'type' | 'ownerUid'>, uid: string): boolean {
  return tag.type !== 'personal' || tag.ownerUid === uid;
}

/** Who may delete a visible tag: its owner for a personal tag, administrators for shared ones. */
export function checkCanDelete(tag: Tag, caller: { uid: string; admin: boolean }): void {
  if (tag.type !== 'personal' && !caller.admin) {
    throw permissionDenied(`Only administrators can delete ${tag.type} tags.`);
  }
}
