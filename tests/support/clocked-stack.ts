/**
 * A portal stack whose clock the test moves (CLOCK_OFFSET_FILE, no sleeping), with demo users signed in.
 * Used by the HTTP suites about end dates and due dates (tests/requests, tests/reviews).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { startPortalStack, type PortalStack } from './portal-stack';
import { signIn, type CookieJar } from './http-session';
import { DEMO_USERS } from '../../local/demo-data';

/** One day in seconds, the unit of `setClockOffset` in these suites. */
export const DAY = 24 * 3600;

/**
 * For suites that move the clock by days or months on one sign-in (end dates, review due dates): a
 * session lifetime (SESSION_LIFETIME_SECONDS) longer than the rehearsed time, so sessions outlive it.
 */
export const REHEARSAL_SESSION_ENV = { SESSION_LIFETIME_SECONDS: String(366 * DAY) };

export interface ClockedStack {
  stack: PortalStack;
  /** a signed-in cookie jar per username */
  jars: Record<string, CookieJar>;
  /** moves the portal's clock this many seconds ahead of real time (0 = now) */
  setClockOffset: (seconds: number) => void;
  stop: () => Promise<void>;
}

export async function startClockedStack(
  users: Array<[username: string, password: string]>,
  portalEnv: Record<string, string> = {},
): Promise<ClockedStack> {
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

/**
 * Starts a clocked stack before the file's tests (signing in `users`) and stops it after them. `onStarted`
 * receives it once it runs (to keep its stack and cookie jars in the file's own variables); the returned
 * `setClockOffset` moves its clock from then on.
 */
export function useClockedStack(
  users: Array<[username: string, password: string]>,
  portalEnv: Record<string, string>,
  onStarted: (clocked: ClockedStack) => void,
): Pick<ClockedStack, 'setClockOffset'> {
  const running = clockedStackOfFile(users, portalEnv, onStarted);
  return { setClockOffset: (seconds) => running().setClockOffset(seconds) };
}

/** Registers the hooks that start the stack before the file's tests and stop it after them; answers a getter of it. */
function clockedStackOfFile(
  users: Array<[username: string, password: string]>,
  portalEnv: Record<string, string>,
  onStarted?: (clocked: ClockedStack) => void,
): () => ClockedStack {
  let clocked: ClockedStack | undefined;
  beforeAll(async () => {
    clocked = await startClockedStack(users, portalEnv);
    onStarted?.(clocked);
  }, 180_000);
  afterAll(async () => {
    await clocked?.stop();
  });
  return () => {
    if (!clocked)
      throw new Error('the clocked stack is not running: use it (or move its clock) inside a test or a hook');
    return clocked;
  };
}

/**
 * A clocked stack started before the file's tests and stopped after them, as useClockedStack, for demo
 * users (passwords from local/demo-data.ts) with the rehearsal session lifetime; with a GET of a portal
 * path as one of them (no redirects followed).
 */
export function clockedDemoPortal(usernames: string[], portalEnv: Record<string, string> = REHEARSAL_SESSION_ENV) {
  const users = usernames.map((u): [string, string] => [u, DEMO_USERS.find((d) => d.username === u)?.password ?? '']);
  const running = clockedStackOfFile(users, portalEnv);
  return {
    setClockOffset: (seconds: number) => running().setClockOffset(seconds),
    get stack() {
      return running().stack;
    },
    get jars() {
      return running().jars;
    },
    get: (p: string, who: string) =>
      fetch(`${running().stack.url}${p}`, { headers: { cookie: running().jars[who].header() }, redirect: 'manual' }),
  };
}
