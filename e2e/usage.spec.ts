import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { E2E_ENV } from './support/global-setup';

/**
 * The usage page in a real browser: launches made through the API show up for their LOB today, in the
 * stacked bar chart and in its table view; charts are images with accessible names; the CSV export
 * carries the same numbers; the page works at 390 px.
 */
const portal = () => process.env[E2E_ENV.password]!;
const today = () => new Date().toISOString().slice(0, 10);

/** A Cognito access token through the stand-in's InitiateAuth (the scripts' way, docs/api.md). */
async function accessToken(username: string, password: string): Promise<string> {
  const res = await fetch(process.env[E2E_ENV.cognito]!, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'AWSCognitoIdentityProviderService.InitiateAuth',
    },
    body: JSON.stringify({
      AuthFlow: 'USER_PASSWORD_AUTH',
      ClientId: 'portal-cli',
      AuthParameters: { USERNAME: username, PASSWORD: password },
    }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { AuthenticationResult: { AccessToken: string } }).AuthenticationResult.AccessToken;
}

/** Today's launches of a LOB as the chart (bar segment) and the table view show them. */
async function shownToday(page: Page, lob: string): Promise<{ chart: number; table: number }> {
  const segment = page.locator(`#launches-chart g[data-day="${today()}"] rect[data-lob="${lob}"]`);
  const chart = (await segment.count()) ? Number(await segment.getAttribute('data-count')) : 0;
  const cell = page.locator(`[data-testid="launches-table"] tr[data-day="${today()}"] td[data-lob="${lob}"]`);
  const table = Number((await cell.textContent())?.replace(/,/g, ''));
  return { chart, table };
}

/** N launches of a demo user through the API (the scripts' door), each answered with the Studio redirect. */
async function launchThroughApi(username: string, password: string, n: number) {
  const token = await accessToken(username, password);
  for (let i = 0; i < n; i++) {
    const res = await fetch(`${portal()}/api/studio/${username}`, {
      headers: { authorization: `Bearer ${token}` },
      redirect: 'manual',
    });
    expect(res.status).toBe(302);
  }
}

/** Reloads the usage page until today's lob-a numbers (chart and table) are the expected ones. */
async function expectShownToday(page: Page, lob: string, expected: number) {
  await expect
    .poll(async () => {
      await page.reload();
      await page.getByText('Show launches per day as a table').click();
      return shownToday(page, lob);
    })
    .toEqual({ chart: expected, table: expected });
}

test('N launches through the API show as N more for lob-a today, in the chart and its table', async ({
  pageAs,
  expectAccessible,
}, testInfo) => {
  const page = await pageAs('portal-admin');
  await page.goto(`${portal()}/admin`);
  await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Usage' }).click();
  await expect(page).toHaveURL(/\/admin\/usage$/);
  await page.getByText('Show launches per day as a table').click();
  const before = await shownToday(page, 'lob-a');
  expect(before.chart).toBe(before.table);

  const N = 3;
  await test.step(`${N} launches through the API`, () => launchThroughApi('user-lob-a', 'UserLobA1!', N));

  await test.step('the usage page counts them', async () => {
    // Counters are written just after each response: reload until they are in.
    await expectShownToday(page, 'lob-a', before.chart + N);
    const segment = page.locator(`#launches-chart g[data-day="${today()}"] rect[data-lob="lob-a"] title`);
    await expect(segment).toHaveText(`lob-a, ${today()}: ${before.chart + N}`);
  });

  await test.step('every chart is an image with an accessible name', async () => {
    await expect(page.getByRole('img', { name: /Launches per day and line of business, last 30 days/ })).toBeVisible();
    await expect(page.getByRole('img', { name: /Failed launches by error code/ })).toBeVisible();
    await expect(page.getByRole('img', { name: /Distinct users with a successful launch/ })).toBeVisible();
    const users = page.locator('#users-chart g[data-key="lob-a"]');
    expect(Number(await users.getAttribute('data-count'))).toBeGreaterThanOrEqual(1);
    await expect(page.getByTestId('top-users-table')).toContainText('user-lob-a');
    await expect(page.getByTestId('running-apps-table')).toContainText('lob-a');
  });

  await test.step('CSV export has the same number', async () => {
    const res = await page.request.get(`${portal()}/admin/usage/export?days=30`);
    expect(res.status()).toBe(200);
    expect(res.headers()['content-type']).toContain('text/csv');
    const line = (await res.text()).split(/\r?\n/).find((l) => l.startsWith(`${today()},lob-a,`));
    expect(line?.split(',')[2]).toBe(String(before.table + N));
  });

  await test.step('accessible, and 90 days on a phone without sideways scrolling', async () => {
    await expectAccessible(page);
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('link', { name: '90 days' }).click();
    await expect(page.getByRole('img', { name: /Launches per day and line of business, last 90 days/ })).toBeVisible();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: testInfo.outputPath('usage-390.png'), fullPage: true });
  });
});

test('an owner of lob-a sees lob-a only: N launches more today, in the chart, its table and the CSV', async ({
  pageAs,
}) => {
  const page = await pageAs('owner-lob-a');
  await page.goto(`${portal()}/admin/usage`);
  await page.getByText('Show launches per day as a table').click();
  const before = await shownToday(page, 'lob-a');
  expect(before.chart).toBe(before.table);

  const N = 2;
  await test.step(`${N} launches into lob-a and one into lob-b through the API`, async () => {
    await launchThroughApi('user-lob-a', 'UserLobA1!', N);
    await launchThroughApi('user-lob-b', 'UserLobB1!', 1);
  });

  await test.step('lob-a counts them; no other LOB (nor the launches without one) is on the page', async () => {
    await expectShownToday(page, 'lob-a', before.chart + N);
    const headers = page.getByTestId('launches-table').locator('thead th');
    await expect(headers).toHaveText(['Day (UTC)', 'lob-a']);
    await expect(page.locator('#launches-chart rect[data-lob]:not([data-lob="lob-a"])')).toHaveCount(0);
    await expect(page.getByTestId('per-lob-table').locator('tbody tr')).toHaveCount(1);
    await expect(page.getByTestId('per-lob-table').locator('tbody tr[data-lob="lob-a"]')).toHaveCount(1);
    await expect(page.getByTestId('top-users-table')).not.toContainText('user-lob-b');
    await expect(page.getByTestId('top-users-table')).not.toContainText('lob-b');
  });

  await test.step('the CSV has the same number and lob-a rows only', async () => {
    const res = await page.request.get(`${portal()}/admin/usage/export?days=30`);
    expect(res.status()).toBe(200);
    const rows = (await res.text())
      .split(/\r?\n/)
      .filter(Boolean)
      .slice(1)
      .map((l) => l.split(','));
    expect(rows).toHaveLength(30);
    expect(new Set(rows.map((r) => r[1]))).toEqual(new Set(['lob-a']));
    expect(rows.find((r) => r[0] === today())?.[2]).toBe(String(before.table + N));
  });
});

test('the usage page and its export refuse non-admins', async ({ pageAs }) => {
  const page = await pageAs('user-lob-a');
  expect((await page.goto(`${portal()}/admin/usage`))?.status()).toBe(403);
  expect((await page.request.get(`${portal()}/admin/usage/export`)).status()).toBe(403);
});
