import {
  createContact,
  deleteContact,
  getContact,
  listContacts,
  tagContact,
  untagContact,
  updateContact,
} from '../../app/crm/contacts.js';
import { etag } from '../../domain/crm/common.js';
import { type Contact, ContactPatchSchema, NewContactSchema } from '../../domain/crm/contact.js';
import { TagRefSchema } from '../../domain/crm/tag.js';
import type { UserContext } from '../../http/handler.js';
import { EXAMPLE_IDS, invalidExample, named, unknownExample } from '../../http/routeDoc.js';
import type { HttpResult, Route } from '../../http/router.js';
import { IF_MATCH, RECORD_ETAG } from './recordHeaders.js';

/** Contacts and their tags (docs/api.md). Every record answer carries `ETag: "<version>"`. */

const shapes = () => import('../responses.js');
const one = async () => ({ responses: { 200: (await shapes()).contact, 201: (await shapes()).contact } });

function record(contact: Contact, status = 200): HttpResult {
  return { status, body: contact, headers: { ETag: etag(contact.version) } };
}

const contactId = { id: EXAMPLE_IDS.contact };
const unknownContact = unknownExample('No contact has that id');

export const contactRoutes: Route<UserContext>[] = [
  {
    method: 'POST',
    path: '/contacts',
    doc: {
      summary: 'Create a contact',
      description:
        'A contact needs at least a name, an email, a phone or an organization; `displayName` is ' +
        'derived when not given. Tagging it with your sync tag exports it to Google on the next run.',
      success: [{ status: 201, description: 'The new contact.', headers: RECORD_ETAG }],
      errors: ['invalid_argument', 'not_found'],
      examples: [
        {
          name: 'create',
          summary: 'A contact tagged for sync',
          body: {
            givenName: 'Ada',
            familyName: 'Lovelace',
            emails: [{ address: 'ada@example.com', type: 'work', primary: true }],
            phones: [{ number: '+44 20 7946 0000', type: 'mobile' }],
            organization: { name: 'Analytical Engines Ltd', title: 'Engineer' },
            tagIds: [EXAMPLE_IDS.tag],
          },
          status: 201,
        },
        invalidExample('empty', 'A contact needs at least a name, an email, a phone or an organization', {
          body: { notes: 'who is this?' },
        }),
      ],
      schemas: async () => ({ body: named('NewContact', NewContactSchema), ...(await one()) }),
    },
    handle: async ({ caller, body }) => record(await createContact(caller, body), 201),
  },
  {
    method: 'GET',
    path: '/contacts',
    doc: {
      summary: 'List contacts',
      description: 'Every contact of the deployment (company data), or those with one tag visible to you.',
      success: [{ status: 200, description: 'A page of contacts.' }],
      errors: ['invalid_argument'],
      examples: [
        { name: 'all', summary: 'The first page', status: 200 },
        {
          name: 'tagged',
          summary: 'The contacts with one tag',
          query: { tagId: EXAMPLE_IDS.tag },
          status: 200,
        },
        invalidExample('badPageSize', 'pageSize must be a whole number from 1 to 1000', {
          query: { pageSize: '5000' },
        }),
      ],
      schemas: async () => {
        const { paging, contactPage } = await shapes();
        return {
          query: { tagId: TagRefSchema.shape.tagId.optional(), ...paging },
          responses: { 200: contactPage },
        };
      },
    },
    handle: async ({ caller, query }) => ({ status: 200, body: await listContacts(caller, query) }),
  },
  {
    method: 'GET',
    path: '/contacts/:id',
    doc: {
      summary: 'Read a contact',
      success: [{ status: 200, description: 'The contact.', headers: RECORD_ETAG }],
      errors: ['not_found'],
      examples: [{ name: 'read', summary: 'A contact', params: contactId, status: 200 }, unknownContact],
      schemas: one,
    },
    handle: async ({ caller }, { id = '' }) => record(await getContact(caller, id)),
  },
  {
    method: 'PATCH',
    path: '/contacts/:id',
    doc: {
      summary: 'Change a contact',
      description:
        'A JSON merge patch (RFC 7396) of the writable fields: `null` removes a field, lists are ' +
        'replaced whole. Read-only (`id`, `version`, …) and unknown fields are refused; tags change ' +
        'through `/contacts/{id}/tags`.',
      requestHeaders: { 'If-Match': IF_MATCH },
      success: [{ status: 200, description: 'The contact as changed.', headers: RECORD_ETAG }],
      errors: ['invalid_argument', 'not_found', 'precondition_failed'],
      examples: [
        {
          name: 'rename',
          summary: 'A new family name, if nobody changed the contact since version 1',
          params: contactId,
          headers: { 'If-Match': '"1"' },
          body: { familyName: 'King' },
          status: 200,
        },
        {
          name: 'stale',
          summary: 'The record changed since you read it; read it again and retry',
          params: contactId,
          headers: { 'If-Match': '"99"' },
          body: { familyName: 'King' },
          status: 412,
          code: 'precondition_failed',
        },
        invalidExample('readOnly', 'version is read-only', {
          params: contactId,
          body: { version: 7 },
        }),
      ],
      schemas: async () => ({ body: named('ContactPatch', ContactPatchSchema), ...(await one()) }),
    },
    handle: async ({ caller, body, ifMatch }, { id = '' }) =>
      record((await updateContact(caller, id, body, ifMatch)).record),
  },
  {
    method: 'DELETE',
    path: '/contacts/:id',
    doc: {
      summary: 'Delete a contact',
      description:
        'Removes it from the Google contact group of every user who synced it, on their next run; the ' +
        'Google contacts themselves stay (docs/behaviour.md#contact-deletion). Your own contact cannot ' +
        'be deleted (409).',
      requestHeaders: { 'If-Match': IF_MATCH },
      success: [{ status: 204, description: 'Deleted.' }],
      errors: ['not_found', 'conflict', 'precondition_failed'],
      examples: [
        { name: 'delete', summary: 'Delete a contact', params: contactId, status: 204 },
        unknownContact,
      ],
    },
    handle: async ({ caller, ifMatch }, { id = '' }) => {
      await deleteContact(caller, id, ifMatch);
      return { status: 204 };
    },
  },
  {
    // 201 when the tag was added, 200 when the contact already had it (nothing changed).
    method: 'POST',
    path: '/contacts/:id/tags',
    doc: {
      summary: 'Tag a contact',
      description:
        'Idempotent: 201 when the tag was added, 200 when the contact already had it. Your sync tag ' +
        'exports the contact to your Google Contacts on the next run.',
      requestHeaders: { 'If-Match': IF_MATCH },
      success: [
        { status: 201, description: 'Tagged; the contact.', headers: RECORD_ETAG },
        { status: 200, description: 'It already had the tag; the contact.', headers: RECORD_ETAG },
      ],
      errors: ['invalid_argument', 'not_found', 'precondition_failed'],
      examples: [
        {
          name: 'tag',
          summary: 'Add a tag',
          params: contactId,
          body: { tagId: EXAMPLE_IDS.tag },
          status: 201,
        },
        {
          name: 'unknownTag',
          summary: 'No tag visible to you has that id',
          params: contactId,
          body: { tagId: EXAMPLE_IDS.missing },
          status: 404,
          code: 'not_found',
        },
      ],
      schemas: async () => ({ body: named('TagRef', TagRefSchema), ...(await one()) }),
    },
    handle: async ({ caller, body, ifMatch }, { id = '' }) => {
      const written = await tagContact(caller, id, body, ifMatch);
      return record(written.record, written.changed ? 201 : 200);
    },
  },
  {
    method: 'DELETE',
    path: '/contacts/:id/tags/:tagId',
    doc: {
      summary: 'Untag a contact',
      description:
        'Removing your sync tag removes the contact from your Google contact group on the next run; ' +
        'the Google contact stays.',
      requestHeaders: { 'If-Match': IF_MATCH },
      success: [{ status: 204, description: 'The contact no longer has the tag.' }],
      errors: ['not_found', 'precondition_failed'],
      examples: [
        {
          name: 'untag',
          summary: 'Remove a tag',
          params: { id: EXAMPLE_IDS.contact, tagId: EXAMPLE_IDS.tag },
          status: 204,
          requires: ['taggedContact'],
        },
        unknownExample('No contact has that id', { id: EXAMPLE_IDS.missing, tagId: EXAMPLE_IDS.tag }),
      ],
    },
    handle: async ({ caller, ifMatch }, { id = '', tagId = '' }) => {
      await untagContact(caller, id, tagId, ifMatch);
      return { status: 204 };
    },
  },
];
