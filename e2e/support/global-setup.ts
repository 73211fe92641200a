/**
 * Starts the stand-ins and two portals on free ports, one per sign-in mode, for the browser suite.
 * The portals serve the build in NEXT_DIST_DIR (default `.next`; `npm test` builds it first).
 * URLs reach the specs through process.env (workers start after global setup).
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { require as tsxRequire } from 'tsx/cjs/api';

type Stack = typeof import('../../local/stack');

/**
 * local/stack.ts is written for tsx/vitest (it reads import.meta.url), which Playwright's own
 * TypeScript loader cannot compile as CommonJS; load it through tsx instead.
 */
export function loadStack(): Stack {
  const here = createRequire(path.join(process.cwd(), 'package.json')).resolve('./local/stack.ts');
  return tsxRequire(here, here) as Stack;
}

export const E2E_ENV = {
  password: 'E2E_PORTAL_PASSWORD_URL',
  hostedUi: 'E2E_PORTAL_HOSTED_UI_URL',
  control: 'E2E_CONTROL_URL',
  /** The password portal's CLOCK_OFFSET_FILE: specs write seconds into it to move the portal's clock. */
  clockFile: 'E2E_CLOCK_FILE',
  cognito: 'E2E_COGNITO_URL',
  /** The password portal's NEXTAUTH_SECRET: specs make scheduled-job tokens with it (lib/job-tokens.ts). */
  secret: 'E2E_NEXTAUTH_SECRET',
  /** The stand-ins' portal environment (JSON), for specs that start a portal with other settings. */
  portalEnv: 'E2E_PORTAL_ENV',
} as const;

export default async function globalSetup(): Promise<() => Promise<void>> {
  const distDir = process.env.NEXT_DIST_DIR || '.next';
  if (!existsSync(path.join(process.cwd(), distDir, 'BUILD_ID'))) {
    throw new Error(
      `No Next.js build in ${distDir}: run \`NEXT_DIST_DIR=${distDir} npx next build\` first (npm test does this).`,
    );
  }
  const { startPortal, startStandIns } = loadStack();
  // DynamoDB Local is a JVM: on a loaded machine it takes longer than the default to come up.
  const standIns = await startStandIns({ timeoutMs: 120_000 });
  const started: Array<{ stop(): Promise<void> }> = [standIns];
  try {
    const clockFile = path.join(mkdtempSync(path.join(tmpdir(), 'e2e-clock-')), 'offset');
    writeFileSync(clockFile, '0');
    process.env[E2E_ENV.clockFile] = clockFile;
    // Specs move this portal's clock by a month on one sign-in (end dates): sessions must outlive that.
    const env = {
      ...standIns.portalEnv,
      CLOCK_OFFSET_FILE: clockFile,
      SESSION_LIFETIME_SECONDS: String(366 * 24 * 3600),
    };
    const password = await startPortal({ env, mode: 'password', distDir });
    started.push(password);
    const hostedUi = await startPortal({ env: standIns.portalEnv, mode: 'hosted-ui', distDir });
    started.push(hostedUi);
    process.env[E2E_ENV.password] = password.url;
    process.env[E2E_ENV.hostedUi] = hostedUi.url;
    process.env[E2E_ENV.control] = standIns.urls.control;
    process.env[E2E_ENV.cognito] = standIns.urls.cognito;
    process.env[E2E_ENV.secret] = standIns.portalEnv.NEXTAUTH_SECRET;
    process.env[E2E_ENV.portalEnv] = JSON.stringify(standIns.portalEnv);
  } catch (error) {
    for (const s of started.reverse()) await s.stop();
    throw error;
  }
  return async () => {
    for (const s of started.reverse()) await s.stop();
  };
}
