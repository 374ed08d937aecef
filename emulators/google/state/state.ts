import type { CalendarLike } from '../calendar-bridge.js';
import { createCalendar } from '../calendar-bridge.js';
import { EmulatorClock, type Now } from '../clock.js';
import { FaultInjector } from '../faults.js';
import { SigningKey } from '../oauth/keys.js';
import { OAuthStore } from '../oauth/store.js';
import { renderGroup } from '../people/groups.js';
import { renderPerson } from '../people/person.js';
import { PeopleAccount } from '../people/store.js';
import { PushChannels } from '../push/channels.js';
import { NotificationSender } from '../push/delivery.js';
import { RequestLog } from '../requestLog.js';
import {
  type Account,
  type AccountInput,
  DEFAULT_ACCOUNT_EMAIL,
  makeAccount,
  type OAuthClientRecord,
} from './accounts.js';

export interface EmulatorSeed {
  accounts?: AccountInput[];
  clients?: OAuthClientRecord[];
}

/** The whole in-memory state of the emulator. */
export class EmulatorState {
  readonly clock: EmulatorClock;
  readonly key = new SigningKey();
  readonly accounts = new Map<string, Account>();
  readonly clients = new Map<string, OAuthClientRecord>();
  readonly oauth = new OAuthStore();
  readonly people = new Map<string, PeopleAccount>();
  readonly faults = new FaultInjector();
  readonly log = new RequestLog();
  readonly calendar: CalendarLike;
  /** Calendar push notifications: the channels, and the sender that posts their messages. */
  readonly push: PushChannels;
  readonly notifications: NotificationSender;

  constructor(options: { now?: Now; seed?: EmulatorSeed } = {}) {
    this.clock = new EmulatorClock(options.now);
    this.calendar = createCalendar(this.clock.now);
    this.notifications = new NotificationSender(this.clock.now);
    this.push = new PushChannels(() => this.clock.now().getTime(), this.notifications.send);
    this.calendar.onChange((calendarEmail) => this.push.changed(calendarEmail));
    this.seed = options.seed ?? {};
    this.applySeed();
  }

  private readonly seed: EmulatorSeed;

  readonly now = (): Date => this.clock.now();

  private applySeed(): void {
    for (const a of this.seed.accounts ?? []) this.addAccount(a);
    for (const c of this.seed.clients ?? []) this.addClient(c);
  }

  /** Back to the start: no data, no grants, no faults, empty log; the startup seed is applied again. */
  reset(): void {
    this.accounts.clear();
    this.clients.clear();
    this.oauth.reset();
    this.people.clear();
    this.faults.remove();
    this.log.clear();
    this.clock.resetOffset();
    this.calendar.reset();
    this.push.reset();
    this.notifications.reset();
    this.applySeed();
  }

  addAccount(input: AccountInput): Account {
    if (!input.email?.includes('@')) throw new Error('An account needs an email address.');
    const account = makeAccount(input);
    this.accounts.set(account.email.toLowerCase(), account);
    this.peopleFor(account.email);
    this.calendar.ensureAccount(account.email);
    return account;
  }

  account(email: string): Account | undefined {
    return this.accounts.get(email.toLowerCase());
  }

  /** The account the authorization endpoint consents for when no `login_hint` names one. */
  defaultAccount(): Account {
    const first = this.accounts.values().next();
    return first.done ? this.addAccount({ email: DEFAULT_ACCOUNT_EMAIL }) : first.value;
  }

  addClient(client: OAuthClientRecord): OAuthClientRecord {
    if (!client.clientId || !client.clientSecret)
      throw new Error('A client needs clientId and clientSecret.');
    const record = { ...client, redirectUris: [...(client.redirectUris ?? [])] };
    this.clients.set(record.clientId, record);
    return record;
  }

  peopleFor(email: string): PeopleAccount {
    const key = email.toLowerCase();
    let data = this.people.get(key);
    if (!data) {
      data = new PeopleAccount(this.now);
      this.people.set(key, data);
    }
    return data;
  }

  dump(): Record<string, unknown> {
    const people: Record<string, unknown> = {};
    for (const [email, data] of this.people) {
      const all = new Set(['metadata']);
      people[email] = {
        seq: data.seq,
        contacts: [...data.contacts.values()].map((c) => ({
          ...renderPerson(c, 'all'),
          ...(c.deleted ? {} : { metadata: renderPerson(c, all).metadata }),
          changeSeq: c.changeSeq,
        })),
        contactGroups: [...data.groups.values()].map((g) => ({
          ...renderGroup(
            data,
            g,
            new Set(['clientData', 'groupType', 'memberCount', 'metadata', 'name']),
            1e6,
          ),
          changeSeq: g.changeSeq,
        })),
      };
    }
    return {
      now: this.now().toISOString(),
      accounts: [...this.accounts.values()],
      clients: [...this.clients.values()].map((c) => ({
        clientId: c.clientId,
        redirectUris: c.redirectUris,
      })),
      grants: [...this.oauth.grants.values()].map((g) => ({
        clientId: g.clientId,
        email: g.email,
        scopes: [...g.scopes],
        revoked: g.revoked,
      })),
      faults: this.faults.list(),
      people,
      calendar: this.calendar.dump(),
      pushChannels: this.push.list(),
    };
  }
}
