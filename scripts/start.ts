import { EVENT_FUNCTIONS, HTTP_FUNCTIONS } from '../functions/src/index.js';
import { buildConsole } from './local/console.js';
import { startGateway } from './local/gateway.js';
import { MissingPrerequisite } from './local/prerequisites.js';
import { PortInUse, splitHostPort } from './local/processes.js';
import { startEmulators } from './local/stack.js';
import {
  createSyncTickJob,
  demoClientBannerLine,
  registerDemoOAuthClient,
  wirePubSubPush,
} from './local/wiring.js';

/**
 * `npm start`: the whole product on this machine, offline (docs/operations.md#local-stack). Ports come from the standard
 * variables, with fixed defaults; Ctrl-C or SIGTERM stops everything it started.
 */

const env = process.env;
const projectId = env.GOOGLE_CLOUD_PROJECT || 'demo-crm-google-sync';
const region = env.REGION || 'us-central1';
const port = Number(env.PORT || 8080);
const addresses = {
  firestore: env.FIRESTORE_EMULATOR_HOST || '127.0.0.1:8081',
  pubsub: env.PUBSUB_EMULATOR_HOST || '127.0.0.1:8085',
  auth: env.FIREBASE_AUTH_EMULATOR_HOST || '127.0.0.1:9099',
  secretManager: env.SECRET_MANAGER_EMULATOR_HOST || '127.0.0.1:8090',
  scheduler: env.CLOUD_SCHEDULER_EMULATOR_HOST || '127.0.0.1:8091',
  googleApi: env.GOOGLE_API_BASE_URL ? undefined : `127.0.0.1:${env.GOOGLE_API_EMULATOR_PORT || 8092}`,
  mail: { imapPort: Number(env.LOCAL_IMAP_PORT || 8143), smtpPort: Number(env.LOCAL_SMTP_PORT || 8025) },
};
const publicBaseUrl = (env.PUBLIC_BASE_URL || `http://127.0.0.1:${port}`).replace(/\/+$/, '');
env.PUBLIC_BASE_URL = publicBaseUrl;
env.REGION = region;

let stopEmulators: (() => Promise<void>) | undefined;
let closeGateway: (() => Promise<void>) | undefined;
let stopping = false;

async function shutdown(exitCode: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    console.log('Stopping the local stack…');
    await closeGateway?.();
    await stopEmulators?.();
  }
  process.exit(exitCode);
}

process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

try {
  console.log(`Starting the local stack for project ${projectId}, and building the web console…`);
  const consoleBuilt = buildConsole();
  consoleBuilt.catch(() => undefined); // awaited below; this only keeps it from being unhandled meanwhile
  const emulators = await startEmulators(projectId, addresses, { verbose: env.VERBOSE === '1' });
  stopEmulators = emulators.stop;
  await consoleBuilt;
  const gateway = await startGateway({
    host: '127.0.0.1',
    port,
    functions: [...HTTP_FUNCTIONS, ...EVENT_FUNCTIONS],
  });
  closeGateway = gateway.close;
  await wirePubSubPush(projectId, gateway.url);
  const job = await createSyncTickJob(addresses.scheduler, projectId, region, publicBaseUrl);
  const { host: schedulerHost } = splitHostPort(addresses.scheduler);
  const demoClient = addresses.googleApi && emulators.googleApiBaseUrl;
  if (demoClient) await registerDemoOAuthClient(emulators.googleApiBaseUrl ?? '', publicBaseUrl);
  console.log(`Firestore emulator:       ${addresses.firestore}`);
  console.log(`Pub/Sub emulator:         ${addresses.pubsub}`);
  console.log(`Auth emulator:            ${addresses.auth}`);
  console.log(`Secret Manager emulator:  http://${addresses.secretManager}`);
  console.log(`Cloud Scheduler emulator: http://${addresses.scheduler} (job ${job} on ${schedulerHost})`);
  console.log(`IMAP server (Dovecot):    127.0.0.1:${addresses.mail.imapPort} (XOAUTH2)`);
  console.log(`SMTP server:              127.0.0.1:${addresses.mail.smtpPort} (XOAUTH2)`);
  for (const name of HTTP_FUNCTIONS) console.log(`function ${name.padEnd(14)} ${publicBaseUrl}/${name}`);
  console.log(`Web console:              ${publicBaseUrl}/app/`);
  if (demoClient) {
    console.log(demoClientBannerLine());
  }
  console.log(`GOOGLE_API_BASE_URL=${emulators.googleApiBaseUrl}`);
  console.log(`READY ${publicBaseUrl}`);
} catch (error) {
  console.error(error instanceof MissingPrerequisite || error instanceof PortInUse ? error.message : error);
  await shutdown(1);
}
