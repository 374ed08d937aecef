import type { Contact } from '../../../domain/crm/contact.js';
import { decodePageToken, listScope, MAX_PAGE_SIZE, type PagePosition } from '../../../domain/crm/paging.js';
import { unlessNotFound } from '../runs/faults.js';
import type { ContactRun } from './run.js';

/** Reads of the CRM side that the contact sync's steps share. */

/** The CRM contact, or undefined when it was deleted. */
export function readContact(run: ContactRun, crmId: string): Promise<Contact | undefined> {
  return unlessNotFound(run.crm.getContact(crmId, run.actor));
}

/** The user's tagged CRM contacts, a page at a time. */
export async function* taggedContacts(run: ContactRun): AsyncGenerator<Contact[]> {
  let after: PagePosition | undefined;
  for (;;) {
    const page = await run.crm.listContacts({ tagId: run.tagId, pageSize: MAX_PAGE_SIZE, after }, run.actor);
    if (page.items.length > 0) yield page.items;
    if (!page.nextPageToken) return;
    after = decodePageToken(listScope.contacts(run.tagId), page.nextPageToken);
  }
}
