/**
 * The recommendation rule of issue 27 item 5 at its edges (lib/admin/review-recommendations.ts): remove when
 * no launch is known or the last one is more than 90 days old, keep when it is in the current UTC calendar
 * month, nothing in between; decided rows get none. The page and "Apply recommendations" are tested over
 * HTTP (tests/reviews/review-reminders.test.ts) and in the browser (e2e/review-recommendations.spec.ts).
 */
import { describe, expect, it } from 'vitest';
import { recommend, recommendationOf, recommendationTextOf } from '@/lib/admin/review-recommendations';

const DAY = 24 * 3600 * 1000;
const at = (iso: string) => new Date(iso);

describe('recommend', () => {
  const now = at('2026-12-07T12:00:00.000Z');

  it('suggests remove without a known launch, or when the last one is more than 90 days old', () => {
    expect(recommend(null, now)).toBe('remove');
    expect(recommend(undefined, now)).toBe('remove');
    expect(recommend(new Date(now.getTime() - 90 * DAY - 1).toISOString(), now)).toBe('remove');
  });

  it('suggests nothing for a launch 90 days ago or less but before this month', () => {
    expect(recommend(new Date(now.getTime() - 90 * DAY).toISOString(), now)).toBeUndefined();
    expect(recommend('2026-11-30T23:59:59.999Z', now)).toBeUndefined();
  });

  it('suggests keep from 00:00 UTC on the first of the current month', () => {
    expect(recommend('2026-12-01T00:00:00.000Z', now)).toBe('keep');
    expect(recommend(now.toISOString(), now)).toBe('keep');
    // On the 1st, yesterday's launch is last month: no suggestion.
    expect(recommend('2026-12-31T22:00:00.000Z', at('2027-01-01T00:30:00.000Z'))).toBeUndefined();
  });

  it('gives decided rows no suggestion', () => {
    expect(recommendationOf({ decision: 'keep', lastUsed: null }, now)).toBeUndefined();
    expect(recommendationOf({ lastUsed: null }, now)).toBe('remove');
  });

  it('words a row as the review page, the CSV export and the print view show it', () => {
    expect(recommendationTextOf({ lastUsed: null }, now)).toBe('Suggest remove: not used in 90 days');
    expect(recommendationTextOf({ lastUsed: '2026-12-01T00:00:00.000Z' }, now)).toBe('Suggest keep: used this month');
    expect(recommendationTextOf({ lastUsed: '2026-11-30T23:59:59.999Z' }, now)).toBe('No suggestion');
    expect(recommendationTextOf({ decision: 'remove', lastUsed: null }, now)).toBeUndefined();
  });
});
