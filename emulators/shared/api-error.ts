/**
 * Errors in Google's shape for the local REST emulators (Secret Manager, Cloud Scheduler): the
 * canonical google.rpc codes and their HTTP statuses.
 */

/**
 * google.rpc.Code numbers and their HTTP status, as mapped in
 * https://cloud.google.com/apis/design/errors#handling_errors (see docs/google-apis.md#secret-manager-and-cloud-scheduler).
 */
export const RPC_CODES = {
  OK: { code: 0, http: 200 },
  CANCELLED: { code: 1, http: 499 },
  UNKNOWN: { code: 2, http: 500 },
  INVALID_ARGUMENT: { code: 3, http: 400 },
  DEADLINE_EXCEEDED: { code: 4, http: 504 },
  NOT_FOUND: { code: 5, http: 404 },
  ALREADY_EXISTS: { code: 6, http: 409 },
  PERMISSION_DENIED: { code: 7, http: 403 },
  RESOURCE_EXHAUSTED: { code: 8, http: 429 },
  FAILED_PRECONDITION: { code: 9, http: 400 },
  ABORTED: { code: 10, http: 409 },
  OUT_OF_RANGE: { code: 11, http: 400 },
  UNIMPLEMENTED: { code: 12, http: 501 },
  INTERNAL: { code: 13, http: 500 },
  UNAVAILABLE: { code: 14, http: 503 },
  DATA_LOSS: { code: 15, http: 500 },
  UNAUTHENTICATED: { code: 16, http: 401 },
} as const;

export type RpcStatusName = keyof typeof RPC_CODES;

/** An error the emulator answers with, in Google's shape. */
export class ApiError extends Error {
  constructor(
    readonly status: RpcStatusName,
    message: string,
  ) {
    super(message);
  }
}
