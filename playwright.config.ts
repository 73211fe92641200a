import path from 'node:path';
import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './e2e/support/chromium';

/** A cold `next start` page render plus the stand-ins' sign-in round trips stay well under this. */
const TEST_TIMEOUT_MS = 60_000;
/** Single actions (click, navigation) against local servers. */
const ACTION_TIMEOUT_MS = 15_000;

export default defineConfig({
  testDir: 'e2e',
  testMatch: '*.spec.ts',
  globalSetup: './e2e/support/global-setup.ts',
  // A folder of its own: Playwright empties its outputDir at start, and test-results/ also holds the
  // other suites' reports and the simulated-network screenshots.
  outputDir: 'test-results/e2e',
  timeout: TEST_TIMEOUT_MS,
  forbidOnly: !!process.env.CI,
  retries: process.env.CI ? 1 : 0,
  // Specs share the stand-ins' fault knobs and counters.
  workers: 1,
  // `npm test` (scripts/test.mjs) reads the JSON report for its total.
  reporter: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME
    ? [['list'], ['json', { outputFile: path.resolve(process.env.PLAYWRIGHT_JSON_OUTPUT_NAME) }]]
    : [['list']],
  use: {
    browserName: 'chromium',
    actionTimeout: ACTION_TIMEOUT_MS,
    navigationTimeout: ACTION_TIMEOUT_MS,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
  },
});
