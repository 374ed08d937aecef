import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Prerequisites } from './prerequisites.js';
import { freePort, type ManagedProcess, splitHostPort, startProcess, waitForHttp } from './processes.js';

/**
 * Google's own emulators, started as docs/operations.md#machine-prerequisites found they work here: Firestore and Pub/Sub
 * through gcloud, and the Firebase Auth emulator through firebase-tools 14 (15 wants Java 21).
 */

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const START_TIMEOUT_MS = 90_000;

export async function startFirestoreEmulator(prereq: Prerequisites, hostPort: string, verbose = false) {
  const proc = startProcess(
    'firestore-emulator',
    prereq.gcloud,
    ['emulators', 'firestore', 'start', `--host-port=${hostPort}`, '--quiet'],
    { verbose },
  );
  await waitForHttp(`http://${hostPort}/`, proc, START_TIMEOUT_MS);
  return proc;
}

export async function startPubsubEmulator(
  prereq: Prerequisites,
  hostPort: string,
  projectId: string,
  verbose = false,
) {
  const proc = startProcess(
    'pubsub-emulator',
    prereq.gcloud,
    ['beta', 'emulators', 'pubsub', 'start', `--host-port=${hostPort}`, `--project=${projectId}`, '--quiet'],
    { verbose },
  );
  await waitForHttp(`http://${hostPort}/`, proc, START_TIMEOUT_MS);
  return proc;
}

/**
 * The Auth emulator alone, from a generated firebase.json whose hub and logging ports are free ones
 * (their fixed defaults collide when two stacks run at once) and with the emulator UI off.
 */
export async function startAuthEmulator(
  hostPort: string,
  projectId: string,
  verbose = false,
): Promise<ManagedProcess> {
  const { host, port } = splitHostPort(hostPort);
  const dir = mkdtempSync(join(tmpdir(), 'crm-google-sync-auth-'));
  const firebaseJson = {
    emulators: {
      auth: { host, port },
      hub: { host: '127.0.0.1', port: await freePort() },
      logging: { host: '127.0.0.1', port: await freePort() },
      ui: { enabled: false },
      singleProjectMode: true,
    },
  };
  writeFileSync(join(dir, 'firebase.json'), JSON.stringify(firebaseJson));
  const firebaseBin = join(repoRoot, 'node_modules', '.bin', 'firebase');
  const proc = startProcess(
    'auth-emulator',
    firebaseBin,
    ['emulators:start', '--only', 'auth', '--project', projectId, '--config', join(dir, 'firebase.json')],
    { cwd: dir, verbose, env: { NO_UPDATE_NOTIFIER: '1', FIREBASE_CLI_DISABLE_UPDATE_CHECK: 'true' } },
  );
  await waitForHttp(`http://${hostPort}/`, proc, START_TIMEOUT_MS);
  return proc;
}
