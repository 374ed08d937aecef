import { createTag, deleteTag, getTag, listTags } from '../../app/crm/tags.js';
import { etag } from '../../domain/crm/common.js';
import type { StoredTag } from '../../domain/crm/tag.js';
import type { UserContext } from '../../http/handler.js';
import type { HttpResult, Route } from '../../http/router.js';

/**
 * Tags (SPEC §4.3). The body is exactly `Tag {id, name, type, ownerUid?}`; the version, which
 * `DELETE` with If-Match checks, travels in the ETag header only.
 */

function tagBody({ version: _version, ...tag }: StoredTag) {
  return tag;
}

function record(tag: StoredTag, status = 200): HttpResult {
  return { status, body: tagBody(tag), headers: { ETag: etag(tag.version) } };
}

export const tagRoutes: Route<UserContext>[] = [
  {
    method: 'POST',
    path: '/tags',
    handle: async ({ caller, body }) => record(await createTag(caller, body), 201),
  },
  {
    method: 'GET',
    path: '/tags',
    handle: async ({ caller, query }) => {
      const page = await listTags(caller, query);
      return { status: 200, body: { ...page, items: page.items.map(tagBody) } };
    },
  },
  {
    method: 'GET',
    path: '/tags/:id',
    handle: async ({ caller }, { id = '' }) => record(await getTag(caller, id)),
  },
  {
    method: 'DELETE',
    path: '/tags/:id',
    handle: async ({ caller, ifMatch }, { id = '' }) => {
      await deleteTag(caller, id, ifMatch);
      return { status: 204 };
    },
  },
];
