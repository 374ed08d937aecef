import { SYNC_USER_TOPIC } from '../functions/src/adapters/pubsub/topics.js';

/**
 * The deployment, declared once: which Cloud Functions exist and how they are triggered, the Pub/Sub
 * fan-out, the Cloud Scheduler job, the secrets, and who may call what. `infra/deploy.ts` turns it
 * into gcloud commands; tests check its wiring against the code offline (no cloud is reachable
 * here). Deployment-specific values come from the environment of the person deploying.
 */

export const RUNTIME = 'nodejs20';
export const SCHEDULER_JOB_ID = 'sync-tick';
export const SECRET_NAMES = [
  'oauth-client-secret',
  'shared-oauth-client-secret',
  'gmail-oauth-client-secret',
  'token-encryption-key',
] as const;

/**
 * Least privilege (issue #16): the runtime holds Secret Manager roles on the product's own secrets
 * only, granted on each secret (Google documents the secret as the lowest resource for these roles,
 * https://cloud.google.com/iam/docs/roles-permissions/secretmanager). Every secret is read
 * (`secretAccessor`); the key gets new versions only (`secretVersionAdder`: created on first use);
 * the client secrets also have their older versions disabled when a new one is saved, which needs
 * `secretVersionManager` (https://cloud.google.com/secret-manager/docs/disable-secret-version).
 * The deployment creates the secrets, so the runtime needs no project-wide right to create any.
 */
export const SECRET_ROLES: Record<(typeof SECRET_NAMES)[number], readonly string[]> = {
  'oauth-client-secret': ['roles/secretmanager.secretAccessor', 'roles/secretmanager.secretVersionManager'],
  'shared-oauth-client-secret': [
    'roles/secretmanager.secretAccessor',
    'roles/secretmanager.secretVersionManager',
  ],
  'gmail-oauth-client-secret': [
    'roles/secretmanager.secretAccessor',
    'roles/secretmanager.secretVersionManager',
  ],
  'token-encryption-key': ['roles/secretmanager.secretAccessor', 'roles/secretmanager.secretVersionAdder'],
};

/**
 * What `settings` does to the `sync-tick` job (docs/operations.md#pausing-sync): read it, pause and resume it, change
 * its schedule. Cloud Scheduler's predefined roles are granted on the project (its roles page names
 * Project as their lowest resource, https://cloud.google.com/iam/docs/roles-permissions/cloudscheduler),
 * and `roles/cloudscheduler.admin` could also create, delete and run any job; so the runtime gets a
 * custom role with exactly these four permissions (`enable` is what ResumeJob checks), and nothing
 * that creates, deletes or runs a job.
 */
export const SCHEDULE_OPERATOR_ROLE = {
  id: 'crmSyncScheduleOperator',
  permissions: [
    'cloudscheduler.jobs.get',
    'cloudscheduler.jobs.pause',
    'cloudscheduler.jobs.enable',
    'cloudscheduler.jobs.update',
  ],
} as const;

export interface FunctionDeployment {
  name: string;
  trigger: { kind: 'http'; public: boolean } | { kind: 'pubsub'; topic: string };
  memory: string;
  timeoutSeconds: number;
  /** Why it is (not) public: the code checks Firebase ID tokens itself; the others rely on IAM. */
  note: string;
}

export const FUNCTIONS: readonly FunctionDeployment[] = [
  {
    name: 'api',
    trigger: { kind: 'http', public: true },
    memory: '512Mi',
    timeoutSeconds: 60,
    note: 'checks Firebase ID tokens on every request',
  },
  {
    name: 'settings',
    trigger: { kind: 'http', public: true },
    memory: '512Mi',
    timeoutSeconds: 60,
    note: 'checks Firebase ID tokens and the admin claim',
  },
  {
    name: 'oauthCallback',
    trigger: { kind: 'http', public: true },
    memory: '512Mi',
    timeoutSeconds: 60,
    note: "Google redirects users' browsers here; the signed single-use state authenticates",
  },
  {
    name: 'syncNow',
    trigger: { kind: 'http', public: true },
    memory: '512Mi',
    timeoutSeconds: 60,
    note: 'checks Firebase ID tokens',
  },
  {
    name: 'syncTick',
    trigger: { kind: 'http', public: false },
    memory: '1Gi',
    timeoutSeconds: 300,
    note: 'only the Scheduler service account may invoke it (OIDC)',
  },
  {
    // Google expects a quick 2xx (https://developers.google.com/calendar/api/guides/push): the
    // function only looks up the channel and queues a run, so little memory and a short timeout do.
    name: 'calendarWebhook',
    trigger: { kind: 'http', public: true },
    memory: '256Mi',
    timeoutSeconds: 10,
    note: "Google posts push notifications without credentials; each channel's secret token authenticates",
  },
  {
    name: 'syncUser',
    trigger: { kind: 'pubsub', topic: SYNC_USER_TOPIC },
    memory: '1Gi',
    timeoutSeconds: 540,
    note: "only the Eventarc trigger's service account may invoke it",
  },
];

/**
 * Service accounts the deployment creates, with the project roles each needs and nothing more
 * (`custom:` names a role the deployment defines in the project; secrets are granted per secret).
 */
export const SERVICE_ACCOUNTS = {
  runtime: {
    id: 'crm-sync-runtime',
    roles: [
      'roles/datastore.user', // Firestore: all state
      'roles/pubsub.publisher', // syncTick's fan-out and syncNow's queued runs
      `custom:${SCHEDULE_OPERATOR_ROLE.id}`, // settings: read, pause/resume, reschedule sync-tick
      'roles/firebaseauth.viewer', // revocation check of ID tokens
    ],
  },
  schedulerInvoker: { id: 'crm-sync-scheduler', roles: [] as string[] },
  eventInvoker: { id: 'crm-sync-events', roles: ['roles/eventarc.eventReceiver'] },
} as const;

export interface DeploymentParameters {
  projectId: string;
  region: string;
  /**
   * The origin users and Google reach: Firebase Hosting's (https://PROJECT.web.app by default), so
   * the console, `/api` and `/oauthCallback` share one origin and the link-binding cookie, which
   * Hosting forwards to functions as `__session`, comes back to the callback (docs/api.md).
   */
  publicBaseUrl: string;
  appUrl?: string;
  contactGroupName?: string;
  sharedOAuthClientId?: string;
  allowedDomains?: string;
}

export function functionsBaseUrl(projectId: string, region: string): string {
  return `https://${region}-${projectId}.cloudfunctions.net`;
}

/** Firebase Hosting's default origin for the project's default site. */
export function hostingBaseUrl(projectId: string): string {
  return `https://${projectId}.web.app`;
}

/** The environment every function gets (docs/operations.md#configuration); emulator variables are never set in the cloud. */
export function functionEnvironment(parameters: DeploymentParameters): Record<string, string> {
  const env: Record<string, string> = {
    GOOGLE_CLOUD_PROJECT: parameters.projectId,
    REGION: parameters.region,
    PUBLIC_BASE_URL: parameters.publicBaseUrl,
  };
  if (parameters.appUrl) env.APP_URL = parameters.appUrl;
  if (parameters.contactGroupName) env.CONTACT_GROUP_NAME = parameters.contactGroupName;
  if (parameters.sharedOAuthClientId) env.SHARED_OAUTH_CLIENT_ID = parameters.sharedOAuthClientId;
  if (parameters.allowedDomains) env.ALLOWED_DOMAINS = parameters.allowedDomains;
  return env;
}

export function schedulerJob(parameters: DeploymentParameters) {
  return {
    name: `projects/${parameters.projectId}/locations/${parameters.region}/jobs/${SCHEDULER_JOB_ID}`,
    schedule: '* * * * *',
    timeZone: 'Etc/UTC',
    // syncTick is IAM-guarded and has no Hosting rewrite: the Scheduler calls the function itself.
    uri: `${functionsBaseUrl(parameters.projectId, parameters.region)}/syncTick`,
    httpMethod: 'POST',
    attemptDeadline: '180s',
  };
}
