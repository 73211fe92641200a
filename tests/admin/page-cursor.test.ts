/**
 * lib/admin/page-cursor: the URL value that lets forward-only page tokens (Cognito, DynamoDB) go back too.
 * Pure functions; the browser walk over real Cognito stand-in pages is in e2e/admin.spec.ts.
 */
import { describe, expect, it } from 'vitest';
import {
  FIRST_PAGE,
  MAX_BACK,
  MAX_CURSOR_CHARS,
  nextPageCursor,
  previousPageCursor,
  readPageCursor,
  writePageCursor,
  type PageCursor,
} from '@/lib/admin/page-cursor';

/** Walks forward through pages whose backend tokens are t2, t3, … and returns the cursor of `page`. */
function walkTo(page: number, token = (n: number) => `t${n}`): PageCursor {
  let cursor = FIRST_PAGE;
  for (let n = 2; n <= page; n++) cursor = readPageCursor(writePageCursor(nextPageCursor(cursor, token(n))));
  return cursor;
}

describe('Method: page cursor', () => {
  it('has no URL value on the first page and no previous page there', () => {
    expect(writePageCursor(FIRST_PAGE)).toBeUndefined();
    expect(readPageCursor(undefined)).toEqual(FIRST_PAGE);
    expect(readPageCursor('')).toEqual(FIRST_PAGE);
    expect(previousPageCursor(FIRST_PAGE)).toBeUndefined();
  });

  it('goes forward and back through the same tokens, numbering pages', () => {
    const third = walkTo(3);
    expect(third).toEqual({ number: 3, token: 't3', back: ['', 't2'] });
    expect(writePageCursor(third)).toMatch(/^[A-Za-z0-9_-]+$/);
    const second = previousPageCursor(third)!;
    expect(second).toEqual({ number: 2, token: 't2', back: [''] });
    const first = previousPageCursor(second)!;
    expect(first).toEqual({ number: 1, token: undefined, back: [] });
    expect(writePageCursor(first)).toBeUndefined();
  });

  it(`keeps at most ${MAX_BACK} earlier pages; beyond that "previous" stops but the number stays right`, () => {
    let cursor = walkTo(MAX_BACK + 6);
    expect(cursor.number).toBe(MAX_BACK + 6);
    expect(cursor.back).toHaveLength(MAX_BACK);
    let steps = 0;
    for (let prev = previousPageCursor(cursor); prev; prev = previousPageCursor(cursor)) {
      cursor = prev;
      steps++;
    }
    expect(steps).toBe(MAX_BACK);
    expect(cursor).toEqual({ number: 6, token: 't6', back: [] });
  });

  it(`stays under ${MAX_CURSOR_CHARS} characters with long tokens by dropping the oldest`, () => {
    const cursor = walkTo(12, (n) => `${n}-`.padEnd(300, 'x'));
    const value = writePageCursor(cursor)!;
    expect(value.length).toBeLessThanOrEqual(MAX_CURSOR_CHARS);
    const read = readPageCursor(value);
    expect(read.number).toBe(12);
    expect(read.token).toBe(cursor.token);
    expect(read.back.length).toBeGreaterThan(0);
    expect(read.back.length).toBeLessThan(11);
    expect(read.back.at(-1)).toBe(cursor.back.at(-1));
  });

  it.each([
    ['not base64 JSON', '%%%'],
    ['JSON of the wrong shape', Buffer.from(JSON.stringify({ n: 0, b: [] })).toString('base64url')],
    ['a bare token from an old link', Buffer.from(JSON.stringify('abc')).toString('base64url')],
  ])('refuses %s as a damaged page link', (_what, value) => {
    expect(() => readPageCursor(value)).toThrow(/page link is damaged/);
  });
});
