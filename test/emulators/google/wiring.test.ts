import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { beforeEach, describe, it } from 'mocha';
import {
  ALICE,
  CALENDAR,
  CONTACTS,
  calendarApi,
  failure,
  linkedClient,
  peopleApi,
  suiteEnv,
} from './helpers.js';

describe('Google emulator — server, Calendar wiring and control API', () => {
  const env = suiteEnv(beforeEach);

  it('when started with `npm run emulator:google -- --port 0`, then it prints READY <url> and serves the certs', async function () {
    this.timeout(30_000);
    const child = spawn('npm', ['run', '--silent', 'emulator:google', '--', '--port', '0'], {
      stdio: ['ignore', 'pipe', 'inherit'],
      detached: true,
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const m = /^READY (\S+)$/m.exec(out);
          if (m?.[1]) resolve(m[1]);
        });
        child.once('exit', (code) => reject(new Error(`exited with ${code}: ${out}`)));
      });
      const res = await fetch(`${url}/oauth2/v3/certs`);
      assert.equal(res.status, 200);
      assert.equal(((await res.json()) as { keys: unknown[] }).keys.length, 1);
    } finally {
      if (child.pid) process.kill(-child.pid, 'SIGTERM');
    }
  });

  it('when the official Calendar client calls with a calendar-scoped token, then the Calendar module answers and user actions show up', async () => {
    const { client } = await linkedClient(env.base);
    const calendar = calendarApi(env.base, client);
    const created = await env.control.calendarCreateEvent(ALICE, {
      summary: 'Made in Google Calendar',
      start: { dateTime: '2026-03-02T10:00:00Z' },
      end: { dateTime: '2026-03-02T11:00:00Z' },
    });
    const list = await calendar.events.list({ calendarId: 'primary' });
    assert.deepEqual(
      list.data.items?.map((e) => e.id),
      [created.id],
    );
    const log = await env.control.requests();
    assert.equal(log.counts['calendar.events.list'], 1);
  });

  it('when the token lacks the calendar scope, then Calendar answers 403 in its legacy error shape', async () => {
    const { client } = await linkedClient(env.base, ['openid', 'email', CONTACTS]);
    const err = await failure(calendarApi(env.base, client).events.list({ calendarId: 'primary' }));
    assert.equal(err.status, 403);
    assert.equal(err.data.error.errors[0].reason, 'insufficientPermissions');
    assert.equal(err.data.error.code, 403);
  });

  it('when a 403 rate limit is injected for Calendar, then the error uses the usageLimits domain', async () => {
    const { client } = await linkedClient(env.base, ['openid', 'email', CALENDAR]);
    await env.control.addFault({
      match: { apiMethod: 'calendar.events.*', account: ALICE },
      status: 403,
      times: 1,
    });
    const err = await failure(calendarApi(env.base, client).events.list({ calendarId: 'primary' }));
    assert.equal(err.status, 403);
    assert.deepEqual(err.data.error.errors[0], {
      domain: 'usageLimits',
      reason: 'userRateLimitExceeded',
      message: 'User Rate Limit Exceeded',
    });
  });

  it('when the user edits groups in Google, then the contactGroups sync reports the change and the deletion', async () => {
    const { client } = await linkedClient(env.base);
    const people = peopleApi(env.base, client);
    const first = await people.contactGroups.list({});
    const token = first.data.nextSyncToken ?? '';
    assert.ok(token);
    const group = await env.control.createGroup(ALICE, 'Family & friends');
    const contact = await env.control.createContact(ALICE, { names: [{ givenName: 'Gus' }] });
    await env.control.modifyGroupMembers(ALICE, String(group.resourceName), {
      add: [String(contact.resourceName)],
    });
    const changed = await people.contactGroups.list({ syncToken: token });
    assert.deepEqual(
      changed.data.contactGroups?.map((g) => [g.name, g.memberCount]),
      [['Family & friends', 1]],
    );
    await env.control.deleteGroup(ALICE, String(group.resourceName));
    const deleted = await people.contactGroups.list({ syncToken: changed.data.nextSyncToken ?? '' });
    assert.equal(deleted.data.contactGroups?.[0]?.metadata?.deleted, true);
  });

  it('when the state is dumped, then it shows accounts, clients, grants and contacts', async () => {
    await linkedClient(env.base);
    await env.control.createContact(ALICE, { names: [{ givenName: 'Dumped' }] });
    // biome-ignore lint/suspicious/noExplicitAny: reading the JSON dump
    const dump = (await env.control.dump()) as Record<string, any>;
    assert.equal(dump.accounts[0].email, ALICE);
    assert.equal(dump.grants[0].email, ALICE);
    assert.equal(dump.people[ALICE].contacts[0].names[0].givenName, 'Dumped');
    assert.ok(dump.calendar);
  });

  it('when a path is unknown, then the emulator answers 404', async () => {
    assert.equal((await fetch(`${env.base}/nothing/here`)).status, 404);
    assert.equal((await fetch(`${env.base}/__emulator/nothing`)).status, 404);
  });
});
