import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { COLLECTIONS } from '../../functions/src/adapters/firestore/crm/records.js';
import { EMAIL_SENDS } from '../../functions/src/adapters/firestore/emailSends.js';
import { OAUTH_STATES } from '../../functions/src/adapters/firestore/oauthStates.js';
import { SYNC_USER_TOPIC } from '../../functions/src/adapters/pubsub/topics.js';
import { SECRET_IDS } from '../../functions/src/adapters/secrets/secretManager.js';
import { EVENT_FUNCTIONS, HTTP_FUNCTIONS } from '../../functions/src/index.js';
import { deploymentCommands } from '../../infra/deploy.js';
import { FUNCTIONS, SECRET_NAMES } from '../../infra/deployment.js';

/** The deployment cannot be applied here (no cloud); its wiring is checked against the code instead. */
const parameters = {
  projectId: 'acme-crm',
  region: 'europe-west1',
  publicBaseUrl: 'https://acme-crm.web.app',
  allowedDomains: 'acme.com,acme.de',
};
const commands = deploymentCommands(parameters).map((command) => command.join(' '));
const deployOf = (name: string) => {
  const found = commands.find((command) => command.startsWith(`gcloud functions deploy ${name} `));
  assert.ok(found, `no deploy command for ${name}`);
  return found;
};

describe('deployment wiring (infra/)', () => {
  it('when the main module registers a function, then the deployment deploys it with the same entry point', () => {
    const registered = [...HTTP_FUNCTIONS, ...EVENT_FUNCTIONS].sort();
    assert.deepEqual(FUNCTIONS.map((fn) => fn.name).sort(), registered);
    for (const name of registered) assert.match(deployOf(name), new RegExp(`--entry-point=${name} `));
  });

  it('when syncTick publishes the fan-out, then syncUser is triggered by that same topic', () => {
    assert.match(deployOf('syncUser'), new RegExp(`--trigger-topic=${SYNC_USER_TOPIC} `));
    assert.match(deployOf('syncUser'), /(^| )--retry( |$)/, 'a run lost to a transient fault is redelivered');
    assert.ok(commands.includes(`gcloud pubsub topics create ${SYNC_USER_TOPIC} --project=acme-crm`));
  });

  it('when the Scheduler fires, then it calls syncTick every minute in UTC with an OIDC identity', () => {
    const job = commands.find((command) =>
      command.startsWith('gcloud scheduler jobs create http sync-tick '),
    );
    assert.ok(job);
    assert.match(job, /--schedule=\* \* \* \* \* /);
    assert.match(job, /--time-zone=Etc\/UTC /);
    assert.match(job, /--uri=https:\/\/europe-west1-acme-crm\.cloudfunctions\.net\/syncTick /);
    assert.match(job, /--oidc-service-account-email=crm-sync-scheduler@acme-crm\.iam\.gserviceaccount\.com /);
  });

  it('when a function checks no token itself, then it is not public and only its caller may invoke it', () => {
    assert.match(deployOf('syncTick'), /--no-allow-unauthenticated/);
    assert.ok(
      commands.some(
        (c) =>
          c.startsWith('gcloud functions add-invoker-policy-binding syncTick ') &&
          c.includes('crm-sync-scheduler@'),
      ),
    );
    assert.ok(
      commands.some(
        (c) =>
          c.startsWith('gcloud functions add-invoker-policy-binding syncUser ') &&
          c.includes('crm-sync-events@'),
      ),
    );
    for (const name of ['api', 'settings', 'oauthCallback', 'syncNow', 'calendarWebhook'])
      assert.match(deployOf(name), /--allow-unauthenticated/);
  });

  it('when Google posts calendar notifications, then calendarWebhook is public, small and quick (docs/behaviour.md#near-real-time-calendar)', () => {
    const deploy = deployOf('calendarWebhook');
    assert.match(deploy, /--allow-unauthenticated/);
    assert.match(deploy, /--memory=256Mi /);
    assert.match(deploy, /--timeout=10s /);
    const webhook = FUNCTIONS.find((fn) => fn.name === 'calendarWebhook');
    assert.ok(webhook && webhook.timeoutSeconds <= 30, 'Google expects a quick answer');
    // The channels are watched at PUBLIC_BASE_URL/calendarWebhook: https in the cloud, as Google requires.
    assert.match(deploy, /PUBLIC_BASE_URL=https:\/\//);
  });

  it('when functions are deployed, then they get the configuration of docs/operations.md#configuration with lists intact', () => {
    const deploy = deployOf('api');
    assert.match(
      deploy,
      /--set-env-vars=\^@@\^GOOGLE_CLOUD_PROJECT=acme-crm@@REGION=europe-west1@@PUBLIC_BASE_URL=/,
    );
    assert.match(deploy, /ALLOWED_DOMAINS=acme\.com,acme\.de/);
    assert.doesNotMatch(deploy, /EMULATOR_HOST|GOOGLE_API_BASE_URL/);
  });

  it('when secrets are created, then they carry the names of docs/operations.md#configuration', () => {
    assert.deepEqual([...SECRET_NAMES].sort(), Object.values(SECRET_IDS).sort());
    for (const secret of SECRET_NAMES)
      assert.ok(commands.some((c) => c.startsWith(`gcloud secrets create ${secret} `)));
  });

  it('when the runtime service account is granted roles, then nothing project-wide touches secrets or Scheduler jobs beyond what settings does, and each secret is granted on itself', () => {
    const runtime = 'serviceAccount:crm-sync-runtime@acme-crm.iam.gserviceaccount.com';
    const projectRoles = commands
      .filter((c) => c.startsWith('gcloud projects add-iam-policy-binding ') && c.includes(runtime))
      .map((c) => /--role=(\S+)/.exec(c)?.[1]);
    assert.deepEqual(projectRoles.sort(), [
      'projects/acme-crm/roles/crmSyncScheduleOperator',
      'roles/datastore.user',
      'roles/firebaseauth.viewer',
      'roles/pubsub.publisher',
    ]);
    assert.ok(
      !commands.some((c) =>
        /roles\/(secretmanager|cloudscheduler)\.admin|roles\/owner|roles\/editor/.test(c),
      ),
    );
    const custom = commands.find((c) => c.startsWith('gcloud iam roles create crmSyncScheduleOperator '));
    assert.ok(custom);
    const permissions = (/--permissions=(\S+)/.exec(custom)?.[1] ?? '').split(',').sort();
    assert.deepEqual(permissions, [
      'cloudscheduler.jobs.enable',
      'cloudscheduler.jobs.get',
      'cloudscheduler.jobs.pause',
      'cloudscheduler.jobs.update',
    ]);
    for (const secret of SECRET_NAMES) {
      const roles = commands
        .filter(
          (c) => c.startsWith(`gcloud secrets add-iam-policy-binding ${secret} `) && c.includes(runtime),
        )
        .map((c) => /--role=(\S+)/.exec(c)?.[1]);
      assert.ok(roles.includes('roles/secretmanager.secretAccessor'), secret);
      assert.ok(
        roles.includes('roles/secretmanager.secretVersionAdder') ||
          roles.includes('roles/secretmanager.secretVersionManager'),
        secret,
      );
      assert.ok(
        roles.every((role) =>
          /^roles\/secretmanager\.secret(Accessor|VersionAdder|VersionManager)$/.test(role ?? ''),
        ),
      );
      assert.ok(
        commands.indexOf(commands.find((c) => c.startsWith(`gcloud secrets create ${secret} `)) ?? '') <
          commands.indexOf(
            commands.find((c) => c.startsWith(`gcloud secrets add-iam-policy-binding ${secret} `)) ?? '',
          ),
        'the secret exists before it is granted',
      );
    }
  });

  it('when the package is deployed, then its main is the compiled entry module that registers every function', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { main: string };
    const build = JSON.parse(readFileSync('tsconfig.build.json', 'utf8')) as {
      compilerOptions: { outDir: string };
    };
    assert.equal(pkg.main, `${build.compilerOptions.outDir}/index.js`);
  });

  it('when records are short-lived, then the deployed Firestore config has TTL policies on the fields the code writes', () => {
    const firebase = JSON.parse(readFileSync('firebase.json', 'utf8')) as {
      firestore: { rules: string; indexes: string };
    };
    const indexes = JSON.parse(readFileSync(firebase.firestore.indexes, 'utf8')) as {
      fieldOverrides: { collectionGroup: string; fieldPath: string; ttl?: boolean }[];
    };
    const ttl = indexes.fieldOverrides.filter((o) => o.ttl).map((o) => `${o.collectionGroup}.${o.fieldPath}`);
    assert.deepEqual(
      ttl.sort(),
      [`${COLLECTIONS.changes}.expireAt`, `${OAUTH_STATES}.expiresAt`, `${EMAIL_SENDS}.expiresAt`].sort(),
    );
    assert.match(readFileSync(firebase.firestore.rules, 'utf8'), /allow read, write: if false/);
  });
});
