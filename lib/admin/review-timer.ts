import { log } from '@/lib/log';
import type { AdminDeps } from './deps';
import { runReviewJobs } from './reviews';

/**
 * Runs the review job every `intervalSeconds` in this process (REVIEW_JOB_INTERVAL_SECONDS), one run at a
 * time; the job itself claims each schedule slot with a condition, so several processes never open twice.
 */
export function startReviewJobTimer(intervalSeconds: number, deps: () => AdminDeps): NodeJS.Timeout {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    runReviewJobs(deps())
      .then((r) => {
        if (r.opened.length || r.closed.length) log.info('review_jobs.done', { opened: r.opened.map((x) => x.lob), closed: r.closed.map((x) => x.lob) });
      })
      .catch((error) => log.error('review_jobs.failed', { error: error instanceof Error ? error.message : String(error) }))
      .finally(() => {
        running = false;
      });
  }, intervalSeconds * 1000);
  timer.unref();
  return timer;
}
