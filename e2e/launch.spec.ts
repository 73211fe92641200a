import { expect, test, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { E2E_ENV } from './support/global-setup';

/**
 * The launch in a real browser (Debian Chromium), in both sign-in modes: sign in, click
 * "Open Studio", land on the Studio stand-in page of the right domain. Screenshots go to test-results/.
 */
const passwordPortal = () => process.env[E2E_ENV.password]!;
const hostedUiPortal = () => process.env[E2E_ENV.hostedUi]!;

async function signInWithPortalForm(page: Page, username: string, password: string) {
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

async function expectStudio(page: Page, domainId: string, username: string) {
  await page.waitForURL(new RegExp(`^https?://${domainId}\\.studio\\.`), { timeout: 15_000 });
  await expect(page.getByText(domainId).first()).toBeVisible();
  await expect(page.getByText(username).first()).toBeVisible();
}

test.describe('password sign-in mode', () => {
  test('user-lob-a signs in and opens Studio in lob-a’s domain', async ({ page }, testInfo) => {
    const cspViolations: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy/.test(m.text())) cspViolations.push(m.text());
    });
    await test.step('sign in', async () => {
      await page.goto(passwordPortal());
      await expect(page).toHaveURL(/\/signin/);
      await signInWithPortalForm(page, 'user-lob-a', 'UserLobA1!');
      await expect(page.getByTestId('whoami')).toContainText('user-lob-a');
      await expect(page.getByTestId('lob-lob-a')).toContainText('Line of Business A');
      await expect(page.getByTestId('lob-lob-a')).toContainText('d-loba1example');
      await page.screenshot({ path: testInfo.outputPath('password-home.png'), fullPage: true });
      // The nonce CSP lets the portal's own scripts and styles run, and nothing else was needed.
      expect(cspViolations).toEqual([]);
    });
    await test.step('the home page has no accessibility violations', async () => {
      const results = await new AxeBuilder({ page }).analyze();
      expect(results.violations.map((v) => v.id)).toEqual([]);
    });
    await test.step('open Studio', async () => {
      await page.getByTestId('open-studio').click();
      await expectStudio(page, 'd-loba1example', 'user-lob-a');
      await page.screenshot({ path: testInfo.outputPath('password-studio.png'), fullPage: true });
    });
  });

  test('user-lob-b lands in lob-b’s domain', async ({ page }) => {
    await page.goto(`${passwordPortal()}/signin`);
    await signInWithPortalForm(page, 'user-lob-b', 'UserLobB1!');
    await page.getByTestId('open-studio').click();
    await expectStudio(page, 'd-lobb1example', 'user-lob-b');
  });

  test('a wrong password gets a clear message', async ({ page }) => {
    await page.goto(`${passwordPortal()}/signin`);
    await signInWithPortalForm(page, 'user-lob-a', 'not-the-password');
    await expect(page.getByTestId('signin-error')).toHaveText('Incorrect username or password.');
  });

  test('a user in no LOB sees whom to ask and no button', async ({ page }) => {
    await page.goto(`${passwordPortal()}/signin`);
    await signInWithPortalForm(page, 'user-no-lob', 'UserNoLob1!');
    await expect(page.getByTestId('no-lob')).toContainText('not assigned to any line of business');
    await expect(page.getByTestId('open-studio')).toHaveCount(0);
  });

  test('a failed launch is shown in place with a request id', async ({ page }, testInfo) => {
    await page.goto(`${passwordPortal()}/signin`);
    await signInWithPortalForm(page, 'user-no-profile', 'UserNoProfile1!');
    await page.getByTestId('open-studio').click();
    await expect(page.getByTestId('launch-error-message')).toContainText('no SageMaker Studio user profile');
    await expect(page.getByTestId('request-id')).toHaveText(/^[\w-]{8,}$/);
    await page.screenshot({ path: testInfo.outputPath('password-launch-error.png'), fullPage: true });
  });

  test('the button shows a pending state while the launch runs', async ({ page }) => {
    const control = process.env[E2E_ENV.control]!;
    const setLatency = (ms: number) =>
      fetch(`${control}/latency`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sagemaker: ms }) });
    await page.goto(`${passwordPortal()}/signin`);
    await signInWithPortalForm(page, 'user-lob-a', 'UserLobA1!');
    await setLatency(1500);
    try {
      await page.getByTestId('open-studio').click();
      await expect(page.getByTestId('open-studio')).toHaveText('Opening Studio…');
      await expect(page.getByTestId('open-studio')).toBeDisabled();
      await expectStudio(page, 'd-loba1example', 'user-lob-a');
    } finally {
      await setLatency(0);
    }
  });

  test('sign out ends the session', async ({ page }) => {
    await page.goto(`${passwordPortal()}/signin`);
    await signInWithPortalForm(page, 'user-lob-a', 'UserLobA1!');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page).toHaveURL(/\/signin\?signedOut=1/);
    await page.goto(passwordPortal());
    await expect(page).toHaveURL(/\/signin/);
  });
});

test.describe('hosted-ui sign-in mode', () => {
  test('user-lob-b signs in through the IdP and opens Studio in lob-b’s domain', async ({ page }, testInfo) => {
    await page.goto(hostedUiPortal());
    await page.getByRole('button', { name: 'Sign in with your company account' }).click();
    // The Cognito stand-in's hosted login page.
    await signInWithPortalForm(page, 'user-lob-b', 'UserLobB1!');
    await expect(page.getByTestId('whoami')).toContainText('user-lob-b');
    await page.screenshot({ path: testInfo.outputPath('hosted-ui-home.png'), fullPage: true });
    await page.getByTestId('open-studio').click();
    await expectStudio(page, 'd-lobb1example', 'user-lob-b');
    await page.screenshot({ path: testInfo.outputPath('hosted-ui-studio.png'), fullPage: true });
  });
});
