import assert from 'node:assert/strict';
import { after, before, describe, it } from 'mocha';
import { wirePubSubPush } from '../../scripts/local/wiring.js';
import { api } from '../support/api.js';
import type { TestUser } from '../support/users.js';
import { calendarCalls, liveEventsOf } from './activity-sync-support.js';
import { googleContacts, googleCreate, googleFind, peopleCalls, syncGroup } from './contact-sync-support.js';
import { control, resetToConfiguredApp, type SuiteUsers, suiteUsers } from './linking-support.js';
import {
  linkGoogleAccount,
  pausePushDelivery,
  personalTag,
  putSyncSettings,
  syncNow,
  waitForFinishedRun,
} from './sync-support.js';

/**
 * The product as a user meets it (issue #4's "link an emulated Google account and sync with it", and
 * the README's local walkthrough), through the external contract only: HTTP calls, Pub/Sub push to
 * `syncUser` as wired by `npm start`, and the Google emulator acting as the user in Google's UI.
 */
describe('Walkthrough: link a Google account and sync both ways through syncNow', function () {
  this.timeout(120_000);
  let users: SuiteUsers;
  let user: TestUser;
  let unwire: () => Promise<void>;

  before(async () => {
    users = await suiteUsers();
    user = users.user;
    await resetToConfiguredApp(users.stack, users.admin);
    await wirePubSubPush(users.stack.projectId, users.stack.baseUrl);
    // pausePushDelivery removes the push subscription again when the suite is done.
    unwire = async () => void (await pausePushDelivery(users.stack));
  });

  after(async () => {
    await unwire();
  });

  async function runSyncNow() {
    const queued = await syncNow(user);
    assert.equal(queued.status, 202, JSON.stringify(queued.json));
    return waitForFinishedRun(user, queued.json.runId);
  }

  it('when a user links, tags, configures and runs sync, then Google and the CRM agree, and a quiet run costs one call per kind', async () => {
    await linkGoogleAccount(users.stack, user);
    const tagId = await personalTag(user);
    const me = (await api(user, 'GET', '/me')).json;
    const ada = await api(user, 'POST', '/contacts', {
      givenName: 'Ada',
      familyName: 'Lovelace',
      emails: [{ address: 'ada@example.org', type: 'work' }],
      tagIds: [tagId],
    });
    assert.equal(ada.status, 201);
    const meeting = await api(user, 'POST', '/activities', {
      title: 'Engine review',
      start: '2030-03-04T10:00:00+01:00',
      end: '2030-03-04T11:00:00+01:00',
      timeZone: 'Europe/Paris',
      showInCalendar: true,
      organizerContactId: me.contactId,
    });
    assert.equal(meeting.status, 201);
    await putSyncSettings(user, {
      contacts: { autoSync: false, periodMinutes: 60, tagId },
      activities: { autoSync: false, periodMinutes: 60, syncSince: '2030-01-01' },
    });

    // First run: the CRM's contact and meeting reach Google.
    const first = await runSyncNow();
    assert.equal(first.status, 'succeeded', JSON.stringify(first));
    assert.equal(first.counts.contacts?.toGoogle.created, 1);
    assert.equal(first.counts.activities?.toGoogle.created, 1);
    const group = await syncGroup(users.stack, user.email);
    assert.equal(group.name, 'Creatio');
    const [adaInGoogle, ...otherPeople] = await googleContacts(users.stack, user.email);
    assert.deepEqual(otherPeople, []);
    assert.equal(adaInGoogle?.emailAddresses?.[0]?.value, 'ada@example.org');
    const [eventInGoogle, ...otherEvents] = await liveEventsOf(users.stack, user.email);
    assert.deepEqual(otherEvents, []);
    assert.equal(eventInGoogle.summary, 'Engine review');
    assert.equal(Date.parse(eventInGoogle.start.dateTime), Date.parse('2030-03-04T09:00:00Z'));

    // The user works in Google: edits Ada, adds a contact to the group and a meeting to the calendar.
    await control(users.stack).updateContact(user.email, adaInGoogle?.resourceName ?? '', {
      phoneNumbers: [{ value: '+44 20 7946 0000', type: 'work' }],
    });
    await googleCreate(
      users.stack,
      user.email,
      { names: [{ givenName: 'Charles', familyName: 'Babbage' }] },
      group.resourceName ?? '',
    );
    await control(users.stack).calendarCreateEvent(user.email, {
      summary: 'Lunch with Charles',
      start: { dateTime: '2030-03-05T12:00:00Z' },
      end: { dateTime: '2030-03-05T13:00:00Z' },
    });

    const second = await runSyncNow();
    assert.equal(second.status, 'succeeded', JSON.stringify(second));
    const tagged = (await api(user, 'GET', `/contacts?tagId=${tagId}`)).json.items;
    assert.deepEqual(tagged.map((c: { displayName: string }) => c.displayName).sort(), [
      'Ada Lovelace',
      'Charles Babbage',
    ]);
    const adaNow = (await api(user, 'GET', `/contacts/${ada.json.id}`)).json;
    assert.deepEqual(adaNow.phones, [{ number: '+44 20 7946 0000', type: 'work' }]);
    const titles = (
      await api(user, 'GET', '/activities?from=2030-03-01T00:00:00Z&to=2030-04-01T00:00:00Z')
    ).json.items
      .map((a: { title: string }) => a.title)
      .sort();
    assert.deepEqual(titles, ['Engine review', 'Lunch with Charles']);
    assert.equal(googleFind(await googleContacts(users.stack, user.email), 'Charles').length, 1);

    // Nothing changed since: one list call per kind (docs/behaviour.md#incremental-contact-sync, docs/behaviour.md#incremental-activity-sync), and nothing written.
    await control(users.stack).clearRequests();
    const quiet = await runSyncNow();
    assert.equal(quiet.status, 'succeeded', JSON.stringify(quiet));
    assert.deepEqual(await peopleCalls(users.stack, user.email), { 'people.people.connections.list': 1 });
    assert.deepEqual(await calendarCalls(users.stack, user.email), { 'calendar.events.list': 1 });
    for (const kind of ['contacts', 'activities'] as const) {
      assert.deepEqual(quiet.counts[kind]?.toGoogle, { created: 0, updated: 0, removed: 0 });
    }
    const settings = (await api(user, 'GET', '/me/sync-settings')).json;
    assert.ok(Date.parse(settings.lastSync.contacts) >= Date.parse(quiet.startedAt ?? ''));
    assert.ok(Date.parse(settings.lastSync.activities) >= Date.parse(quiet.startedAt ?? ''));
  });
});
