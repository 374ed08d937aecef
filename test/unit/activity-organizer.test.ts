import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { syncsActivities } from '../../functions/src/core/sync/activities/organizer.js';

const settings = (syncSince: string | null) => ({ autoSync: false, periodMinutes: 60 as const, syncSince });
const account = (calendar: boolean) => ({ capabilities: { contacts: true, calendar } });

describe('Whose sync exports a meeting (docs/behaviour.md#activity-organizer)', () => {
  it('when the organizer chose a start date and an account granted the calendar, then their sync exports it', () => {
    assert.equal(syncsActivities(settings('2026-01-01'), [account(false), account(true)]), true);
  });

  it('when the start date or the calendar grant is missing, then the organizer does not sync activities', () => {
    assert.equal(syncsActivities(settings(null), [account(true)]), false);
    assert.equal(syncsActivities(settings('2026-01-01'), [account(false)]), false);
    assert.equal(syncsActivities(settings('2026-01-01'), []), false);
  });
});
