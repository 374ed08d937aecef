import { log } from '../../logging.js';
import type { CrmStore, OwnContactUser } from '../../ports/crmStore.js';

/**
 * docs/api.md: the user's own CRM contact carries, once linked, the Google account's email, so that
 * organizer and attendee matching (docs/behaviour.md#activities) finds the user by either address.
 */

/** The deployment's CRM store, loaded on first use (the callback needs it only after a link). */
export async function crmStoreForLinking(): Promise<CrmStore> {
  const { crmStore } = await import('../crm/store.js');
  return crmStore();
}

/** Adds `googleEmail` to the user's own contact (created if needed); a no-op when it is already there. */
export async function addGoogleEmailToOwnContact(
  store: CrmStore,
  user: OwnContactUser,
  googleEmail: string,
): Promise<void> {
  const contact = await store.ensureUserContact(user);
  const address = googleEmail.toLowerCase();
  if (contact.emails.some((email) => email.address.toLowerCase() === address)) return;
  await store.updateContact(
    contact.id,
    { emails: [...contact.emails, { address, type: 'Google' }] },
    { actor: { uid: user.uid, admin: false, by: 'user' } },
  );
}

/** Best effort: a CRM hiccup must not undo a completed link, so failures are logged, not thrown. */
export async function recordGoogleEmailOnOwnContact(
  user: OwnContactUser,
  googleEmail: string,
): Promise<void> {
  try {
    await addGoogleEmailToOwnContact(await crmStoreForLinking(), user, googleEmail);
  } catch (error) {
    log.warn("could not add the Google email to the user's own contact", { uid: user.uid, error });
  }
}
