/**
 * A record of one side that the sync cannot read (a Google event whose times parse to nothing, a
 * dateTime without an offset in an unknown time zone, a shape the mapping does not know). Thrown
 * while reading the record, it becomes that record's item error with the reason (docs/behaviour.md#running-syncs): never
 * skipped without a word, never the end of the run.
 */
export class UnreadableRecordError extends Error {
  override name = 'UnreadableRecordError';
  constructor(
    /** Says which part could not be read and why, in words a user can act on. */
    readonly reason: string,
  ) {
    super(reason);
  }
}
