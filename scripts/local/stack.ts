import { startGoogleEmulator } from '../../emulators/google/index.js';
import { startSchedulerEmulator } from '../../emulators/scheduler/index.js';
import { startSecretManagerEmulator } from '../../emulators/secret-manager/index.js';
import { startAuthEmulator, startFirestoreEmulator, startPubsubEmulator } from './cloudEmulators.js';
import { type Dovecot, startDovecot } from './dovecot.js';
import { checkPrerequisites, ensureDovecot } from './prerequisites.js';
import { ensurePortsFree, splitHostPort } from './processes.js';
import { type LocalSmtpServer, startSmtpServer } from './smtpServer.js';

/**
 * Starts the emulators of the local stack (docs/operations.md#local-stack) on the given host:port pairs and sets the
 * standard emulator variables, so that the product's code (and Google's client libraries) in this
 * process use them. Shared by `npm start` and the integration tests.
 */

export interface EmulatorAddresses {
  firestore: string;
  pubsub: string;
  auth: string;
  secretManager: string;
  scheduler: string;
  /** Set to start our Google API emulator on it; omit when GOOGLE_API_BASE_URL points elsewhere. */
  googleApi?: string;
  /** Ports of the local IMAP (Dovecot) and SMTP servers on 127.0.0.1 (docs/operations.md#local-stack). */
  mail: { imapPort: number; smtpPort: number };
}

export interface RunningEmulators {
  googleApiBaseUrl?: string;
  dovecot: Dovecot;
  smtp: LocalSmtpServer;
  stop: () => Promise<void>;
}

/** Every port the emulators and mail servers bind. */
function portsOf(addresses: EmulatorAddresses): { name: string; host: string; port: number }[] {
  const named: [string, string | undefined][] = [
    ['Firestore emulator', addresses.firestore],
    ['Pub/Sub emulator', addresses.pubsub],
    ['Auth emulator', addresses.auth],
    ['Secret Manager emulator', addresses.secretManager],
    ['Cloud Scheduler emulator', addresses.scheduler],
    ['Google API emulator', addresses.googleApi],
  ];
  return [
    ...named.flatMap(([name, address]) => (address ? [{ name, ...splitHostPort(address) }] : [])),
    { name: 'IMAP server', host: '127.0.0.1', port: addresses.mail.imapPort },
    { name: 'SMTP server', host: '127.0.0.1', port: addresses.mail.smtpPort },
  ];
}

export async function startEmulators(
  projectId: string,
  addresses: EmulatorAddresses,
  options: { verbose?: boolean } = {},
): Promise<RunningEmulators> {
  await ensurePortsFree(portsOf(addresses));
  const prerequisites = checkPrerequisites();
  ensureDovecot();
  // Offline there is no GCE metadata server: tell google-auth-library not to probe for one (it would
  // send requests off this machine and print MetadataLookupWarning). In the cloud this is unset.
  process.env.METADATA_SERVER_DETECTION = 'none';
  const stoppers: Array<() => Promise<void>> = [];
  const stop = async () => {
    await Promise.allSettled(stoppers.splice(0).map((stopOne) => stopOne()));
  };
  try {
    const verbose = options.verbose ?? false;
    const track = <T extends { stop?: () => Promise<void>; close?: () => Promise<void> }>(started: T) => {
      stoppers.push(async () => {
        await (started.stop ?? started.close)?.call(started);
      });
      return started;
    };
    const google = addresses.googleApi ? splitHostPort(addresses.googleApi) : undefined;
    const [, , , , , googleEmulator] = await Promise.all([
      startFirestoreEmulator(prerequisites, addresses.firestore, verbose).then(track),
      startPubsubEmulator(prerequisites, addresses.pubsub, projectId, verbose).then(track),
      startAuthEmulator(addresses.auth, projectId, verbose).then(track),
      startSecretManagerEmulator(splitHostPort(addresses.secretManager)).then(track),
      startSchedulerEmulator(splitHostPort(addresses.scheduler)).then(track),
      google ? startGoogleEmulator(google).then(track) : Promise.resolve(undefined),
    ]);
    const googleApiBaseUrl = googleEmulator?.url ?? process.env.GOOGLE_API_BASE_URL ?? '';
    // Both check XOAUTH2 tokens at the Google emulator's tokeninfo, so they start after it.
    const dovecot = track(await startDovecot(addresses.mail.imapPort, googleApiBaseUrl));
    const smtp = track(
      await startSmtpServer({
        port: addresses.mail.smtpPort,
        googleApiBaseUrl,
        imap: { port: dovecot.port, seedPassword: dovecot.seedPassword },
      }),
    );
    Object.assign(process.env, {
      LOCAL_IMAP_PORT: String(addresses.mail.imapPort),
      LOCAL_SMTP_PORT: String(addresses.mail.smtpPort),
      GOOGLE_CLOUD_PROJECT: projectId,
      FIRESTORE_EMULATOR_HOST: addresses.firestore,
      PUBSUB_EMULATOR_HOST: addresses.pubsub,
      FIREBASE_AUTH_EMULATOR_HOST: addresses.auth,
      SECRET_MANAGER_EMULATOR_HOST: addresses.secretManager,
      CLOUD_SCHEDULER_EMULATOR_HOST: addresses.scheduler,
      ...(googleEmulator ? { GOOGLE_API_BASE_URL: googleEmulator.url } : {}),
    });
    return { googleApiBaseUrl, dovecot, smtp, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
