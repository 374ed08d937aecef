import { EVENT_FUNCTIONS, HTTP_FUNCTIONS } from '../../functions/src/index.js';
import type { Dovecot } from '../../scripts/local/dovecot.js';
import { type Gateway, startGateway } from '../../scripts/local/gateway.js';
import { freePort } from '../../scripts/local/processes.js';
import type { LocalSmtpServer } from '../../scripts/local/smtpServer.js';
import { startEmulators } from '../../scripts/local/stack.js';

/**
 * The emulators for integration tests: started once per mocha run, on the first suite that asks,
 * on free ports (so `npm test` runs beside `npm start`), and stopped by the global teardown. The
 * product's code runs in this process behind a real gateway, as it runs under `npm start`.
 */

export interface TestStack {
  projectId: string;
  gateway: Gateway;
  baseUrl: string;
  googleApiBaseUrl: string;
  hosts: { firestore: string; pubsub: string; auth: string; secretManager: string; scheduler: string };
  /** The local Dovecot and SMTP server the Gmail provider is preset to. */
  dovecot: Dovecot;
  smtp: LocalSmtpServer;
  stop: () => Promise<void>;
}

let started: Promise<TestStack> | undefined;

async function start(): Promise<TestStack> {
  const projectId = 'demo-crm-google-sync-test';
  const host = async () => `127.0.0.1:${await freePort()}`;
  const hosts = {
    firestore: await host(),
    pubsub: await host(),
    auth: await host(),
    secretManager: await host(),
    scheduler: await host(),
  };
  const gatewayPort = await freePort();
  const baseUrl = `http://127.0.0.1:${gatewayPort}`;
  process.env.PUBLIC_BASE_URL = baseUrl;
  process.env.REGION = 'us-central1';
  const mail = { imapPort: await freePort(), smtpPort: await freePort() };
  const emulators = await startEmulators(projectId, { ...hosts, googleApi: await host(), mail });
  const gateway = await startGateway({
    host: '127.0.0.1',
    port: gatewayPort,
    functions: [...HTTP_FUNCTIONS, ...EVENT_FUNCTIONS],
  });
  return {
    projectId,
    gateway,
    baseUrl,
    googleApiBaseUrl: emulators.googleApiBaseUrl ?? '',
    hosts,
    dovecot: emulators.dovecot,
    smtp: emulators.smtp,
    stop: async () => {
      await gateway.close();
      await emulators.stop();
    },
  };
}

/** The shared emulator stack; call from a `before` hook with a generous timeout. */
export function testStack(): Promise<TestStack> {
  started ??= start();
  return started;
}

export async function stopTestStack(): Promise<void> {
  if (started) await (await started).stop();
}

/** Deletes every Firestore document of the test project (the emulator's own reset endpoint). */
export async function resetFirestore(stack: TestStack): Promise<void> {
  const url = `http://${stack.hosts.firestore}/emulator/v1/projects/${stack.projectId}/databases/(default)/documents`;
  const response = await fetch(url, { method: 'DELETE' });
  if (!response.ok) throw new Error(`Firestore reset failed: ${response.status}`);
}
