/** The API's shapes the console reads (docs/api.md "Shapes"), as far as it uses them. */

export interface Me {
  uid: string;
  email: string;
  contactId: string;
  admin: boolean;
}

export interface Tag {
  id: string;
  name: string;
  type: 'personal' | 'corporate' | 'public';
}

export interface Contact {
  id: string;
  givenName?: string;
  familyName?: string;
  displayName: string;
  emails: Array<{ address: string; type: string; primary?: boolean }>;
  phones: Array<{ number: string; type: string }>;
  organization?: { name?: string; title?: string; department?: string };
  notes?: string;
  tagIds: string[];
  version: number;
}

export interface Activity {
  id: string;
  title: string;
  location?: string;
  start: string;
  end: string;
  allDay: boolean;
  showInCalendar: boolean;
  status: string;
}

export type AccountStatus = 'active' | 'reauthRequired';

export interface LinkedAccount {
  id: string;
  email: string;
  missing: string[];
  capabilities: { contacts: boolean; calendar: boolean };
  status: AccountStatus;
  linkedAt: string;
}

export interface Mailbox {
  id: string;
  providerId: string;
  email: string;
  status: AccountStatus;
  linkedAt: string;
  autoSync: boolean;
  periodMinutes: number;
  syncSince: string;
  folders: string[];
  lastSync?: string;
}

export interface SyncSettings {
  contacts: { autoSync: boolean; periodMinutes: number; tagId: string | null };
  activities: { autoSync: boolean; periodMinutes: number; syncSince: string | null };
  lastSync: { contacts: string | null; activities: string | null };
}

export interface SyncRun {
  id: string;
  trigger: string;
  kinds: string[];
  status: 'queued' | 'running' | 'succeeded' | 'partial' | 'failed';
  queuedAt: string;
  startedAt?: string;
  finishedAt?: string;
  counts: Record<string, Record<string, number | Record<string, number>>>;
  conflicts: Array<{
    kind: string;
    recordId: string;
    field: string;
    crmValue: unknown;
    googleValue: unknown;
    winner: 'crm' | 'google';
  }>;
  errors: Array<{ kind: string; recordId?: string; code: string; message: string }>;
  error?: { code: string; message: string };
}

export interface Email {
  id: string;
  from: { address: string; name?: string };
  to: Array<{ address: string; name?: string }>;
  subject: string;
  sentAt: string;
  direction: 'incoming' | 'outgoing';
  bodyText: string;
  bodyTruncated: boolean;
  attachments: Array<{ filename: string; contentType: string; size: number }>;
}

export interface GoogleSettings {
  clientId: string | null;
  clientSecretSet: boolean;
  useSharedApp: boolean;
  allowedDomains: string[];
}

export interface Schedule {
  paused: boolean;
  schedule: string;
  timeZone: string;
  lastAttemptTime?: string;
}

export interface Endpoint {
  host: string;
  port: number;
  security: 'ssl' | 'starttls' | 'none';
}

export interface MailProvider {
  id: string;
  name: string;
  imap: Endpoint;
  smtp: Endpoint;
  loginFormat: string;
  auth: string;
  clientId: string;
  clientSecretSet: boolean;
  appendSentCopy: boolean;
}

export const PERIOD_MINUTES = [5, 10, 15, 30, 60, 120, 240, 480, 720, 1440] as const;
