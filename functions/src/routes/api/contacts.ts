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
import type { Contact } from '../../domain/crm/contact.js';
import type { UserContext } from '../../http/handler.js';
import type { HttpResult, Route } from '../../http/router.js';

/** Contacts and their tags (SPEC §4.3). Every record answer carries `ETag: "<version>"`. */

function record(contact: Contact, status = 200): HttpResult {
  return { status, body: contact, headers: { ETag: etag(contact.version) } };
}

export const contactRoutes: Route<UserContext>[] = [
  {
    method: 'POST',
    path: '/contacts',
    handle: async ({ caller, body }) => record(await createContact(caller, body), 201),
  },
  {
    method: 'GET',
    path: '/contacts',
    handle: async ({ caller, query }) => ({ status: 200, body: await listContacts(caller, query) }),
  },
  {
    method: 'GET',
    path: '/contacts/:id',
    handle: async ({ caller }, { id = '' }) => record(await getContact(caller, id)),
  },
  {
    method: 'PATCH',
    path: '/contacts/:id',
    handle: async ({ caller, body, ifMatch }, { id = '' }) =>
      record((await updateContact(caller, id, body, ifMatch)).record),
  },
  {
    method: 'DELETE',
    path: '/contacts/:id',
    handle: async ({ caller, ifMatch }, { id = '' }) => {
      await deleteContact(caller, id, ifMatch);
      return { status: 204 };
    },
  },
  {
    // 201 when the tag was added, 200 when the contact already had it (nothing changed).
    method: 'POST',
    path: '/contacts/:id/tags',
    handle: async ({ caller, body, ifMatch }, { id = '' }) => {
      const written = await tagContact(caller, id, body, ifMatch);
      return record(written.record, written.changed ? 201 : 200);
    },
  },
  {
    method: 'DELETE',
    path: '/contacts/:id/tags/:tagId',
    handle: async ({ caller, ifMatch }, { id = '', tagId = '' }) => {
      await untagContact(caller, id, tagId, ifMatch);
      return { status: 204 };
    },
  },
];
