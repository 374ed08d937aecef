import assert from 'node:assert/strict';
import { rpcStatusOf } from '../../functions/src/adapters/googleCloudClientOptions.js';

/** Runs `call`, expects a rejection, and returns the rejection's canonical status and message. */
export async function failure(
  call: () => Promise<unknown>,
): Promise<{ status: string | undefined; message: string }> {
  try {
    await call();
  } catch (error) {
    return { status: rpcStatusOf(error), message: String((error as Error).message) };
  }
  assert.fail('expected the call to be refused');
}
