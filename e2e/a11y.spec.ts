import { expect, test, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { E2E_ENV } from './support/global-setup';

/**
 * axe-core over every state of the portal's own pages, in a real browser (Debian Chromium): the
 * sign-in page in both modes, the home page for one LOB, several LOBs and none, a failed launch,
 * the 403 / 404 pages, and every admin console page. Serious and critical WCAG 2.x A/AA violations fail
 * the test. (admin.spec.ts also checks the admin console's interactive states: dialogs, conflicts, imports.)
 */
const passwordPortal = () => process.env[E2E_ENV.password]!;
const hostedUiPortal = () => process.env[E2E_ENV.hostedUi]!;

const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

async function expectAccessible(page: Page) {
  const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  // Something was checked: the page has its landmarks and one h1.
  await expect(page.locator('main#main')).toHaveCount(1);
  await expect(page.getByRole('heading', { level: 1 })).toHaveCount(1);
}

async function signIn(page: Page, username: string, password: string) {
  await page.goto(`${passwordPortal()}/signin`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByTestId('whoami')).toContainText(username);
}

test.describe('sign-in page', () => {
  test('password mode, also with an error and after sign-out', async ({ page }) => {
    await page.goto(`${passwordPortal()}/signin`);
    await expect(page.getByLabel('Username')).toBeVisible();
    await expectAccessible(page);
    await page.getByLabel('Username').fill('user-lob-a');
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect(page.getByTestId('signin-error')).toBeVisible();
    await expectAccessible(page);
    await page.goto(`${passwordPortal()}/signin?signedOut=1`);
    await expect(page.getByTestId('signed-out')).toBeVisible();
    await expectAccessible(page);
  });

  test('hosted-ui mode', async ({ page }) => {
    await page.goto(`${hostedUiPortal()}/signin`);
    await expect(page.getByRole('button', { name: 'Sign in with your company account' })).toBeVisible();
    await expectAccessible(page);
    await page.goto(`${hostedUiPortal()}/signin?error=OAuthCallback`);
    await expect(page.getByTestId('signin-error')).toBeVisible();
    await expectAccessible(page);
  });
});

test.describe('home page', () => {
  test('a user in one LOB', async ({ page }) => {
    await signIn(page, 'user-lob-a', 'UserLobA1!');
    await expect(page.getByTestId('lob-lob-a')).toBeVisible();
    await expectAccessible(page);
  });

  test('a user in several LOBs (the LOB chooser)', async ({ page }) => {
    await signIn(page, 'user-multi', 'UserMulti1!');
    await expect(page.getByRole('radio')).toHaveCount(2);
    await expectAccessible(page);
  });

  test('a user in no LOB', async ({ page }) => {
    await signIn(page, 'user-no-lob', 'UserNoLob1!');
    await expect(page.getByTestId('no-lob')).toBeVisible();
    await expectAccessible(page);
  });

  test('a failed launch', async ({ page }) => {
    await signIn(page, 'user-no-profile', 'UserNoProfile1!');
    await page.getByTestId('open-studio').click();
    await expect(page.getByTestId('launch-error')).toBeVisible();
    await expectAccessible(page);
  });

  test('an admin (header with the Admin link)', async ({ page }) => {
    await signIn(page, 'portal-admin', 'PortalAdmin1!');
    await expect(page.getByRole('link', { name: 'Admin', exact: true })).toBeVisible();
    await expectAccessible(page);
  });
});

test.describe('error pages', () => {
  test('403 for a non-admin on /admin, and 404', async ({ page }) => {
    await signIn(page, 'user-lob-a', 'UserLobA1!');
    const forbidden = await page.goto(`${passwordPortal()}/admin`);
    expect(forbidden?.status()).toBe(403);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('You don’t have access to this page');
    await expectAccessible(page);
    const missing = await page.goto(`${passwordPortal()}/no-such-page`);
    expect(missing?.status()).toBe(404);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Page not found');
    await expectAccessible(page);
  });
});

test.describe('admin console', () => {
  const pages = [
    { name: 'overview', path: '/admin', ready: 'Admin console' },
    { name: 'users', path: '/admin/users', ready: 'Users' },
    { name: 'users without a LOB', path: '/admin/users?view=nolob', ready: 'Users' },
    { name: 'user edit', path: '/admin/users/user-multi', ready: 'user-multi' },
    { name: 'CSV import', path: '/admin/users/import', ready: 'Import LOB memberships' },
    { name: 'LOB list', path: '/admin/lobs', ready: 'Lines of business' },
    { name: 'new LOB', path: '/admin/lobs/new', ready: 'Add a line of business' },
    { name: 'LOB edit', path: '/admin/lobs/lob-a', ready: 'Line of Business A' },
    { name: 'audit log', path: '/admin/audit', ready: 'Audit log' },
  ];

  test('every admin page', async ({ page }) => {
    await signIn(page, 'portal-admin', 'PortalAdmin1!');
    for (const { name, path, ready } of pages) {
      await test.step(name, async () => {
        const response = await page.goto(`${passwordPortal()}${path}`);
        expect(response?.status()).toBe(200);
        await expect(page.getByRole('heading', { level: 1 })).toContainText(ready);
        await expectAccessible(page);
      });
    }
  });

  test('a LOB edit page after a connection test, and an import with rejected rows', async ({ page }) => {
    await signIn(page, 'portal-admin', 'PortalAdmin1!');
    await page.goto(`${passwordPortal()}/admin/lobs/lob-a`);
    await page.getByRole('button', { name: 'Test connection' }).click();
    await expect(page.getByTestId('connection-result')).toContainText('Connection test passed.');
    await expectAccessible(page);
    await page.goto(`${passwordPortal()}/admin/users/import`);
    await page.getByLabel('CSV file').setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from('username,lobs\n-bad-,lob-a\n') });
    await page.getByRole('button', { name: 'Import' }).click();
    await expect(page.getByTestId('import-errors')).toBeVisible();
    await expectAccessible(page);
  });
});
