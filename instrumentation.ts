/**
 * Runs once when the server starts: parse the configuration so a missing or bad variable stops the
 * portal at start with a message naming it, instead of failing on the first user's click; then start
 * the LOB health-check timer when HEALTH_CHECK_INTERVAL_SECONDS asks for one.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs' || process.env.NEXT_PHASE === 'phase-production-build') return;
  const { assertConfigOrExit } = await import('./lib/startup');
  assertConfigOrExit();
  const { getConfig } = await import('./lib/config');
  const reviewInterval = getConfig().reviewJobIntervalSeconds;
  if (reviewInterval > 0) {
    const [{ startReviewJobTimer }, { getAdminDeps }] = await Promise.all([
      import('./lib/admin/review-timer'),
      import('./lib/admin/deps'),
    ]);
    startReviewJobTimer(reviewInterval, getAdminDeps);
  }
  const interval = getConfig().healthCheckIntervalSeconds;
  if (interval > 0) {
    const [{ startHealthCheckTimer }, { checkAllLobs }, { getAdminDeps }, { log }] = await Promise.all([
      import('./lib/admin/health-timer'),
      import('./lib/admin/health-check'),
      import('./lib/admin/deps'),
      import('./lib/log'),
    ]);
    startHealthCheckTimer(
      interval,
      () => checkAllLobs(getAdminDeps()),
      (error) => log.error('health_check.failed', { error }),
    );
  }
}
