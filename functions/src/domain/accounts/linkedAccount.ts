import type { SealedValue } from './sealedValue.js';

/**
 * A linked Google account (docs/behaviour.md#linking), as the sync and the linking flow see it. It is stored at
 * `users/{uid}/linkedAccounts/{accountId}` (adapters/firestore/accounts.ts); the refresh token only
 * ever sealed.
 */

export type AccountStatus = 'active' | 'reauthRequired';

export interface LinkedAccountRecord {
  id: string;
  uid: string;
  provider: 'google';
  email: string;
  /** Google's stable account id (`sub`); the email can change, this cannot. */
  googleSub: string;
  hostedDomain: string | null;
  scopes: string[];
  missing: string[];
  capabilities: { contacts: boolean; calendar: boolean };
  /** The OAuth client the grant belongs to: refresh tokens work only with the client that issued them. */
  clientId: string;
  status: AccountStatus;
  /** Why the account needs to be linked again (`invalid_grant`), when it does. */
  statusReason: string | null;
  refreshToken: SealedValue;
  linkedAt: Date;
  updatedAt: Date;
}

export type NewLinkedAccount = Omit<
  LinkedAccountRecord,
  'id' | 'linkedAt' | 'updatedAt' | 'status' | 'statusReason'
>;
