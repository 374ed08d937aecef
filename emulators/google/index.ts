import type { AddressInfo } from 'node:net';
import type { Now } from './clock.js';
import { createEmulatorServer } from './server.js';
import { type EmulatorSeed, EmulatorState } from './state/state.js';

export { GoogleEmulatorControl } from './control-client.js';
export type { EmulatorSeed } from './state/state.js';
export { EmulatorState } from './state/state.js';

export interface GoogleEmulatorOptions {
  host?: string;
  /** 0 picks a free port. */
  port: number;
  /** Base clock; the control API and `state.clock.advance()` add an offset on top of it. */
  clock?: Now;
  /** Accounts and OAuth clients created at start and again on every reset. */
  seed?: EmulatorSeed;
}

export interface GoogleEmulator {
  /** Origin to use as GOOGLE_API_BASE_URL, e.g. `http://127.0.0.1:4010`. */
  url: string;
  port: number;
  state: EmulatorState;
  close(): Promise<void>;
}

export async function startGoogleEmulator(options: GoogleEmulatorOptions): Promise<GoogleEmulator> {
  const host = options.host ?? '127.0.0.1';
  const state = new EmulatorState({ now: options.clock, seed: options.seed });
  let url = '';
  const server = createEmulatorServer(state, () => url);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    url,
    port,
    state,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
