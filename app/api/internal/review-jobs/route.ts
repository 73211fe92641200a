import { getAdminDeps } from '@/lib/admin/deps';
import { runReviewJobs } from '@/lib/admin/reviews';
import { refusalOfJobRequest } from '@/lib/http/internal-job';
import { log } from '@/lib/log';

/**
 * The review job (scheduled reviews open, overdue reviews of LOBs that remove undecided members close).
 * Called by a scheduler with `{ "token": … }` (lib/job-tokens.ts) and by the in-process timer
 * (REVIEW_JOB_INTERVAL_SECONDS); anything else is refused, since this path is reachable through the API.
 */
export async function POST(request: Request): Promise<Response> {
  const refused = await refusalOfJobRequest(request, 'review-jobs');
  if (refused) return refused;
  const result = await runReviewJobs(getAdminDeps());
  log.info('review_jobs.done', { opened: result.opened.map((r) => r.lob), closed: result.closed.map((r) => r.lob) });
  return Response.json({ opened: result.opened.map((r) => ({ id: r.id, lob: r.lob, total: r.total, dueAt: r.dueAt })), closed: result.closed.map((r) => ({ id: r.id, lob: r.lob })) });
}
