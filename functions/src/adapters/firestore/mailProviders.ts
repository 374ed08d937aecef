import type { ServerEndpoint } from '../../domain/mail/email.js';
import { firestore } from './client.js';

/**
 * The administrator's edits of the mail provider directory (docs/behaviour.md#mail-providers): `mailProviders/{id}`.
 * Only what the administrator saved is stored; the preset fills in a provider never saved. The
 * Client Secret is never here (Secret Manager).
 */

export const MAIL_PROVIDERS = 'mailProviders';

export interface StoredMailProvider {
  name: string;
  imap: ServerEndpoint;
  smtp: ServerEndpoint;
  loginFormat: 'mailbox';
  auth: 'oauth2';
  clientId: string | null;
  appendSentCopy: boolean;
}

export async function readMailProvider(id: string): Promise<StoredMailProvider | undefined> {
  const snapshot = await firestore().collection(MAIL_PROVIDERS).doc(id).get();
  if (!snapshot.exists) return undefined;
  const {
    updatedAt: _updatedAt,
    updatedBy: _updatedBy,
    ...stored
  } = snapshot.data() as StoredMailProvider & {
    updatedAt?: unknown;
    updatedBy?: unknown;
  };
  return stored;
}

export async function saveMailProvider(id: string, provider: StoredMailProvider, updatedBy: string) {
  await firestore()
    .collection(MAIL_PROVIDERS)
    .doc(id)
    .set({ ...provider, updatedAt: new Date(), updatedBy });
}
