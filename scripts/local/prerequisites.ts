import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The machine-level tools the local stack needs and npm cannot install (docs/operations.md#machine-prerequisites): the gcloud
 * CLI with the Firestore and Pub/Sub emulator components, and Java 17+. Checked first so that a
 * missing one is named in one clear line instead of a stack trace minutes later.
 */

export class MissingPrerequisite extends Error {
  override name = 'MissingPrerequisite';
}

export interface Prerequisites {
  gcloud: string;
  sdkRoot: string;
}

/** Output (stdout then stderr) of a command, or undefined when it cannot be run at all. */
function run(command: string, args: string[]): string | undefined {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.error) return undefined;
  return `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
}

export function checkPrerequisites(): Prerequisites {
  const java = run('java', ['-version']);
  if (java === undefined) {
    throw new MissingPrerequisite(
      'Java 17 or newer is required for the Firestore and Pub/Sub emulators: install a JDK (e.g. apt-get install openjdk-17-jre-headless).',
    );
  }
  const javaMajor = Number(/version "(\d+)/.exec(java)?.[1] ?? 0);
  if (javaMajor < 17)
    throw new MissingPrerequisite(`Java 17 or newer is required; found: ${java.split('\n')[0]}`);
  const sdkRoot = run('gcloud', ['info', '--format=value(installation.sdk_root)'])?.split('\n')[0];
  if (!sdkRoot || !existsSync(sdkRoot)) {
    throw new MissingPrerequisite(
      'The Google Cloud CLI (gcloud) is required: install it with the cloud-firestore-emulator and pubsub-emulator components (https://cloud.google.com/sdk/docs/install).',
    );
  }
  const components = {
    'cloud-firestore-emulator': join(sdkRoot, 'platform', 'cloud-firestore-emulator'),
    'pubsub-emulator': join(sdkRoot, 'platform', 'pubsub-emulator'),
  };
  for (const [component, path] of Object.entries(components)) {
    if (!existsSync(path)) {
      throw new MissingPrerequisite(
        `The gcloud component ${component} is missing: run \`gcloud components install ${component}\` (or apt-get install google-cloud-cli-${component.replace('cloud-', '')}).`,
      );
    }
  }
  return { gcloud: 'gcloud', sdkRoot };
}

/**
 * A Debian package the stack or the tests need and npm cannot bring (MACHINE-NOTES: a fresh machine
 * lacks Dovecot and Chromium): as root with apt it is installed here, saying so in one line, as
 * Playwright's `install --with-deps` does; elsewhere the missing package is named and we stop.
 */
export function ensureDebianPackage(binary: string, pkg: string, purpose: string): string {
  if (existsSync(binary)) return binary;
  const root = process.getuid?.() === 0;
  if (!root || run('apt-get', ['--version']) === undefined) {
    throw new MissingPrerequisite(
      `${purpose} needs ${binary}: install the Debian package ${pkg} (sudo apt-get install ${pkg}).`,
    );
  }
  console.log(`Installing ${pkg} with apt-get (${purpose})…`);
  // Wait for the dpkg lock rather than fail when another apt run holds it.
  const lock = ['-o', 'DPkg::Lock::Timeout=300'];
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [
    ['update', ...lock],
    ['install', '-y', '--no-install-recommends', ...lock, pkg],
  ]) {
    const result = spawnSync('apt-get', ['-q', ...args], { encoding: 'utf8', env });
    if (result.status !== 0) {
      throw new MissingPrerequisite(
        `Installing ${pkg} failed (apt-get ${args[0]}): ${(result.stderr || result.stdout).trim().split('\n').slice(-3).join(' ')}`,
      );
    }
  }
  if (!existsSync(binary)) throw new MissingPrerequisite(`${pkg} was installed but ${binary} is missing.`);
  return binary;
}

/** The local IMAP server is Debian's Dovecot (`dovecot-imapd`, MACHINE-NOTES "Mail servers"). */
export function ensureDovecot(): string {
  return ensureDebianPackage('/usr/sbin/dovecot', 'dovecot-imapd', 'the local IMAP server for mail');
}
