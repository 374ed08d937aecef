import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import {
  type DeploymentParameters,
  FUNCTIONS,
  functionEnvironment,
  hostingBaseUrl,
  RUNTIME,
  SCHEDULE_OPERATOR_ROLE,
  SECRET_NAMES,
  SECRET_ROLES,
  SERVICE_ACCOUNTS,
  schedulerJob,
} from './deployment.js';
import { HOSTING_DEPLOY_CONFIG, hostingConfig } from './hosting.js';

/**
 * Deploys crm-google-sync into the customer's project with gcloud:
 *   GOOGLE_CLOUD_PROJECT=my-project REGION=europe-west1 npx tsx infra/deploy.ts [--dry-run]
 * `--dry-run` prints the commands instead of running them. Every command is idempotent enough to
 * re-run (creates that exist already are reported and skipped). Ends by printing the OAuth redirect
 * URI that the administrator registers (README, docs/operations.md#google-oauth-app).
 */

export function deploymentCommands(parameters: DeploymentParameters): string[][] {
  const { projectId, region } = parameters;
  const project = `--project=${projectId}`;
  const sa = (id: string) => `${id}@${projectId}.iam.gserviceaccount.com`;
  const env = Object.entries(functionEnvironment(parameters))
    .map(([name, value]) => `${name}=${value}`)
    .join('@@');
  const commands: string[][] = [
    [
      'gcloud',
      'services',
      'enable',
      'cloudfunctions.googleapis.com',
      'run.googleapis.com',
      'cloudbuild.googleapis.com',
      'eventarc.googleapis.com',
      'pubsub.googleapis.com',
      'cloudscheduler.googleapis.com',
      'secretmanager.googleapis.com',
      'firestore.googleapis.com',
      'identitytoolkit.googleapis.com',
      'people.googleapis.com',
      'calendar-json.googleapis.com',
      'gmail.googleapis.com',
      project,
    ],
    ['gcloud', 'firestore', 'databases', 'create', `--location=${region}`, project],
    [
      'npx',
      'firebase-tools@14',
      'deploy',
      '--only',
      'firestore:rules,firestore:indexes',
      `--project=${projectId}`,
    ],
  ];
  commands.push([
    'gcloud',
    'iam',
    'roles',
    'create',
    SCHEDULE_OPERATOR_ROLE.id,
    `--permissions=${SCHEDULE_OPERATOR_ROLE.permissions.join(',')}`,
    '--title=CRM sync schedule operator',
    '--stage=GA',
    project,
  ]);
  // `custom:<id>` in SERVICE_ACCOUNTS names a role of this project (infra/deployment.ts).
  const roleName = (role: string) =>
    role.startsWith('custom:') ? `projects/${projectId}/roles/${role.slice('custom:'.length)}` : role;
  for (const account of Object.values(SERVICE_ACCOUNTS)) {
    commands.push(['gcloud', 'iam', 'service-accounts', 'create', account.id, project]);
    for (const role of account.roles) {
      commands.push([
        'gcloud',
        'projects',
        'add-iam-policy-binding',
        projectId,
        `--member=serviceAccount:${sa(account.id)}`,
        `--role=${roleName(role)}`,
        '--condition=None',
      ]);
    }
  }
  for (const secret of SECRET_NAMES) {
    commands.push(['gcloud', 'secrets', 'create', secret, '--replication-policy=automatic', project]);
    for (const role of SECRET_ROLES[secret]) {
      commands.push([
        'gcloud',
        'secrets',
        'add-iam-policy-binding',
        secret,
        `--member=serviceAccount:${sa(SERVICE_ACCOUNTS.runtime.id)}`,
        `--role=${role}`,
        project,
      ]);
    }
  }
  const topics = new Set(FUNCTIONS.flatMap((fn) => (fn.trigger.kind === 'pubsub' ? [fn.trigger.topic] : [])));
  for (const topic of topics) commands.push(['gcloud', 'pubsub', 'topics', 'create', topic, project]);
  commands.push(['npm', 'run', 'build']);
  for (const fn of FUNCTIONS) {
    const base = [
      'gcloud',
      'functions',
      'deploy',
      fn.name,
      '--gen2',
      `--runtime=${RUNTIME}`,
      `--region=${region}`,
      '--source=.',
      `--entry-point=${fn.name}`,
      `--memory=${fn.memory}`,
      `--timeout=${fn.timeoutSeconds}s`,
      `--service-account=${sa(SERVICE_ACCOUNTS.runtime.id)}`,
      `--set-env-vars=^@@^${env}`,
      project,
    ];
    if (fn.trigger.kind === 'http') {
      base.push(
        '--trigger-http',
        fn.trigger.public ? '--allow-unauthenticated' : '--no-allow-unauthenticated',
      );
    } else {
      base.push(
        `--trigger-topic=${fn.trigger.topic}`,
        `--trigger-service-account=${sa(SERVICE_ACCOUNTS.eventInvoker.id)}`,
        // Redeliver when the function throws: syncUser throws only for transient faults of its own
        // storage, so a run lost to one is retried (https://cloud.google.com/functions/docs/bestpractices/retries).
        '--retry',
      );
    }
    commands.push(base);
    const invoker =
      fn.trigger.kind === 'pubsub'
        ? SERVICE_ACCOUNTS.eventInvoker
        : fn.trigger.public
          ? undefined
          : SERVICE_ACCOUNTS.schedulerInvoker;
    if (invoker) {
      commands.push([
        'gcloud',
        'functions',
        'add-invoker-policy-binding',
        fn.name,
        `--region=${region}`,
        `--member=serviceAccount:${sa(invoker.id)}`,
        project,
      ]);
    }
  }
  const job = schedulerJob(parameters);
  commands.push([
    'gcloud',
    'scheduler',
    'jobs',
    'create',
    'http',
    job.name.split('/').pop() ?? '',
    `--location=${region}`,
    `--schedule=${job.schedule}`,
    `--time-zone=${job.timeZone}`,
    `--uri=${job.uri}`,
    `--http-method=${job.httpMethod}`,
    `--attempt-deadline=${job.attemptDeadline}`,
    `--oidc-service-account-email=${sa(SERVICE_ACCOUNTS.schedulerInvoker.id)}`,
    `--oidc-token-audience=${job.uri}`,
    project,
  ]);
  // The web console on Firebase Hosting, with its rewrites to the functions above (infra/hosting.ts).
  commands.push(
    ['npm', 'run', 'build:console'],
    [
      'npx',
      'firebase-tools@14',
      'deploy',
      '--only',
      'hosting',
      `--project=${projectId}`,
      `--config=${HOSTING_DEPLOY_CONFIG}`,
    ],
  );
  return commands;
}

/** firebase.json with the hosting rewrites pointing at the deployment's region. */
export function writeHostingDeployConfig(region: string): void {
  const firebase = JSON.parse(readFileSync('firebase.json', 'utf8')) as Record<string, unknown>;
  writeFileSync(
    HOSTING_DEPLOY_CONFIG,
    `${JSON.stringify({ ...firebase, hosting: hostingConfig(region) }, null, 2)}\n`,
  );
}

function main(): void {
  const projectId = process.env.GOOGLE_CLOUD_PROJECT;
  const region = process.env.REGION || 'us-central1';
  if (!projectId) {
    console.error(
      'Set GOOGLE_CLOUD_PROJECT (and optionally REGION, APP_URL, CONTACT_GROUP_NAME, SHARED_OAUTH_CLIENT_ID, ALLOWED_DOMAINS).',
    );
    process.exit(2);
  }
  const parameters: DeploymentParameters = {
    projectId,
    region,
    publicBaseUrl: process.env.PUBLIC_BASE_URL || hostingBaseUrl(projectId),
    appUrl: process.env.APP_URL,
    contactGroupName: process.env.CONTACT_GROUP_NAME,
    sharedOAuthClientId: process.env.SHARED_OAUTH_CLIENT_ID,
    allowedDomains: process.env.ALLOWED_DOMAINS,
  };
  const dryRun = process.argv.includes('--dry-run');
  if (!dryRun) writeHostingDeployConfig(region);
  for (const command of deploymentCommands(parameters)) {
    console.log(`$ ${command.join(' ')}`);
    if (dryRun) continue;
    const result = spawnSync(command[0] ?? '', command.slice(1), { stdio: 'inherit' });
    if (result.status !== 0 && !command.includes('create')) process.exit(result.status ?? 1);
  }
  console.log(`\nAuthorized redirect URI for the OAuth client: ${parameters.publicBaseUrl}/oauthCallback`);
  console.log(
    `Calendar push notifications go to: ${parameters.publicBaseUrl}/calendarWebhook (must be https)`,
  );
  console.log(`Web console (Firebase Hosting): ${parameters.publicBaseUrl}/app/`);
}

if (process.argv[1]?.endsWith('deploy.ts')) main();
