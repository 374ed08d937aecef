/** A small typed client for the emulator's control API (`/__emulator/…`), for tests and the local stack. */
import type { FaultInput } from './faults.js';
import type { ConsentDirective } from './oauth/store.js';
import type { Channel } from './push/channels.js';
import type { Delivery } from './push/delivery.js';
import type { RequestLogSummary } from './requestLog.js';
import type { Account, AccountInput, OAuthClientRecord } from './state/accounts.js';

export class GoogleEmulatorControl {
  constructor(readonly baseUrl: string) {}

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.baseUrl}/__emulator${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const data = text ? JSON.parse(text) : undefined;
    if (!res.ok) throw new Error(`Control API ${method} ${path} failed: ${res.status} ${text}`);
    return data as T;
  }

  reset = () => this.call<void>('POST', '/reset');
  dump = () => this.call<Record<string, unknown>>('GET', '/state');
  createAccount = (input: AccountInput) => this.call<Account>('POST', '/accounts', input);
  createClient = (client: OAuthClientRecord) => this.call<OAuthClientRecord>('POST', '/clients', client);
  /** Queues the consent decision(s) for the next authorization request(s). */
  queueConsent = (...directives: ConsentDirective[]) => this.call<void>('POST', '/oauth/consent', directives);
  revokeGrant = (email: string, clientId?: string) =>
    this.call<{ revoked: number }>('POST', '/oauth/revoke', { email, clientId });
  expireAccessTokens = (email?: string) =>
    this.call<{ expired: number }>('POST', '/oauth/expire-access-tokens', { email });
  advanceClock = (ms: number) => this.call<{ now: string }>('POST', '/clock/advance', { ms });
  addFault = (fault: FaultInput) => this.call<{ id: string }>('POST', '/faults', fault);
  clearFaults = () => this.call<void>('DELETE', '/faults');
  requests = (options: { account?: string; entries?: boolean } = {}) => {
    const q = new URLSearchParams();
    if (options.account) q.set('account', options.account);
    if (options.entries) q.set('entries', 'true');
    return this.call<RequestLogSummary>('GET', `/requests${q.size ? `?${q}` : ''}`);
  };
  clearRequests = () => this.call<void>('DELETE', '/requests');

  // Acting as the user in Google Contacts.
  private p = (email: string) => `/people/${encodeURIComponent(email)}`;
  createContacts = (email: string, contacts: object[]) =>
    this.call<{ resourceNames: string[] }>('POST', `${this.p(email)}/contacts:bulk`, { contacts });
  createContact = (email: string, person: object) =>
    this.call<Record<string, unknown>>('POST', `${this.p(email)}/contacts`, person);
  getContact = (email: string, id: string) =>
    this.call<Record<string, unknown>>('GET', `${this.p(email)}/contacts/${id.replace(/^people\//, '')}`);
  updateContact = (email: string, id: string, patch: object) =>
    this.call<Record<string, unknown>>(
      'PATCH',
      `${this.p(email)}/contacts/${id.replace(/^people\//, '')}`,
      patch,
    );
  deleteContact = (email: string, id: string) =>
    this.call<void>('DELETE', `${this.p(email)}/contacts/${id.replace(/^people\//, '')}`);
  createGroup = (email: string, name: string, clientData?: { key: string; value: string }[]) =>
    this.call<Record<string, unknown>>('POST', `${this.p(email)}/contactGroups`, { name, clientData });
  updateGroup = (email: string, id: string, patch: { name?: string; clientData?: object[] }) =>
    this.call<Record<string, unknown>>('PATCH', `${this.p(email)}/contactGroups/${groupId(id)}`, patch);
  deleteGroup = (email: string, id: string, deleteContacts = false) =>
    this.call<void>(
      'DELETE',
      `${this.p(email)}/contactGroups/${groupId(id)}?deleteContacts=${deleteContacts}`,
    );
  modifyGroupMembers = (email: string, id: string, change: { add?: string[]; remove?: string[] }) =>
    this.call<Record<string, unknown>>(
      'POST',
      `${this.p(email)}/contactGroups/${groupId(id)}/members`,
      change,
    );
  expirePeopleSyncTokens = (email?: string) =>
    this.call<void>('POST', '/people/expire-sync-tokens', { email });

  // Acting as the user in Google Calendar (forwarded to the Calendar module).
  private c = (email: string) => `/calendar/${encodeURIComponent(email)}/events`;
  calendarCreateEvents = (email: string, events: object[]) =>
    this.call<{ ids: string[] }>('POST', `${this.c(email)}:bulk`, { events });
  calendarCreateEvent = (email: string, event: object) =>
    this.call<Record<string, unknown>>('POST', this.c(email), event);
  calendarUpdateEvent = (email: string, eventId: string, patch: object) =>
    this.call<Record<string, unknown>>('PATCH', `${this.c(email)}/${eventId}`, patch);
  calendarCancelEvent = (email: string, eventId: string) =>
    this.call<void>('DELETE', `${this.c(email)}/${eventId}`);
  calendarRespond = (email: string, eventId: string, response: string) =>
    this.call<void>('POST', `${this.c(email)}/${eventId}/respond`, { response });
  expireCalendarSyncTokens = (email?: string) =>
    this.call<void>('POST', '/calendar/expire-sync-tokens', { email });

  // Calendar push notifications (events.watch channels and what was delivered on them).
  pushChannels = () => this.call<Channel[]>('GET', '/push/channels');
  pushDeliveries = (channelId?: string) =>
    this.call<Delivery[]>(
      'GET',
      `/push/deliveries${channelId ? `?channelId=${encodeURIComponent(channelId)}` : ''}`,
    );
}

const groupId = (id: string) => id.replace(/^contactGroups\//, '');
