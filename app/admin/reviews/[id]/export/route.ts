import { forbidden, notFound } from 'next/navigation';
import { requireConsoleRequest } from '@/lib/admin/require-admin';
import { canManageLob } from '@/lib/auth/roles';
import { getAdminDeps } from '@/lib/admin/deps';
import { getReview } from '@/lib/admin/reviews';
import { reviewCsvChunks, reviewCsvName } from '@/lib/admin/review-export';
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
  return csvResponse(reviewCsvName(review), () => reviewCsvChunks(deps, review));
}
