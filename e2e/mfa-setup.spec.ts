import { Secret, TOTP } from 'otpauth';
import { expect, passwordOf, signInWithForm, test } from './fixtures';
import { loadStack } from './support/global-setup';

/**
 * A production-like stage of its own: the user pool's MFA is ON (LOCAL_COGNITO_MFA=ON, what infra sets on
 * production stages) and the console requires MFA. portal-admin has no authenticator yet, so Cognito answers
 * the password with MFA_SETUP: the form shows the key as a QR code and as text, verifies the first code
 * and signs in, with JavaScript disabled, at 390 px; the console then lets the admin in.
 */
type Handle = { url: string; stop(): Promise<void> };
const started: Handle[] = [];
let portalUrl = '';
let portalOutput: () => string = () => '';

test.beforeAll(async () => {
  test.setTimeout(240_000);
  const { startPortal, startStandIns } = loadStack();
  const standIns = await startStandIns({ env: { LOCAL_COGNITO_MFA: 'ON' }, timeoutMs: 150_000 });
  started.push({ ...standIns, url: standIns.urls.cognito });
  const portal = await startPortal({
    env: { ...standIns.portalEnv, CONSOLE_REQUIRE_MFA: 'true' },
    mode: 'password',
    distDir: process.env.NEXT_DIST_DIR || '.next',
    timeoutMs: 90_000,
    captureAllOutput: true,
  });
  started.push(portal);
  portalUrl = portal.url;
  portalOutput = portal.output;
});

test.afterAll(async () => {
  for (const handle of started.reverse()) await handle.stop();
});

test('MFA_SETUP: the key as QR code and text, the first code verified, then the console (JavaScript off, 390 px)', async ({
  browser,
}, testInfo) => {
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  try {
    await page.goto(`${portalUrl}/signin?callbackUrl=%2Fadmin`);
    await signInWithForm(page, 'portal-admin', passwordOf('portal-admin'));
    await expect(page.getByRole('heading', { name: 'Set up your authenticator app' })).toBeVisible();
    const qr = page.getByRole('img', { name: 'QR code of your authenticator key' });
    await expect(qr.locator('svg')).toBeVisible();
    const key = (await page.getByTestId('mfa-secret').innerText()).replace(/\s+/g, '');
    expect(key).toMatch(/^[A-Z2-7]{32,}$/);
    const box = await qr.boundingBox();
    expect(box!.x + box!.width).toBeLessThanOrEqual(390);
    await page.screenshot({ path: testInfo.outputPath('mfa-setup-no-js.png'), fullPage: true });

    await page
      .getByRole('textbox', { name: 'Authentication code' })
      .fill(new TOTP({ secret: Secret.fromBase32(key) }).generate());
    await page.getByRole('button', { name: 'Verify' }).click();
    await expect(page).toHaveURL(`${portalUrl}/admin`);
    await expect(page.getByTestId('whoami')).toContainText('portal-admin');
    await expect(page.getByRole('navigation', { name: 'Admin' })).toBeVisible();
    // The authenticator key reached the person, and no log line.
    expect(portalOutput()).toContain('auth.sign_in_challenge');
    expect(portalOutput()).not.toContain(key);
  } finally {
    await context.close();
  }
});

test('MFA_SETUP with JavaScript on: accessible at 390 px, and a malformed code is answered in place', async ({
  page,
  expectAccessible,
}) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${portalUrl}/signin`);
  await signInWithForm(page, 'user-lob-a', passwordOf('user-lob-a'));
  await expect(page.getByRole('heading', { name: 'Set up your authenticator app' })).toBeVisible();
  await expectAccessible(page, { maxWidth: 390 });
  const key = (await page.getByTestId('mfa-secret').innerText()).replace(/\s+/g, '');
  const code = page.getByRole('textbox', { name: 'Authentication code' });
  // Past the browser's own check (pattern): the server answers a malformed code without spending the session.
  await code.evaluate((input) => input.removeAttribute('pattern'));
  await code.fill('12ab');
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByTestId('signin-error')).toHaveText('Enter the 6-digit code from your authenticator app.');
  await expect(page.getByTestId('mfa-secret')).toHaveText(key.match(/.{1,4}/g)!.join(' '));
  await code.fill(new TOTP({ secret: Secret.fromBase32(key) }).generate());
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByTestId('whoami')).toContainText('user-lob-a');
});

test('with the pool MFA ON, the next sign-in asks for the code of the app just set up', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  try {
    await page.goto(`${portalUrl}/signin`);
    await signInWithForm(page, 'portal-admin', passwordOf('portal-admin'));
    await expect(page.getByRole('heading', { name: 'Two-step verification' })).toBeVisible();
    await expect(page.getByRole('textbox', { name: 'Authentication code' })).toBeVisible();
    await expect(page.getByTestId('mfa-qr')).toHaveCount(0);
  } finally {
    await context.close();
  }
});
