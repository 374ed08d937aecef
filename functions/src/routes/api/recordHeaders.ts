/** The headers of optimistic concurrency, as every record route documents them (docs/api.md#etags). */

export const IF_MATCH =
  'The `version` you last read, as `"<version>"`: the write is refused with 412 if the record changed since.';

export const RECORD_ETAG = { ETag: 'The record\'s `version`, as `"<version>"`; send it back in If-Match.' };
