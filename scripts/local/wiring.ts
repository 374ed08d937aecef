import { PubSub } from '@google-cloud/pubsub';
import { GoogleEmulatorControl } from '../../emulators/google/control-client.js';
import { SYNC_USER_TOPIC } from '../../functions/src/adapters/pubsub/topics.js';

/**
 * Wires the local stack as the deployment wires the cloud (infra/): the fan-out topic with a push
 * subscription to `syncUser`, and the Cloud Scheduler job that calls `syncTick` every minute.
 */

export async function wirePubSubPush(projectId: string, gatewayUrl: string): Promise<void> {
  const pubsub = new PubSub({ projectId });
  const [topic] = await pubsub.topic(SYNC_USER_TOPIC).get({ autoCreate: true });
  // The framework derives the CloudEvent source from a push path ending in /projects/P/topics/T.
  const pushEndpoint = `${gatewayUrl}/syncUser/projects/${projectId}/topics/${SYNC_USER_TOPIC}`;
  const subscription = topic.subscription(`${SYNC_USER_TOPIC}-push`);
  const [exists] = await subscription.exists();
  if (!exists) {
    await topic.createSubscription(`${SYNC_USER_TOPIC}-push`, {
      pushConfig: { pushEndpoint },
      ackDeadlineSeconds: 600,
    });
  } else {
    await subscription.modifyPushConfig({ pushEndpoint });
  }
  await pubsub.close();
}

export async function createSyncTickJob(
  schedulerHost: string,
  projectId: string,
  region: string,
  publicBaseUrl: string,
): Promise<string> {
  const parent = `projects/${projectId}/locations/${region}`;
  const name = `${parent}/jobs/sync-tick`;
  const job = {
    name,
    description: 'Calls syncTick, which fans out the users whose automatic sync is due.',
    schedule: '* * * * *',
    timeZone: 'Etc/UTC',
    attemptDeadline: '180s',
    httpTarget: { uri: `${publicBaseUrl}/syncTick`, httpMethod: 'POST' },
  };
  const response = await fetch(`http://${schedulerHost}/v1/${parent}/jobs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(job),
  });
  if (!response.ok && response.status !== 409) {
    throw new Error(`creating the sync-tick job failed: ${response.status} ${await response.text()}`);
  }
  return name;
}

/** The OAuth client that `npm start` registers in its Google emulator, as an administrator would in Google Cloud. */
export const DEMO_OAUTH_CLIENT = {
  clientId: '100000000001-localdemo.apps.googleusercontent.com',
  clientSecret: 'local-demo-client-secret',
};

/** The start banner's line for the demo client: its id, and that its secret is set (never the secret). */
export function demoClientBannerLine(): string {
  return `Demo OAuth client:        ${DEMO_OAUTH_CLIENT.clientId} (client secret set), registered in the Google emulator`;
}

export async function registerDemoOAuthClient(
  googleApiBaseUrl: string,
  publicBaseUrl: string,
): Promise<void> {
  const control = new GoogleEmulatorControl(googleApiBaseUrl);
  await control.createClient({ ...DEMO_OAUTH_CLIENT, redirectUris: [`${publicBaseUrl}/oauthCallback`] });
}
