/** List paging for the local REST emulators: `pageSize` and opaque `pageToken`s. */
import { ApiError } from './api-error.js';

/** Opaque page tokens: the offset into the (stable-ordered) collection. */
function pageOf<T>(
  items: readonly T[],
  pageSize: number,
  pageToken: string,
): { page: T[]; nextPageToken: string } {
  let offset = 0;
  if (pageToken !== '') {
    offset = Number(
      Buffer.from(pageToken, 'base64url')
        .toString('utf8')
        .replace(/^offset:/, ''),
    );
    if (!Number.isInteger(offset) || offset < 0)
      throw new ApiError('INVALID_ARGUMENT', 'Invalid page token.');
  }
  const end = offset + pageSize;
  const nextPageToken = end < items.length ? Buffer.from(`offset:${end}`).toString('base64url') : '';
  return { page: items.slice(offset, end), nextPageToken };
}

/** `pageSize` query value: 0/absent means "server decides" (= max), larger values are capped. */
function pageSizeParam(url: URL, max: number): number {
  const raw = url.searchParams.get('pageSize');
  const size = raw === null ? 0 : Number(raw);
  if (!Number.isInteger(size) || size < 0) throw new ApiError('INVALID_ARGUMENT', 'pageSize must be >= 0.');
  return size === 0 ? max : Math.min(size, max);
}

/** The page a list request asks for with its `pageSize` and `pageToken` query parameters. */
export function requestedPage<T>(
  items: readonly T[],
  url: URL,
  maxPageSize: number,
): { page: T[]; nextPageToken: string } {
  return pageOf(items, pageSizeParam(url, maxPageSize), url.searchParams.get('pageToken') ?? '');
}
