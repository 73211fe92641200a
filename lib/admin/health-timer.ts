/**
 * Runs the LOB health check every `intervalSeconds` in a long-running server (HEALTH_CHECK_INTERVAL_SECONDS;
 * 0 = off, as on Lambda, where EventBridge Scheduler calls it). A run never overlaps the previous one.
 * The timer functions are parameters so tests drive them with a fake clock.
 */
export function startHealthCheckTimer(
  intervalSeconds: number,
  run: () => Promise<unknown>,
  onError: (error: unknown) => void,
  timers: { setInterval: typeof setInterval; clearInterval: typeof clearInterval } = globalThis,
): () => void {
  if (intervalSeconds <= 0) return () => {};
  let running = false;
  const handle = timers.setInterval(() => {
    if (running) return;
    running = true;
    run()
      .catch(onError)
      .finally(() => {
        running = false;
      });
  }, intervalSeconds * 1000);
  (handle as { unref?: () => void }).unref?.();
  return () => timers.clearInterval(handle);
}
