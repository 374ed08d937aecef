import type { ContactSyncState } from '../../../adapters/firestore/contactSyncState.js';
import { GoogleApiFailure } from '../../../adapters/google/apiErrors.js';
import { PEOPLE_LIMITS, type PeopleApi } from '../../../adapters/google/people.js';
import { log } from '../../../logging.js';

/**
 * The user's contact group of the sync (docs/behaviour.md#contact-group; "Creatio" unless the deployment names another).
 *
 * Found once and remembered in the cursor, so a run costs no group call. A user may delete the
 * group in Google Contacts: every linked contact then shows up without it. That is not the user
 * removing each contact from the group, and untagging them all in the CRM would be a destructive
 * surprise; so the first time a run sees a linked contact outside the group, it checks once that the
 * group still exists, and if it does not, creates it again and puts every linked contact back.
 */
export class SyncGroup {
  private verified = false;
  /** The group was recreated in this run: linked contacts outside it are on their way back in. */
  recreated = false;

  private constructor(
    private readonly people: PeopleApi,
    private readonly state: ContactSyncState,
    private readonly name: string,
    public resourceName: string,
  ) {}

  /** The group: remembered, else found by name, else created. */
  static async open(people: PeopleApi, state: ContactSyncState, name: string, remembered?: string) {
    if (remembered) return new SyncGroup(people, state, name, remembered);
    const group = new SyncGroup(people, state, name, await findOrCreate(people, name));
    await state.saveCursor({ groupResourceName: group.resourceName });
    group.verified = true;
    return group;
  }

  /**
   * Called when a linked contact is outside the group: true when the group is (again) in place, so
   * the contact really left it; false when the group was gone and has just been recreated.
   */
  async confirmLeft(): Promise<boolean> {
    if (this.recreated) return false;
    if (this.verified) return true;
    this.verified = true;
    if (await this.exists()) return true;
    await this.recreate();
    return false;
  }

  /** After Google refused a write naming the group: recreates it if it is gone (then true). */
  async repairIfGone(): Promise<boolean> {
    if (await this.exists()) return false;
    await this.recreate();
    return true;
  }

  private async exists(): Promise<boolean> {
    try {
      await this.people.getGroup(this.resourceName);
      return true;
    } catch (error) {
      if (error instanceof GoogleApiFailure && error.kind === 'not_found') return false;
      throw error;
    }
  }

  private async recreate(): Promise<void> {
    const previous = this.resourceName;
    this.resourceName = await findOrCreate(this.people, this.name);
    this.recreated = true;
    await this.state.saveCursor({ groupResourceName: this.resourceName });
    log.warn('the contact group of the sync was deleted in Google; recreated it with every linked contact', {
      previous,
      group: this.resourceName,
    });
    for await (const links of this.state.allLinks(PEOPLE_LIMITS.modifyMembers)) {
      await this.people.modifyMembers(this.resourceName, { add: links.map((link) => link.resourceName) });
    }
  }
}

async function findOrCreate(people: PeopleApi, name: string): Promise<string> {
  const found = await people.findGroup(name);
  if (found) return found.resourceName;
  try {
    return (await people.createGroup(name)).resourceName;
  } catch (error) {
    // Created meanwhile (another run, or the user): "Contact group name already exists." (409).
    if (!(error instanceof GoogleApiFailure && error.kind === 'conflict')) throw error;
    const existing = await people.findGroup(name);
    if (!existing) throw error;
    return existing.resourceName;
  }
}
