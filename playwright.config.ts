import { defineConfig } from '@playwright/test';

/** A cold `next start` page render plus the stand-ins' sign-in round trips stay well under this. */
const TEST_TIMEOUT_MS = 60_000;
/** Single actions (click, navigation) against local servers. */
const ACTION_TIMEOUT_MS = 15_000;

export default defineConfig({
  testDir: 'e2e',
  testMatch: '*.spec.ts',
  globalSetup: './e2e/support/global-setup.ts',
  outputDir: 'test-results',
  timeout: TEST_TIMEOUT_MS,
  forbidOnly: !!process.env.CI,
  retries: process.env.CI ? 1 : 0,
  // Specs share the stand-ins' fault knobs and counters.
  workers: 1,
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    actionTimeout: ACTION_TIMEOUT_MS,
    navigationTimeout: ACTION_TIMEOUT_MS,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      // Debian's Chromium (apt-get install chromium), not a downloaded build.
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-dev-shm-usage',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
});
