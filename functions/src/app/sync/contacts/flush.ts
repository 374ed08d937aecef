import { STALE_WRITE_ATTEMPTS } from '../../../core/exec/retry.js';
import { faultScope } from '../runs/faults.js';
import { readContact } from './crmReads.js';
import { failedInCrm, reconcile } from './pairs.js';
import type { ContactRun } from './run.js';

/**
 * Applies the queued writes of a slice of work, then plans again only the updates Google refused as
 * stale (412 / failedPrecondition): each with both sides as they are now, up to the one stale-write
 * cap of every kind (core/exec/retry.ts). What still meets a stale etag then is an item error, kept
 * for the next run. The planner is called from here, never from the executor (writes.ts).
 */
export async function flushWrites(run: ContactRun): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    const stale = await run.writes.flush();
    if (stale.length === 0) return;
    for (const refused of stale) {
      if (attempt >= STALE_WRITE_ATTEMPTS) {
        failedInCrm(run, refused.crmId, refused.error);
        continue;
      }
      try {
        const contact = await readContact(run, refused.crmId);
        await reconcile(run, {
          crmId: refused.crmId,
          ...(refused.link ? { link: refused.link } : {}),
          contact,
          person: refused.fresh,
          google: 'inGroup',
        });
      } catch (error) {
        if (faultScope(error) !== 'item') throw error;
        failedInCrm(run, refused.crmId, error);
      }
    }
  }
}
