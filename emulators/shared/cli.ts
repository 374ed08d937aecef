/**
 * The command line of a local REST emulator: `--port N [--host H]`, `READY <url>` once it listens,
 * SIGINT/SIGTERM stop it.
 */
import { parseArgs } from 'node:util';
import type { RunningServer } from './rest-server.js';

export async function runEmulatorCli(
  name: string,
  start: (options: { host: string; port: number }) => Promise<RunningServer>,
): Promise<void> {
  const { values } = parseArgs({
    options: { port: { type: 'string', default: '0' }, host: { type: 'string', default: '127.0.0.1' } },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`${name} emulator: --port must be 0-65535, got "${values.port}"`);
    process.exit(2);
  }

  const emulator = await start({ host: values.host, port });
  console.log(`READY ${emulator.url}`);

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      emulator.close().finally(() => process.exit(0));
    });
  }
}
