import { log } from '@/lib/log';
import type { AdminDeps } from './deps';
import { runScheduledJobs } from './scheduled-jobs';

/**
 * Runs the review job and the expiry notices (lib/admin/scheduled-jobs.ts) every `intervalSeconds` in this
 * process (REVIEW_JOB_INTERVAL_SECONDS), one run at a time; the jobs claim each schedule slot and each
 * notice with a condition, so several processes never open or send twice.
 */
export function startReviewJobTimer(intervalSeconds: number, deps: () => AdminDeps): NodeJS.Timeout {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    runScheduledJobs(deps())
      .then((r) => {
        if (r.opened.length || r.closed.length || r.expiring.length)
          log.info('review_jobs.done', {
            opened: r.opened.map((x) => x.lob),
            closed: r.closed.map((x) => x.lob),
            expiringNotices: r.expiring.length,
          });
      })
      .catch((error) =>
        log.error('review_jobs.failed', { error: error instanceof Error ? error.message : String(error) }),
      )
      .finally(() => {
        running = false;
      });
  }, intervalSeconds * 1000);
  timer.unref();
  return timer;
}
