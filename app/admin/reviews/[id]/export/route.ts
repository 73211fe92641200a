import { forbidden, notFound } from 'next/navigation';
import { requireConsoleRequest } from '@/lib/admin/require-admin';
import { canManageLob } from '@/lib/auth/roles';
import { getAdminDeps } from '@/lib/admin/deps';
import { getReview, REVIEW_CSV_COLUMNS } from '@/lib/admin/reviews';
import { iterateReviewRowPages } from '@/lib/directory/reviews';
import { toCsv } from '@/lib/admin/csv';
import { csvResponse } from '@/lib/admin/csv-response';
import { log } from '@/lib/log';

/** The review's evidence as CSV: every snapshot member with decision, reviewer, time and comment. */
export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  const access = await requireConsoleRequest('review.export');
  const { id } = await params;
  const deps = getAdminDeps();
  const review = await getReview(deps, id);
  if (!review) notFound();
  if (!canManageLob(access, review.lob)) {
    log.warn('admin.forbidden', { username: access.user.username, action: 'review.export', lob: review.lob });
    forbidden();
  }
  return csvResponse(`review-${review.lob}-${review.createdAt.slice(0, 10)}-${review.id.slice(0, 8)}.csv`, async function* () {
    let header = true;
    for await (const page of iterateReviewRowPages(deps, review.id)) {
      const rows = page.map((r) => ({
        member: r.username,
        decision: r.decision ?? (review.status === 'finished' ? 'undecided' : ''),
        reviewer: r.decidedBy ?? '',
        time: r.decidedAt ?? '',
        comment: r.comment ?? '',
        newUntil: r.newUntil ?? '',
        untilAtSnapshot: r.until ?? '',
        review: review.id,
        lob: review.lob,
      }));
      yield toCsv(rows, REVIEW_CSV_COLUMNS, { header });
      header = false;
    }
    if (header) yield toCsv([], REVIEW_CSV_COLUMNS, { header: true });
  });
}
