import { nextPageCursor, previousPageCursor, writePageCursor } from '@/lib/admin/page-cursor';
import type { CursorRead, PageCursor } from '@/lib/admin/page-cursor';
import { Pager } from './page-parts';

/** `path` with the list's `search` and, past the first page, the cursor `at` as `page`. */
export function cursorHref(path: string, search: URLSearchParams, at?: PageCursor): string {
  const params = new URLSearchParams(search);
  const page = at && writePageCursor(at);
  if (page) params.set('page', page);
  return `${path}${params.size ? `?${params}` : ''}`;
}

/**
 * The Pager under a list read with readCursorPage (none when it could not be read): `href(at)` links the list
 * at `at` (no `at`: its first page); "Next" shows when the backend returned a `nextToken`.
 */
export function CursorPager({
  list: { cursor, page, error },
  href,
  ...labels
}: {
  list: CursorRead<{ nextToken?: string }>;
  href: (at?: PageCursor) => string;
  firstLabel?: string;
  previousLabel?: string;
  nextLabel?: string;
}) {
  if (error) return null;
  const previous = previousPageCursor(cursor);
  const nextToken = page?.nextToken;
  return (
    <Pager
      number={cursor.number}
      firstHref={href()}
      previousHref={previous ? href(previous) : undefined}
      nextHref={nextToken ? href(nextPageCursor(cursor, nextToken)) : undefined}
      {...labels}
    />
  );
}
