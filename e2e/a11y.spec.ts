import type { Page } from '@playwright/test';
import { expect, signInWithForm, test } from './fixtures';
import { ADMIN_PAGES } from './support/pages';

/**
 * axe-core over every state of the portal's own pages, in a real browser (Debian Chromium): the
 * sign-in page in both modes, the home page for one LOB, several LOBs and none, a failed launch,
 * the 403 / 404 pages, and every admin console page. Serious and critical WCAG 2.x A/AA violations fail
 * the test (`expectAccessible`, e2e/fixtures.ts). (admin.spec.ts also checks the admin console's
 * interactive states: dialogs, conflicts, imports.)
 */
test.describe('sign-in page', () => {
  test('password mode, also with an error and after sign-out', async ({ page, portal, expectAccessible }) => {
    await page.goto(`${portal.password}/signin`);
    await expect(page.getByLabel('Username')).toBeVisible();
    await expectAccessible(page);
    await signInWithForm(page, 'user-lob-a', 'not-the-password');
    await expect(page.getByTestId('signin-error')).toBeVisible();
    await expectAccessible(page);
    await page.goto(`${portal.password}/signin?signedOut=1`);
    await expect(page.getByTestId('signed-out')).toBeVisible();
    await expectAccessible(page);
  });

  test('hosted-ui mode', async ({ page, portal, expectAccessible }) => {
    await page.goto(`${portal.hostedUi}/signin`);
    await expect(page.getByRole('button', { name: 'Sign in with your company account' })).toBeVisible();
    await expectAccessible(page);
    await page.goto(`${portal.hostedUi}/signin?error=OAuthCallback`);
    await expect(page.getByTestId('signin-error')).toBeVisible();
    await expectAccessible(page);
  });
});

/** The home page's states: who is signed in, and how the page shows it is in that state before axe runs. */
const HOME_STATES: Array<{ name: string; user: string; reach: (page: Page) => Promise<void> }> = [
  {
    name: 'a user in one LOB',
    user: 'user-lob-a',
    reach: (page) => expect(page.getByTestId('lob-lob-a')).toBeVisible(),
  },
  {
    name: 'a user in several LOBs (the LOB chooser)',
    user: 'user-multi',
    reach: (page) => expect(page.getByRole('radio')).toHaveCount(2),
  },
  { name: 'a user in no LOB', user: 'user-no-lob', reach: (page) => expect(page.getByTestId('no-lob')).toBeVisible() },
  {
    name: 'a failed launch',
    user: 'user-no-profile',
    reach: async (page) => {
      await page.getByTestId('open-studio').click();
      await expect(page.getByTestId('launch-error')).toBeVisible();
    },
  },
  {
    name: 'a membership in its last days ("Request extension")',
    user: 'user-expiring',
    reach: (page) => expect(page.getByRole('button', { name: 'Request extension' })).toBeVisible(),
  },
  {
    name: 'an admin (header with the Admin link)',
    user: 'portal-admin',
    reach: (page) => expect(page.getByRole('link', { name: 'Admin', exact: true })).toBeVisible(),
  },
];

test.describe('home page', () => {
  for (const { name, user, reach } of HOME_STATES) {
    test(name, async ({ pageAs, expectAccessible }) => {
      const page = await pageAs(user);
      await reach(page);
      await expectAccessible(page);
    });
  }
});

test.describe('error pages', () => {
  test('403 for a non-admin on /admin, and 404', async ({ pageAs, portal, expectAccessible }) => {
    const page = await pageAs('user-lob-a');
    const forbidden = await page.goto(`${portal.password}/admin`);
    expect(forbidden?.status()).toBe(403);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('You don’t have access to this page');
    await expectAccessible(page);
    const missing = await page.goto(`${portal.password}/no-such-page`);
    expect(missing?.status()).toBe(404);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Page not found');
    await expectAccessible(page);
  });
});

test.describe('admin console', () => {
  test('every admin page', async ({ pageAs, portal, expectAccessible }) => {
    // 14 pages, each with an axe run: on a loaded 2-core machine about 5 s a page, past the default 60 s.
    test.slow();
    const page = await pageAs('portal-admin');
    for (const { name, path, heading } of ADMIN_PAGES) {
      await test.step(name, async () => {
        const response = await page.goto(`${portal.password}${path}`);
        expect(response?.status()).toBe(200);
        await expect(page.getByRole('heading', { level: 1 })).toContainText(heading);
        await expectAccessible(page);
      });
    }
  });

  test('a LOB edit page after a connection test, and an import with rejected rows', async ({
    pageAs,
    portal,
    expectAccessible,
  }) => {
    const page = await pageAs('portal-admin', { path: '/admin/lobs/lob-a' });
    await page.getByRole('button', { name: 'Test connection' }).click();
    await expect(page.getByTestId('connection-result')).toContainText('Connection test passed.');
    await expectAccessible(page);
    await page.goto(`${portal.password}/admin/users/import`);
    await page
      .getByLabel('CSV file')
      .setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from('username,lobs\n-bad-,lob-a\n') });
    await page.getByRole('button', { name: 'Import' }).click();
    await expect(page.getByTestId('import-errors')).toBeVisible();
    await expectAccessible(page);
  });
});
