/**
 * CLI: `tsx emulators/scheduler/main.ts --port N [--host H]` starts the Cloud Scheduler emulator
 * (real clock: jobs fire on their schedule) and prints `READY <url>` once it listens.
 * SIGINT/SIGTERM stop it.
 */
import { runEmulatorCli } from '../shared/cli.js';
import { startSchedulerEmulator } from './index.js';

await runEmulatorCli('scheduler', startSchedulerEmulator);
