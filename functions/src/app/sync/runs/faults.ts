import { AppError } from '../../../errors.js';

/**
 * Faults of our own infrastructure that a later attempt may not meet: Firestore (or Pub/Sub)
 * answering with a retryable gRPC status. Only these make `syncUser` throw, so Pub/Sub redelivers
 * the message (https://cloud.google.com/functions/docs/bestpractices/retries); everything else is
 * recorded in the run and the message is acknowledged, so a bad message cannot loop for ever.
 * gRPC codes: https://grpc.github.io/grpc/core/md_doc_statuscodes.html (HTTP statuses, which Google
 * API errors carry in their `code`, are 100 and above and never collide with these).
 */
const RETRYABLE_GRPC_CODES = new Set([
  4, // DEADLINE_EXCEEDED
  8, // RESOURCE_EXHAUSTED
  10, // ABORTED (transaction contention beyond the client's own retries)
  14, // UNAVAILABLE
]);

export function isTransientInfrastructureFault(error: unknown): boolean {
  if (error instanceof AppError || typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'number' && RETRYABLE_GRPC_CODES.has(code);
}
