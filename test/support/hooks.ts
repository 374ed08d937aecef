import { stopTestStack } from './stack.js';

/** Mocha global fixture: stops the emulators that any suite started, so nothing is left running. */
export async function mochaGlobalTeardown(): Promise<void> {
  await stopTestStack();
}
