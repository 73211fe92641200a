import { afterEach, describe, expect, it, vi } from 'vitest';
import { startHealthCheckTimer } from '@/lib/admin/health-timer';

describe('Method: startHealthCheckTimer', () => {
  afterEach(() => vi.useRealTimers());

  it('runs the check every interval on a controllable clock, never two at once, and stops', async () => {
    vi.useFakeTimers();
    let runs = 0;
    let release: () => void = () => {};
    const run = () => {
      runs += 1;
      return new Promise<void>((resolve) => (release = resolve));
    };
    const stop = startHealthCheckTimer(60, run, () => {});
    await vi.advanceTimersByTimeAsync(59_000);
    expect(runs).toBe(0);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(runs).toBe(1);
    await vi.advanceTimersByTimeAsync(60_000); // the first run is still going: skipped
    expect(runs).toBe(1);
    release();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(runs).toBe(2);
    stop();
    release();
    await vi.advanceTimersByTimeAsync(300_000);
    expect(runs).toBe(2);
  });

  it('is off at 0 and reports a failed run instead of throwing', async () => {
    vi.useFakeTimers();
    const off = vi.fn(() => Promise.resolve());
    startHealthCheckTimer(0, off, () => {})();
    await vi.advanceTimersByTimeAsync(3_600_000);
    expect(off).not.toHaveBeenCalled();
    const errors: unknown[] = [];
    const stop = startHealthCheckTimer(
      1,
      () => Promise.reject(new Error('sts down')),
      (e) => errors.push(e),
    );
    await vi.advanceTimersByTimeAsync(1_000);
    expect(errors.map((e) => (e as Error).message)).toEqual(['sts down']);
    stop();
  });
});
