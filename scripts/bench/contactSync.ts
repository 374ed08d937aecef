import { createContact } from '../../functions/src/app/crm/contacts.js';
import { config } from '../../functions/src/config.js';
import { control } from '../../test/integration/linking-support.js';
import {
  expectCount,
  freshUser,
  inParallel,
  measureFloor,
  measureRun,
  resultOf,
  type SyncScenario,
  type SyncUser,
  type SyncWorld,
  settledRun,
  withFloor,
} from './syncWorld.js';

/**
 * The contact sync's API economy and memory (docs/architecture.md#quality-bars: creating N contacts in Google costs about
 * N/200 batch calls, reading N changes about N/1000 list calls, a no-change run one call; memory
 * stays flat with the size of the account). `calls` counts the People API data calls the Google
 * emulator logged for the account during the run (`people.*` methods: contact groups, connections,
 * batch writes; OAuth token calls are not counted, docs/architecture.md#quality-bars).
 */

/** Seeding parallelism: enough to keep the emulators busy, few enough for two cores. */
const SEED_PARALLEL = 16;
// Google's limits, not the product's choices, make the lower bounds: batchCreateContacts takes at
// most 200 contacts, as batchUpdateContacts, connections.list pages hold at most 1000
// (https://developers.google.com/people/api/rest/v1/people/batchCreateContacts,
// https://developers.google.com/people/api/rest/v1/people/batchUpdateContacts,
// https://developers.google.com/people/api/rest/v1/people.connections/list).
const MAX_BATCH_CREATE = 200;
const MAX_BATCH_UPDATE = 200;
const MAX_PAGE_SIZE = 1000;
/** Calls a first run needs before any contact: find the sync's group by name (one list), create it. */
const GROUP_FIND = 1;
const GROUP_CREATE = 1;
const NO_CHANGE_SIDE = 1000;

/** `count` CRM contacts carrying the user's tag, created as the API creates them. */
async function seedCrmContacts(user: SyncUser, count: number): Promise<void> {
  await inParallel(count, SEED_PARALLEL, (index) =>
    createContact(user.caller, {
      givenName: 'Crm',
      familyName: `Contact ${index}`,
      emails: [{ address: `crm-${index}@example.org`, type: 'work' }],
      phones: [{ number: `+1 555 ${String(index).padStart(7, '0')}`, type: 'mobile' }],
      tagIds: [user.tagId],
    }),
  );
}

/**
 * The user's own group in Google Contacts (named as the sync names it) with `count` contacts the
 * user put in it, through the emulator's control API (1000 a request). Returns their resource names.
 */
async function seedGoogleContacts(world: SyncWorld, user: SyncUser, count: number): Promise<string[]> {
  const group = await control(world).createGroup(user.googleEmail, config().contactGroupName);
  const memberships = [group.resourceName as string, 'contactGroups/myContacts'].map((name) => ({
    contactGroupMembership: { contactGroupResourceName: name },
  }));
  const resourceNames: string[] = [];
  for (let start = 0; start < count; start += MAX_PAGE_SIZE) {
    const people = Array.from({ length: Math.min(MAX_PAGE_SIZE, count - start) }, (_, i) => ({
      names: [{ givenName: 'Google', familyName: `Contact ${start + i}` }],
      emailAddresses: [{ value: `google-${start + i}@example.net`, type: 'work' }],
      organizations: [{ name: 'Example Corp', title: 'Engineer' }],
      memberships,
    }));
    resourceNames.push(...(await control(world).createContacts(user.googleEmail, people)).resourceNames);
  }
  return resourceNames;
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return Math.round(performance.now() - started);
}

function firstExport(total: number): SyncScenario {
  const scenario = `contacts-export-${total}`;
  return {
    name: scenario,
    async run(world) {
      const user = await freshUser(world);
      const seedMs = await timed(() => seedCrmContacts(user, total));
      const measured = await measureRun(world, user, 'contacts');
      expectCount(scenario, 'contacts created in Google', measured.counts.toGoogle.created, total);
      // Group find + create, one connections.list (the empty account's first page, which brings the
      // sync token), and the batch creates of at most 200.
      const batches = Math.ceil(total / MAX_BATCH_CREATE);
      const result = resultOf(scenario, measured, GROUP_FIND + GROUP_CREATE + 1 + batches, { seedMs });
      return withFloor(result, await measureFloor(user, 'contacts', total), total);
    },
  };
}

/** Peak RSS of the import runs by size, so that the larger can be compared with the smaller. */
const importPeak = new Map<number, number>();

function firstImport(total: number, comparedWith?: number): SyncScenario {
  const scenario = `contacts-import-${total}`;
  return {
    name: scenario,
    async run(world) {
      const user = await freshUser(world);
      const seedMs = await timed(() => seedGoogleContacts(world, user, total));
      const measured = await measureRun(world, user, 'contacts');
      expectCount(scenario, 'contacts imported into the CRM', measured.counts.toCrm.created, total);
      importPeak.set(total, measured.peakRssMiB);
      const smaller = comparedWith === undefined ? undefined : importPeak.get(comparedWith);
      // The group exists (the user made it): one groups list finds it; then pages of 1000; then the
      // CRM id written into each imported contact's clientData, 200 a batch: docs/behaviour.md#contact-matching matches by it
      // first, so that a relinked account finds its contacts again.
      const pages = Math.ceil(total / MAX_PAGE_SIZE);
      const idStamps = Math.ceil(total / MAX_BATCH_UPDATE);
      const result = resultOf(scenario, measured, GROUP_FIND + pages + idStamps, {
        seedMs,
        ...(smaller
          ? { [`peakRssOver${comparedWith}`]: Number((measured.peakRssMiB / smaller).toFixed(2)) }
          : {}),
      });
      return withFloor(result, await measureFloor(user, 'contacts', total), total);
    },
  };
}

/**
 * The run right after importing `total` Google contacts: Google lists them all again (the import
 * wrote our CRM id into each one's clientData), and each is our own write coming back (docs/behaviour.md#no-ping-pong).
 * Its floor is listing those pages; it should write nothing.
 */
function echoAfterImport(total: number): SyncScenario {
  const scenario = `contacts-echo-after-import-${total}`;
  return {
    name: scenario,
    async run(world) {
      const user = await freshUser(world);
      await seedGoogleContacts(world, user, total);
      await measureRun(world, user, 'contacts');
      const measured = await measureRun(world, user, 'contacts');
      const { toCrm, toGoogle } = measured.counts;
      expectCount(scenario, 'writes', toCrm.created + toCrm.updated + toGoogle.created + toGoogle.updated, 0);
      const result = resultOf(scenario, measured, Math.ceil(total / MAX_PAGE_SIZE));
      return withFloor(result, await measureFloor(user, 'contacts', 0), total);
    },
  };
}

/**
 * A linked account of 1,000 contacts from each side (more than one page), synced and settled (see
 * `settledRun`); then a run with nothing new.
 */
const noChange: SyncScenario = {
  name: 'contacts-no-change',
  async run(world) {
    const user = await freshUser(world);
    await seedCrmContacts(user, NO_CHANGE_SIDE);
    await seedGoogleContacts(world, user, NO_CHANGE_SIDE);
    const { measured, settlingRun } = await settledRun(world, user, 'contacts');
    return resultOf('contacts-no-change', measured, 1, {
      accountContacts: 2 * NO_CHANGE_SIDE,
      settlingRun,
    });
  },
};

/** An account of `total` synced contacts, every one of which the user then edits in Google. */
function readChanges(total: number): SyncScenario {
  const scenario = `contacts-read-changes-${total}`;
  return {
    name: scenario,
    async run(world) {
      const user = await freshUser(world);
      const people = await seedGoogleContacts(world, user, total);
      await measureRun(world, user, 'contacts');
      const seedMs = await timed(() =>
        inParallel(people.length, SEED_PARALLEL, (index) =>
          control(world).updateContact(user.googleEmail, people[index] as string, {
            organizations: [{ name: 'Changed Corp', title: 'Manager' }],
          }),
        ),
      );
      const measured = await measureRun(world, user, 'contacts');
      expectCount(scenario, 'CRM contacts updated', measured.counts.toCrm.updated, total);
      return resultOf(scenario, measured, Math.ceil(total / MAX_PAGE_SIZE), { seedMs });
    },
  };
}

export const CONTACT_SCENARIOS: SyncScenario[] = [
  firstExport(2000),
  firstExport(10000),
  firstImport(1000),
  firstImport(5000, 1000),
  echoAfterImport(2000),
  firstImport(50000, 5000),
  noChange,
  readChanges(3000),
];
