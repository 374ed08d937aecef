import { getEmail, listEmails } from '../../adapters/firestore/emails.js';
import { pageRequest } from '../../domain/crm/paging.js';
import { invalid } from '../../domain/crm/validation.js';
import type { Email } from '../../domain/mail/email.js';
import { notFound } from '../../errors.js';

/**
 * `GET /api/emails?contactId=&mailboxId=&threadId=`, `GET /api/emails/{id}` (docs/api.md): emails are
 * company data like activities, readable by every user of the deployment.
 */

const FILTERS = ['contactId', 'mailboxId', 'threadId'] as const;
const ID = /^[A-Za-z0-9_-]{1,128}$/;

export async function listEmailsFor(query: URLSearchParams) {
  const filter: Partial<Record<(typeof FILTERS)[number], string>> = {};
  for (const name of FILTERS) {
    const value = query.get(name);
    if (value === null || value === '') continue;
    // Thread ids are message ids (or `gm:<id>`): any printable text, bounded.
    const ok = name === 'threadId' ? value.length <= 1000 && !/[\r\n]/.test(value) : ID.test(value);
    if (!ok) throw invalid({ [name]: name === 'threadId' ? 'must be a thread id' : 'must be a record id' });
    filter[name] = value;
  }
  const scope = `emails:${JSON.stringify(filter)}`;
  return listEmails(filter, pageRequest(query, scope), scope);
}

export async function emailById(id: string): Promise<Email> {
  const email = await getEmail(id);
  if (!email) throw notFound('Email');
  return email;
}
