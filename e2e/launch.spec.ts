import type { Locator, Page } from '@playwright/test';
import { expect, signInWithForm, test } from './fixtures';

/**
 * The launch in a real browser (Debian Chromium), in both sign-in modes: sign in, click
 * "Open Studio", land on the Studio stand-in page of the right domain. Screenshots go to test-results/.
 */
/** Presses Tab until `target` has focus (at most `max` times), as a keyboard user would. */
async function tabTo(page: Page, target: Locator, max = 20) {
  for (let i = 0; i < max; i++) {
    if (await target.evaluate((el) => el === document.activeElement)) return;
    await page.keyboard.press('Tab');
  }
  await expect(target).toBeFocused();
}

async function expectStudio(page: Page, domainId: string, username: string) {
  await page.waitForURL(new RegExp(`^https?://${domainId}\\.studio\\.`), { timeout: 15_000 });
  await expect(page.getByText(domainId).first()).toBeVisible();
  await expect(page.getByText(username).first()).toBeVisible();
}

test.describe('password sign-in mode', () => {
  test('user-lob-a signs in and opens Studio in lob-a’s domain', async ({
    page,
    portal,
    expectAccessible,
  }, testInfo) => {
    const cspViolations: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy/.test(m.text())) cspViolations.push(m.text());
    });
    await test.step('sign in', async () => {
      await page.goto(portal.password);
      await expect(page).toHaveURL(/\/signin/);
      await signInWithForm(page, 'user-lob-a');
      await expect(page.getByTestId('whoami')).toContainText('user-lob-a');
      await expect(page.getByTestId('lob-lob-a')).toContainText('Line of Business A');
      await expect(page.getByTestId('lob-lob-a')).toContainText('d-loba1example');
      await page.screenshot({ path: testInfo.outputPath('password-home.png'), fullPage: true });
      // The nonce CSP lets the portal's own scripts and styles run, and nothing else was needed.
      expect(cspViolations).toEqual([]);
    });
    await test.step('the home page has no accessibility violations', async () => {
      await expectAccessible(page, { anyImpact: true });
    });
    await test.step('open Studio', async () => {
      await page.getByTestId('open-studio').click();
      await expectStudio(page, 'd-loba1example', 'user-lob-a');
      await page.screenshot({ path: testInfo.outputPath('password-studio.png'), fullPage: true });
    });
  });

  test('with JavaScript off, user-lob-a opens Studio, which gets no Referer', async ({ browser, portal }) => {
    // Plain HTML form posts: they carry the page's Origin only because the site's Referrer-Policy is
    // same-origin (with no-referrer, `Origin: null` is refused by Next's server-action check).
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    try {
      await page.goto(`${portal.password}/signin`);
      await signInWithForm(page, 'user-lob-a');
      await expect(page.getByTestId('whoami')).toContainText('user-lob-a');
      const studioRequest = page.waitForRequest((r) => /^https?:\/\/d-loba1example\.studio\./.test(r.url()));
      await page.getByTestId('open-studio').click();
      await expectStudio(page, 'd-loba1example', 'user-lob-a');
      expect(await (await studioRequest).headerValue('referer')).toBeNull();
    } finally {
      await context.close();
    }
  });

  test('user-lob-b lands in lob-b’s domain', async ({ pageAs }) => {
    const page = await pageAs('user-lob-b');
    await page.getByTestId('open-studio').click();
    await expectStudio(page, 'd-lobb1example', 'user-lob-b');
  });

  test('a wrong password gets a clear message', async ({ page, portal }) => {
    await page.goto(`${portal.password}/signin`);
    await signInWithForm(page, 'user-lob-a', 'not-the-password');
    await expect(page.getByTestId('signin-error')).toHaveText('Incorrect username or password.');
  });

  test('a user in no LOB sees whom to ask and no button', async ({ pageAs }) => {
    const page = await pageAs('user-no-lob');
    await expect(page.getByTestId('no-lob')).toContainText('not assigned to any line of business');
    await expect(page.getByTestId('open-studio')).toHaveCount(0);
  });

  test('a failed launch is shown in place with a request id', async ({ pageAs }, testInfo) => {
    const page = await pageAs('user-no-profile');
    await page.getByTestId('open-studio').click();
    await expect(page.getByTestId('launch-error-message')).toContainText('no SageMaker Studio user profile');
    await expect(page.getByTestId('request-id')).toHaveText(/^[\w-]{8,}$/);
    await page.screenshot({ path: testInfo.outputPath('password-launch-error.png'), fullPage: true });
  });

  test('the button shows a pending state while the launch runs', async ({ pageAs, portal }) => {
    const setLatency = (ms: number) =>
      fetch(`${portal.control}/latency`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ sagemaker: ms }),
      });
    const page = await pageAs('user-lob-a');
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

  test('the launch form works with the keyboard alone', async ({ page, portal }) => {
    await page.goto(`${portal.password}/signin`);
    await test.step('sign in with the keyboard', async () => {
      await tabTo(page, page.getByLabel('Username'));
      await page.keyboard.type('user-multi');
      await page.keyboard.press('Tab');
      await expect(page.getByLabel('Password')).toBeFocused();
      await page.keyboard.type('UserMulti1!');
      await page.keyboard.press('Enter');
      await expect(page.getByTestId('whoami')).toContainText('user-multi');
    });
    await test.step('the skip link moves focus to the content', async () => {
      await page.keyboard.press('Tab');
      const skip = page.getByRole('link', { name: 'Skip to content' });
      await expect(skip).toBeFocused();
      await expect(skip).toBeInViewport();
      await page.keyboard.press('Enter');
      await expect(page.locator('main#main')).toBeFocused();
    });
    await test.step('choose lob-b and Code Editor, then open Studio with Enter', async () => {
      const lobA = page.getByRole('radio', { name: /Line of Business A/ });
      await tabTo(page, lobA);
      // The focused control shows a visible focus ring.
      await expect(lobA).not.toHaveCSS('outline-style', 'none');
      await page.keyboard.press('ArrowDown');
      await expect(page.getByRole('radio', { name: /Line of Business B/ })).toBeChecked();
      await page.keyboard.press('Tab');
      const app = page.getByLabel('Open in');
      await expect(app).toBeFocused();
      await page.keyboard.press('End');
      await expect(app).toHaveValue('codeeditor');
      await page.keyboard.press('Tab');
      const button = page.getByTestId('open-studio');
      await expect(button).toBeFocused();
      await expect(button).toHaveText('Open Code Editor');
      await expect(button).not.toHaveCSS('outline-style', 'none');
      await page.keyboard.press('Enter');
      await expectStudio(page, 'd-lobb1example', 'user-multi');
      await expect(page.getByTestId('studio-app')).toHaveText(/CodeEditor/i);
    });
  });

  test('sign out ends the session', async ({ page, portal }) => {
    await page.goto(`${portal.password}/signin`);
    await signInWithForm(page, 'user-lob-a');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page).toHaveURL(/\/signin\?signedOut=1/);
    await expect(page.getByTestId('signed-out')).toHaveText('You have signed out.');
    await page.goto(portal.password);
    await expect(page).toHaveURL(/\/signin/);
  });
});

test.describe('hosted-ui sign-in mode', () => {
  test('user-lob-b signs in through the IdP and opens Studio in lob-b’s domain', async ({ page, portal }, testInfo) => {
    await page.goto(portal.hostedUi);
    await page.getByRole('button', { name: 'Sign in with your company account' }).click();
    // The Cognito stand-in's hosted login page.
    await signInWithForm(page, 'user-lob-b');
    await expect(page.getByTestId('whoami')).toContainText('user-lob-b');
    await page.screenshot({ path: testInfo.outputPath('hosted-ui-home.png'), fullPage: true });
    await page.getByTestId('open-studio').click();
    await expectStudio(page, 'd-lobb1example', 'user-lob-b');
    await page.screenshot({ path: testInfo.outputPath('hosted-ui-studio.png'), fullPage: true });
  });

  test('sign out also ends the IdP session: the next sign-in asks for credentials again', async ({
    page,
    context,
    portal,
  }) => {
    const hostedUi = portal.hostedUi;
    const signInButton = page.getByRole('button', { name: 'Sign in with your company account' });
    await test.step('sign in through the IdP', async () => {
      await page.goto(hostedUi);
      await signInButton.click();
      await signInWithForm(page, 'user-lob-a');
      await expect(page.getByTestId('whoami')).toContainText('user-lob-a');
    });
    await test.step('control: with only the portal session gone, the IdP signs the browser in silently', async () => {
      await context.clearCookies({ domain: new URL(hostedUi).hostname });
      await page.goto(hostedUi);
      await signInButton.click();
      await expect(page.getByTestId('whoami')).toContainText('user-lob-a');
    });
    const idpRequests: string[] = [];
    await test.step('sign out: through the IdP’s logout back to the sign-in page', async () => {
      page.on('request', (r) => {
        if (r.isNavigationRequest() && new URL(r.url()).origin !== new URL(hostedUi).origin) idpRequests.push(r.url());
      });
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.waitForURL(`${hostedUi}/signin?signedOut=1`);
      await expect(page.getByTestId('signed-out')).toHaveText('You have signed out.');
    });
    await test.step('signing in again shows the IdP login page, and another user can sign in', async () => {
      await signInButton.click();
      await expect(page.getByLabel('Password')).toBeVisible();
      expect(new URL(page.url()).origin).not.toBe(new URL(hostedUi).origin);
      await signInWithForm(page, 'user-lob-b');
      await expect(page.getByTestId('whoami')).toContainText('user-lob-b');
      // It was the IdP's logout endpoint, called with the portal's client id, that ended that session.
      expect(
        idpRequests.some((u) => /\/logout\?/.test(u) && new URL(u).searchParams.get('client_id') === 'portal-web'),
      ).toBe(true);
    });
  });
});
