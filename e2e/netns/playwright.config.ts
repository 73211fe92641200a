import { defineConfig } from '@playwright/test';
import path from 'node:path';

/** One stack (stand-ins + two portals) is shared by all scenarios: run them one at a time. */
const WORKERS = 1;
/** A scenario signs in, launches Studio, waits for a 5 s URL expiry at most: 45 s is ample. */
const TEST_TIMEOUT_MS = 45_000;
/** Expectations poll a browser that runs on a shared 2-core machine. */
const EXPECT_TIMEOUT_MS = 10_000;
/** Topology + stand-ins + two `next start` must be up in well under the suite's 3-minute budget. */
const GLOBAL_TIMEOUT_MS = 170_000;
const JSON_OUTPUT = process.env.PLAYWRIGHT_JSON_OUTPUT_NAME;

export default defineConfig({
  testDir: __dirname,
  // *.netns.ts, not *.spec.ts: the repository's main Playwright config must never pick these up.
  testMatch: /.*\.netns\.ts$/,
  outputDir: path.resolve(__dirname, '../../test-results/netns'),
  globalSetup: path.resolve(__dirname, 'global-setup.ts'),
  globalTeardown: path.resolve(__dirname, 'global-teardown.ts'),
  workers: WORKERS,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  // Retrying would hide a flaky network setup; a failure here should be looked at.
  retries: 0,
  timeout: TEST_TIMEOUT_MS,
  globalTimeout: GLOBAL_TIMEOUT_MS,
  expect: { timeout: EXPECT_TIMEOUT_MS },
  // npm test (scripts/test.mjs) sets PLAYWRIGHT_JSON_OUTPUT_NAME to collect the counts; Playwright would
  // resolve it against this folder, npm test means the working directory.
  reporter: JSON_OUTPUT ? [['list'], ['json', { outputFile: path.resolve(JSON_OUTPUT) }]] : [['list']],
  use: {
    // Browsers are launched per namespace by the fixtures (fixtures.ts), never by the default launcher.
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    actionTimeout: 10_000,
    navigationTimeout: 15_000,
  },
});
