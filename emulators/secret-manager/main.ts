/**
 * CLI: `tsx emulators/secret-manager/main.ts --port N [--host H]` starts the Secret Manager
 * emulator and prints `READY <url>` once it listens. SIGINT/SIGTERM stop it.
 */
import { parseArgs } from 'node:util';
import { startSecretManagerEmulator } from './index.js';

const { values } = parseArgs({
  options: { port: { type: 'string', default: '0' }, host: { type: 'string', default: '127.0.0.1' } },
});
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`secret-manager emulator: --port must be 0-65535, got "${values.port}"`);
  process.exit(2);
}

const emulator = await startSecretManagerEmulator({ host: values.host, port });
console.log(`READY ${emulator.url}`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    emulator.close().finally(() => process.exit(0));
  });
}
