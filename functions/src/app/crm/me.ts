import type { Caller } from '../../domain/auth/caller.js';
import { crmStore } from './store.js';

/** `GET /api/me`: the caller, with their own CRM contact (found by sign-in email, else created once). */
export async function getMe(caller: Caller) {
  const contact = await crmStore().ensureUserContact(caller);
  return { uid: caller.uid, email: caller.email ?? null, contactId: contact.id, admin: caller.admin };
}
