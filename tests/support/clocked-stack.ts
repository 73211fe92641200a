/**
 * A portal stack whose clock the test moves (CLOCK_OFFSET_FILE, no sleeping), with demo users signed in.
 * Used by the HTTP suites about end dates and due dates (tests/requests, tests/reviews).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startPortalStack, type PortalStack } from './portal-stack';
import { signIn, type CookieJar } from './http-session';

export interface ClockedStack {
  stack: PortalStack;
  /** a signed-in cookie jar per username */
  jars: Record<string, CookieJar>;
  /** moves the portal's clock this many seconds ahead of real time (0 = now) */
  setClockOffset: (seconds: number) => void;
  stop: () => Promise<void>;
}

export async function startClockedStack(users: Array<[username: string, password: string]>, portalEnv: Record<string, string> = {}): Promise<ClockedStack> {
  const dir = mkdtempSync(path.join(tmpdir(), 'clock-'));
  const clockFile = path.join(dir, 'offset');
  const setClockOffset = (seconds: number) => writeFileSync(clockFile, String(seconds));
  setClockOffset(0);
  const stack = await startPortalStack({ portalEnv: { ...portalEnv, CLOCK_OFFSET_FILE: clockFile } });
  const jars: Record<string, CookieJar> = {};
  for (const [username, password] of users) jars[username] = await signIn(stack.url, username, password);
  return {
    stack,
    jars,
    setClockOffset,
    stop: async () => {
      await stack.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
