import { Firestore } from '@google-cloud/firestore';
import { config } from '../../config.js';

/** One Firestore client per process (the client honours FIRESTORE_EMULATOR_HOST by itself). */
let client: Firestore | undefined;

export function firestore(): Firestore {
  client ??= new Firestore({ projectId: config().projectId, ignoreUndefinedProperties: true });
  return client;
}
