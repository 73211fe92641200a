/** A review's evidence as CSV rows (the console's export and the API's): one per snapshot member. */
import { iterateReviewRowPages, type Review, type ReviewRow } from '@/lib/directory/reviews';
import { REVIEW_CSV_COLUMNS } from './reviews';
import { toCsv } from './csv';
import { nowOf, type AdminDeps } from './deps';
import { recommendationTextOf, withLastLaunches } from './review-recommendations';

export function reviewCsvName(review: Review): string {
  return `review-${review.lob}-${review.createdAt.slice(0, 10)}-${review.id.slice(0, 8)}.csv`;
}

function csvRow(review: Review, r: ReviewRow, now: Date) {
  return {
    member: r.username,
    decision: r.decision ?? (review.status === 'finished' ? 'undecided' : ''),
    reviewer: r.decidedBy ?? '',
    time: r.decidedAt ?? '',
    comment: r.comment ?? '',
    newUntil: r.newUntil ?? '',
    untilAtSnapshot: r.until ?? '',
    review: review.id,
    lob: review.lob,
    recommendation: recommendationTextOf(r, now) ?? '',
  };
}

/**
 * The CSV text, page by page (the header first, also when there are no rows). Undecided rows carry the
 * review page's recommendation, worked out from their last launch at export time (the portal clock).
 */
export async function* reviewCsvChunks(deps: AdminDeps, review: Review): AsyncGenerator<string> {
  let header = true;
  const now = nowOf(deps);
  for await (const page of iterateReviewRowPages(deps, review.id)) {
    const rows = await withLastLaunches(deps, review.lob, page);
    yield toCsv(
      rows.map((r) => csvRow(review, r, now)),
      REVIEW_CSV_COLUMNS,
      { header },
    );
    header = false;
  }
  if (header) yield toCsv([], REVIEW_CSV_COLUMNS, { header: true });
}
