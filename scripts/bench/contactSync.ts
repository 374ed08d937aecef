import { createContact } from '../../functions/src/app/crm/contacts.js';
import { config } from '../../functions/src/config.js';
import { googleCreate } from '../../test/integration/contact-sync-support.js';
import { control } from '../../test/integration/linking-support.js';
import {
  expectCount,
  freshUser,
  inParallel,
  measureRun,
  resultOf,
  type SyncScenario,
  type SyncUser,
  type SyncWorld,
  settledRun,
} from './syncWorld.js';

/**
 * The contact sync's API economy and memory (SPEC §5: creating N contacts in Google costs about
 * N/200 batch calls, reading N changes about N/1000 list calls, a no-change run one call; memory
 * stays flat with the size of the account). `calls` counts the People API data calls the Google
 * emulator logged for the account during the run (`people.*` methods: contact groups, connections,
 * batch writes; OAuth token calls are not counted, §5).
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
 * user put in it, through the emulator's control API. Returns their resource names.
 */
async function seedGoogleContacts(world: SyncWorld, user: SyncUser, count: number): Promise<string[]> {
  const group = await control(world).createGroup(user.googleEmail, config().contactGroupName);
  const resourceNames: string[] = [];
  await inParallel(count, SEED_PARALLEL, async (index) => {
    const person = await googleCreate(
      world,
      user.googleEmail,
      {
        names: [{ givenName: 'Google', familyName: `Contact ${index}` }],
        emailAddresses: [{ value: `google-${index}@example.net`, type: 'work' }],
        organizations: [{ name: 'Example Corp', title: 'Engineer' }],
      },
      group.resourceName as string,
    );
    resourceNames.push(person.resourceName as string);
  });
  return resourceNames;
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return Math.round(performance.now() - started);
}

function firstExport(total: number): SyncScenario {
  const scenario = `contacts-first-export-${total}`;
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
      return resultOf(scenario, measured, GROUP_FIND + GROUP_CREATE + 1 + batches, { seedMs });
    },
  };
}

/** Memory of the import runs by size, so that the larger can be compared with the smaller. */
const importGrowth = new Map<number, { rssGrowthMiB: number; heapGrowthMiB: number }>();

function firstImport(total: number, comparedWith?: number): SyncScenario {
  const scenario = `contacts-import-${total}`;
  return {
    name: scenario,
    async run(world) {
      const user = await freshUser(world);
      const seedMs = await timed(() => seedGoogleContacts(world, user, total));
      const measured = await measureRun(world, user, 'contacts');
      expectCount(scenario, 'contacts imported into the CRM', measured.counts.toCrm.created, total);
      const growth = {
        rssGrowthMiB: measured.peakRssMiB - measured.rssBeforeRunMiB,
        heapGrowthMiB: measured.heapGrowthMiB,
      };
      importGrowth.set(total, growth);
      const smaller = comparedWith === undefined ? undefined : importGrowth.get(comparedWith);
      // The group exists (the user made it): one groups list finds it; then pages of 1000; then the
      // CRM id written into each imported contact's clientData, 200 a batch: §3.4.2 matches by it
      // first, so that a relinked account finds its contacts again.
      const pages = Math.ceil(total / MAX_PAGE_SIZE);
      const idStamps = Math.ceil(total / MAX_BATCH_UPDATE);
      return resultOf(scenario, measured, GROUP_FIND + pages + idStamps, {
        seedMs,
        ...(smaller ? { [`growthOfImport${comparedWith}`]: smaller } : {}),
      });
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
  firstImport(1000),
  firstImport(5000, 1000),
  noChange,
  readChanges(3000),
];
