/**
 * CLI: `tsx emulators/secret-manager/main.ts --port N [--host H]` starts the Secret Manager
 * emulator and prints `READY <url>` once it listens. SIGINT/SIGTERM stop it.
 */
import { runEmulatorCli } from '../shared/cli.js';
import { startSecretManagerEmulator } from './index.js';

await runEmulatorCli('secret-manager', startSecretManagerEmulator);
