/** The largest request body the HTTP functions accept (SPEC §4.3: "Bodies are at most 1 MiB"). */
export const MAX_BODY_BYTES = 1024 * 1024;
