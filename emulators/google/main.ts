/**
 * `npm run emulator:google -- --port N [--host H]` — the Google API emulator alone.
 * Prints `READY <url>` once it listens; stops on SIGINT/SIGTERM.
 */
import { startGoogleEmulator } from './index.js';

function arg(name: string): string | undefined {
  const args = process.argv.slice(2);
  const i = args.indexOf(`--${name}`);
  if (i >= 0) return args[i + 1];
  const inline = args.find((a) => a.startsWith(`--${name}=`));
  return inline?.slice(name.length + 3);
}

const portText = arg('port') ?? process.env.GOOGLE_API_EMULATOR_PORT ?? '0';
const port = Number(portText);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`Invalid --port: ${portText}`);
  process.exit(2);
}

const emulator = await startGoogleEmulator({ port, host: arg('host') ?? '127.0.0.1' });
console.log(`READY ${emulator.url}`);

const stop = () => {
  emulator.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
