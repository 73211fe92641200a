/**
 * One local stack for an integration suite: the stand-ins (in this process, so tests can reach the
 * Cognito stand-in's signing keys to mint tokens with chosen claims) plus a portal (`next start`
 * child process) against them, on free ports.
 *
 * Build: the portal serves the build in NEXT_DIST_DIR (default `.next`). `npm test` runs
 * `next build` once before vitest and Playwright, so suites never build themselves. When running
 * a suite alone, build first: `npx next build && npx vitest run tests/api tests/portal`
 * (or `NEXT_DIST_DIR=.next-mine npx next build` and the same NEXT_DIST_DIR for vitest).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { control, randomSecret, startPortal, type PortalHandle } from './local-stack';
import { configFromEnv, startStandInsInProcess, type RunningStandIns } from '../../local/stand-ins';
import { signIn, type CookieJar } from './http-session';

export type Control = ReturnType<typeof control>;

export interface PortalStack {
  standIns: RunningStandIns;
  portal: PortalHandle;
  /** The portal's base URL, e.g. http://localhost:41234 */
  url: string;
  control: Control;
  /** The environment the portal runs with (endpoints, tables, Cognito). */
  env: Record<string, string>;
  stop(): Promise<void>;
}

export interface StartPortalStackOptions {
  mode?: 'password' | 'hosted-ui';
  /** Extra portal configuration (e.g. LOB_CACHE_SECONDS). */
  portalEnv?: Record<string, string>;
  /** The portal's LOG_LEVEL (default warn). */
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /** Keep everything the portal prints, from its first byte (`portal.output()`). */
  captureAllOutput?: boolean;
}

/** Suites run from the repository root (vitest, playwright and npm scripts all do). */
export const ROOT = process.cwd();

export function distDir(): string {
  return process.env.NEXT_DIST_DIR || '.next';
}

export function assertBuilt(): void {
  const dir = path.resolve(ROOT, distDir());
  if (!existsSync(path.join(dir, 'BUILD_ID'))) {
    throw new Error(
      `No Next.js build in ${dir}. Run \`NEXT_DIST_DIR=${distDir()} npx next build\` first (npm test does this).`,
    );
  }
}

export async function startPortalStack(opts: StartPortalStackOptions = {}): Promise<PortalStack> {
  assertBuilt();
  const standIns = await startStandInsInProcess(
    configFromEnv({ LOCAL_DYNAMODB_PORT: '0', LOCAL_COGNITO_PORT: '0', LOCAL_AWS_PORT: '0' }),
  );
  try {
    const env = {
      ...standIns.portalEnv,
      NEXTAUTH_SECRET: randomSecret(),
      LOG_LEVEL: opts.logLevel ?? 'warn',
      ...opts.portalEnv,
    };
    const portal = await startPortal({
      env,
      mode: opts.mode ?? 'password',
      distDir: distDir(),
      captureAllOutput: opts.captureAllOutput,
    });
    return {
      standIns,
      portal,
      url: portal.url,
      control: control(standIns.urls.control),
      env,
      stop: async () => {
        await portal.stop();
        await standIns.stop();
      },
    };
  } catch (error) {
    await standIns.stop();
    throw error;
  }
}

/** A stack and its platform admin's signed-in session, as HTTP suites start (the stack stops if sign-in fails). */
export async function startPortalStackAsAdmin(
  opts: StartPortalStackOptions = {},
): Promise<{ stack: PortalStack; admin: CookieJar }> {
  const stack = await startPortalStack(opts);
  try {
    return { stack, admin: await signIn(stack.url, 'portal-admin', 'PortalAdmin1!') };
  } catch (error) {
    await stack.stop();
    throw error;
  }
}
