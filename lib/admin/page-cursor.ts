import { z } from 'zod';
import { InputInvalidError, isPortalError } from '@/lib/errors';

/**
 * A list position that can also go back. Cognito's and DynamoDB's page tokens only go forward, so the
 * cursor carries the token of the page shown plus the tokens of the pages before it ('' = the first page).
 * It travels in the URL as one opaque base64url value. It is bounded so links stay short: beyond
 * MAX_BACK pages, or when the value would pass MAX_CURSOR_CHARS, the oldest entries are dropped and
 * "Previous page" stops there ("First page" still works).
 */
export interface PageCursor {
  /** 1-based number of the page shown. */
  number: number;
  /** The backend's opaque token for the page shown; undefined on the first page. */
  token?: string;
  /** Tokens of earlier pages, oldest first; '' is the first page. */
  back: string[];
}

export const MAX_BACK = 20;
export const MAX_CURSOR_CHARS = 2000;
const MAX_TOKEN_CHARS = 1500;

const wireSchema = z.object({
  n: z.number().int().min(1).max(10_000_000),
  t: z.string().min(1).max(MAX_TOKEN_CHARS).optional(),
  b: z.array(z.string().max(MAX_TOKEN_CHARS)).max(MAX_BACK),
});

export const FIRST_PAGE: PageCursor = Object.freeze({ number: 1, back: [] }) as PageCursor;

function encode(cursor: PageCursor): string {
  return Buffer.from(JSON.stringify({ n: cursor.number, t: cursor.token, b: cursor.back }), 'utf8').toString(
    'base64url',
  );
}

/** The cursor in a page link; the first page when absent. A damaged value is bad input. */
export function readPageCursor(value: string | undefined | null): PageCursor {
  if (!value) return FIRST_PAGE;
  let parsed;
  try {
    parsed = wireSchema.safeParse(JSON.parse(Buffer.from(value, 'base64url').toString('utf8')));
  } catch (cause) {
    throw new InputInvalidError('The page link is damaged; start again from the first page.', { cause });
  }
  if (!parsed.success) throw new InputInvalidError('The page link is damaged; start again from the first page.');
  const { n, t, b } = parsed.data;
  return { number: n, token: t, back: b };
}

/** The URL value of a cursor; undefined for the first page (its link carries no cursor). */
export function writePageCursor(cursor: PageCursor): string | undefined {
  if (cursor.number === 1 && !cursor.token) return undefined;
  let back = cursor.back.slice(-MAX_BACK);
  let encoded = encode({ ...cursor, back });
  while (encoded.length > MAX_CURSOR_CHARS && back.length) {
    back = back.slice(1);
    encoded = encode({ ...cursor, back });
  }
  return encoded;
}

/** The page after `cursor`, reached with the backend's `nextToken`. */
export function nextPageCursor(cursor: PageCursor, nextToken: string): PageCursor {
  return { number: cursor.number + 1, token: nextToken, back: [...cursor.back, cursor.token ?? ''].slice(-MAX_BACK) };
}

/** The page before `cursor`, or undefined on the first page or when the bounded history has run out. */
export function previousPageCursor(cursor: PageCursor): PageCursor | undefined {
  if (cursor.number <= 1 || !cursor.back.length) return undefined;
  const token = cursor.back[cursor.back.length - 1];
  return { number: cursor.number - 1, token: token || undefined, back: cursor.back.slice(0, -1) };
}

/** One page of a cursor-paged list as a page shows it: where it is, what the backend returned, or why it could not. */
export interface CursorRead<P extends { nextToken?: string }> {
  cursor: PageCursor;
  page?: P;
  /** A portal error's message (bad page link, backend refusal); anything else is thrown. */
  error?: string;
}

/** Reads the page the link's `page` value points at with `load`; a portal error becomes `error`. */
export async function readCursorPage<P extends { nextToken?: string }>(
  raw: string | undefined,
  load: (cursor: PageCursor) => Promise<P>,
): Promise<CursorRead<P>> {
  let cursor = FIRST_PAGE;
  try {
    cursor = readPageCursor(raw);
    return { cursor, page: await load(cursor) };
  } catch (e) {
    if (!isPortalError(e)) throw e;
    return { cursor, error: e.message };
  }
}
