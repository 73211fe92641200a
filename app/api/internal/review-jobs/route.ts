import { getAdminDeps } from '@/lib/admin/deps';
import { runReviewJobs } from '@/lib/admin/reviews';
import { isReviewJobsToken } from '@/lib/review-jobs-token';
import { getConfig } from '@/lib/config';
import { log } from '@/lib/log';

/**
 * The review job (scheduled reviews open, overdue reviews of LOBs that remove undecided members close).
 * Called by a scheduler with `{ "token": … }` (lib/review-jobs-token.ts) and by the in-process timer
 * (REVIEW_JOB_INTERVAL_SECONDS); anything else is refused, since this path is reachable through the API.
 */
export async function POST(request: Request): Promise<Response> {
  const body = (await request.json().catch(() => null)) as { token?: unknown } | null;
  if (!isReviewJobsToken(body?.token, getConfig().nextAuthSecret)) {
    log.warn('review_jobs.refused', {});
    return Response.json({ code: 'auth.forbidden', message: 'Not a review-jobs event.' }, { status: 403 });
  }
  const result = await runReviewJobs(getAdminDeps());
  log.info('review_jobs.done', { opened: result.opened.map((r) => r.lob), closed: result.closed.map((r) => r.lob) });
  return Response.json({ opened: result.opened.map((r) => ({ id: r.id, lob: r.lob, total: r.total, dueAt: r.dueAt })), closed: result.closed.map((r) => ({ id: r.id, lob: r.lob })) });
}
