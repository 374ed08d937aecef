import assert from 'node:assert/strict';
import type { TestStack } from '../support/stack.js';
import { createUser, type TestUser } from '../support/users.js';
import {
  type CalendarUser,
  calendarCalls,
  createActivity,
  getActivity,
  liveEventsOf,
  patchActivity,
  runSync,
  withCalendar,
} from './activity-sync-support.js';
import { control, resetToConfiguredApp, suiteUsers } from './linking-support.js';

/**
 * docs/behaviour.md#collective-activities: "Changes the organizer makes to a collective activity in the CRM appear in Google …
 * Changes by non-organizers are not pushed to the organizer's event." Two linked CRM users, Alice
 * (organizer) and Bob (participant), each with their own calendar and sync; every rule is checked
 * with both orders of their runs, because each run reads the other user's CRM edits in its feed.
 */
describe('activity sync: only the organizer’s CRM edits reach the organizer’s event (docs/behaviour.md#collective-activities)', function () {
  this.timeout(120_000);
  let stack: TestStack;
  let admin: TestUser;
  let alice: CalendarUser;
  let bob: CalendarUser;

  before(async () => {
    ({ stack, admin } = await suiteUsers());
  });

  beforeEach(async () => {
    await resetToConfiguredApp(stack, admin);
    alice = await withCalendar(stack, await createUser(stack));
    bob = await withCalendar(stack, await createUser(stack));
  });

  /** A meeting Alice organizes with Bob, exported by Alice's run and linked by Bob's. */
  async function sharedMeeting(): Promise<string> {
    const activity = await createActivity(alice, {
      title: 'Quarterly review',
      start: '2030-03-04T10:00:00+01:00',
      end: '2030-03-04T11:00:00+01:00',
      timeZone: 'Europe/Paris',
      showInCalendar: true,
      organizerContactId: alice.contactId,
      participants: [{ email: bob.googleEmail }],
    });
    await runSync(alice);
    await runSync(bob);
    return activity.id;
  }

  const organizerEvent = async () => {
    const events = await liveEventsOf(stack, alice.googleEmail);
    assert.equal(events.length, 1, 'one event in the organizer calendar');
    return events[0];
  };

  for (const order of [
    ['alice', 'bob'],
    ['bob', 'alice'],
  ] as const) {
    const runBoth = async () => {
      for (const who of order) await runSync(who === 'alice' ? alice : bob);
    };

    /** A shared meeting that `editor` edits in the CRM; then both users' runs, twice, on a clean request log. */
    const editedMeeting = async (editor: CalendarUser, patch: Record<string, unknown>) => {
      const id = await sharedMeeting();
      await patchActivity(editor, id, patch);
      await control(stack).clearRequests();
      await runBoth();
      await runBoth();
      return id;
    };

    describe(`runs in the order ${order.join(' then ')}`, () => {
      it("when the participant edits the activity in the CRM, then no one's run changes the organizer's event", async () => {
        const id = await editedMeeting(bob, { location: 'Bob’s office', title: 'Bob renamed it' });

        assert.equal((await calendarCalls(stack, alice.googleEmail))['calendar.events.patch'], undefined);
        assert.equal((await calendarCalls(stack, bob.googleEmail))['calendar.events.patch'], undefined);
        const event = await organizerEvent();
        assert.equal(event.summary, 'Quarterly review');
        assert.equal(event.location, undefined);
        // The CRM record mirrors the organizer's event again: the overruled edit is not left to leak later.
        const after = await getActivity(alice, id);
        assert.equal(after.title, 'Quarterly review');
        assert.equal(after.location ?? undefined, undefined);
      });

      it("when the organizer edits the activity in the CRM, then the change reaches the organizer's event once", async () => {
        const id = await editedMeeting(alice, { location: 'Room 7' });

        assert.equal((await calendarCalls(stack, alice.googleEmail))['calendar.events.patch'], 1);
        assert.equal((await calendarCalls(stack, bob.googleEmail))['calendar.events.patch'], undefined);
        assert.equal((await organizerEvent()).location, 'Room 7');
        assert.equal((await getActivity(bob, id)).location, 'Room 7');
      });

      it("when the participant cancels the activity in the CRM, then the organizer's event stays and the activity is planned again", async () => {
        const id = await editedMeeting(bob, { status: 'canceled' });

        const aliceCalls = await calendarCalls(stack, alice.googleEmail);
        assert.equal(aliceCalls['calendar.events.delete'], undefined);
        assert.equal(aliceCalls['calendar.events.patch'], undefined);
        assert.equal((await organizerEvent()).status, 'confirmed');
        assert.equal((await getActivity(alice, id)).status, 'planned');
      });

      it('when the organizer cancels the activity in the CRM, then the meeting is cancelled in Google', async () => {
        const id = await sharedMeeting();
        await patchActivity(alice, id, { status: 'canceled' });

        await runBoth();

        assert.equal((await liveEventsOf(stack, alice.googleEmail)).length, 0);
        assert.equal((await getActivity(bob, id)).status, 'canceled');
      });

      it("when the participant edits and the organizer then edits another field, then only the organizer's edit is pushed", async () => {
        const id = await sharedMeeting();
        await patchActivity(bob, id, { title: 'Bob renamed it' });
        await runBoth();
        await patchActivity(alice, id, { location: 'Room 9' });

        await runBoth();

        const event = await organizerEvent();
        assert.equal(event.location, 'Room 9');
        assert.equal(event.summary, 'Quarterly review');
      });
    });
  }
});
