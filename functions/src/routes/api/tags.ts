import { createTag, deleteTag, getTag, listTags } from '../../app/crm/tags.js';
import { etag } from '../../domain/crm/common.js';
import { NewTagSchema, type StoredTag } from '../../domain/crm/tag.js';
import type { UserContext } from '../../http/handler.js';
import { EXAMPLE_IDS, named, unknownExample } from '../../http/routeDoc.js';
import type { HttpResult, Route } from '../../http/router.js';
import { IF_MATCH, RECORD_ETAG } from './recordHeaders.js';

/**
 * Tags (docs/api.md). The body is exactly `Tag {id, name, type, ownerUid?}`; the version, which
 * `DELETE` with If-Match checks, travels in the ETag header only.
 */

const shapes = () => import('../responses.js');
const one = async () => ({ responses: { 200: (await shapes()).tag, 201: (await shapes()).tag } });
const unknownTag = unknownExample('No tag visible to you has that id');

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
    doc: {
      summary: 'Create a tag',
      description:
        'Anyone may create `personal` tags (visible only to their owner, also inside `tagIds`); ' +
        '`corporate` and `public` tags are shared and created by administrators. Only personal tags sync.',
      success: [{ status: 201, description: 'The new tag.', headers: RECORD_ETAG }],
      errors: ['invalid_argument', 'permission_denied'],
      examples: [
        {
          name: 'personal',
          summary: 'A personal tag to sync with',
          body: { name: 'Google', type: 'personal' },
          status: 201,
        },
        {
          name: 'corporate',
          summary: 'Only administrators can create corporate tags',
          body: { name: 'Key accounts', type: 'corporate' },
          status: 403,
          code: 'permission_denied',
        },
      ],
      schemas: async () => ({ body: named('NewTag', NewTagSchema), ...(await one()) }),
    },
    handle: async ({ caller, body }) => record(await createTag(caller, body), 201),
  },
  {
    method: 'GET',
    path: '/tags',
    doc: {
      summary: 'List the tags visible to me',
      success: [{ status: 200, description: 'A page of tags.' }],
      errors: ['invalid_argument'],
      examples: [{ name: 'list', summary: 'The first page', status: 200 }],
      schemas: async () => {
        const { paging, tagPage } = await shapes();
        return { query: paging, responses: { 200: tagPage } };
      },
    },
    handle: async ({ caller, query }) => {
      const page = await listTags(caller, query);
      return { status: 200, body: { ...page, items: page.items.map(tagBody) } };
    },
  },
  {
    method: 'GET',
    path: '/tags/:id',
    doc: {
      summary: 'Read a tag',
      success: [{ status: 200, description: 'The tag.', headers: RECORD_ETAG }],
      errors: ['not_found'],
      examples: [
        { name: 'read', summary: 'A tag', params: { id: EXAMPLE_IDS.tag }, status: 200 },
        unknownTag,
      ],
      schemas: one,
    },
    handle: async ({ caller }, { id = '' }) => record(await getTag(caller, id)),
  },
  {
    method: 'DELETE',
    path: '/tags/:id',
    doc: {
      summary: 'Delete a tag',
      description:
        'Removes it from every contact. Deleting the tag your contact sync uses turns that sync off ' +
        'and changes nothing in Google. Owners delete personal tags, administrators shared ones.',
      requestHeaders: { 'If-Match': IF_MATCH },
      success: [{ status: 204, description: 'Deleted.' }],
      errors: ['not_found', 'permission_denied', 'precondition_failed'],
      examples: [
        { name: 'delete', summary: 'Delete a tag', params: { id: EXAMPLE_IDS.tag }, status: 204 },
        unknownTag,
      ],
    },
    handle: async ({ caller, ifMatch }, { id = '' }) => {
      await deleteTag(caller, id, ifMatch);
      return { status: 204 };
    },
  },
];
