/** The largest request body the HTTP functions accept (docs/api.md: "Bodies are at most 1 MiB"). */
export const MAX_BODY_BYTES = 1024 * 1024;
