/**
 * Runs once when the server starts: parse the configuration so a missing or bad variable stops the
 * portal at start with a message naming it, instead of failing on the first user's click.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs' || process.env.NEXT_PHASE === 'phase-production-build') return;
  const { assertConfigOrExit } = await import('./lib/startup');
  assertConfigOrExit();
  const { getConfig } = await import('./lib/config');
  const interval = getConfig().reviewJobIntervalSeconds;
  if (interval > 0) {
    const [{ startReviewJobTimer }, { getAdminDeps }] = await Promise.all([import('./lib/admin/review-timer'), import('./lib/admin/deps')]);
    startReviewJobTimer(interval, getAdminDeps);
  }
}
