import { expect, signInWithForm, test } from './fixtures';
import { E2E_ENV } from './support/global-setup';
import { WALK } from './support/pages';
import { submitNewLobForm } from './support/lob-form';

/**
 * What a newcomer stumbled over in their first hour (issue 17), in a real browser against the production
 * build (`next start`): the app named on the launch button, connection-test warnings, new LOBs starting
 * disabled, readable times and audit entries, the audit user filter, the layout at 1280 and 390 px, the
 * CSV import keeping its file, the Studio stand-in's page for a used link, and a clean CSP on every page.
 * The same CSP walk under `next dev` (npm run local) is in dev-csp.spec.ts.
 */
const portal = () => process.env[E2E_ENV.password]!;
const control = () => process.env[E2E_ENV.control]!;
const ISO_TIME = /\d{4}-\d\d-\d\dT\d\d:\d\d/;

async function setDomain(domainId: string, update: Record<string, string>) {
  const res = await fetch(`${control()}/sagemaker/domains/${domainId}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(update),
  });
  expect(res.status).toBe(200);
}

test('production build: no CSP violation on any page, and styles stay nonce-only', async ({ browser }) => {
  const page = await (await browser.newContext()).newPage();
  const violations: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) violations.push(`${page.url()}: ${m.text()}`);
  });
  const signin = await page.goto(`${portal()}/signin`);
  expect(signin?.headers()['content-security-policy']).toMatch(/style-src 'self' 'nonce-[^']+'(;|$)/);
  expect(signin?.headers()['content-security-policy']).not.toContain('unsafe-inline');
  await signInWithForm(page, 'portal-admin');
  await expect(page.getByTestId('whoami')).toContainText('portal-admin');
  expect(signin?.headers()['content-security-policy']).toMatch(/form-action 'self'/);
  for (const path of WALK) {
    const answer = await page.goto(`${portal()}${path}`);
    await expect(page.getByRole('heading', { level: 1 }).first()).toBeVisible();
    expect(answer?.headers()['content-security-policy'], path).toMatch(/(^|; )form-action 'self'( [^;]+)?(;|$)/);
  }
  expect(violations).toEqual([]);
});

test('the launch button names the chosen app; a used Studio link shows a styled page that says what to do', async ({
  pageAs,
}) => {
  const page = await pageAs('user-lob-a');
  const button = page.getByTestId('open-studio');
  await expect(button).toHaveText('Open Studio');
  await page.getByLabel('Open in').selectOption('jupyterlab');
  await expect(page.getByRole('button', { name: 'Open JupyterLab' })).toBeVisible();
  await page.getByLabel('Open in').selectOption('studio');
  await expect(page.getByRole('button', { name: 'Open Studio' })).toBeVisible();
  await page.getByLabel('Open in').selectOption('jupyterlab');
  await button.click();
  await page.waitForURL(/^https?:\/\/d-loba1example\.studio\./, { timeout: 15_000 });
  await expect(page.getByTestId('studio-app')).toHaveText('JupyterLab');

  // The link works once: opening it again shows Studio's error, on a page with the stand-in's styling.
  await page.reload();
  await expect(page.getByTestId('studio-error')).toHaveText('Invalid or Expired Auth Token');
  await expect(page.getByTestId('studio-error-hint')).toContainText('open Studio again');
  expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(15, 27, 42)');
  expect(await page.evaluate(() => getComputedStyle(document.querySelector('main')!).borderRadius)).toBe('8px');
});

test('a connection test with a warning step is headlined as a warning, not a green pass', async ({ pageAs }) => {
  const admin = await pageAs('portal-admin');
  await setDomain('d-lobb1example', { appNetworkAccessType: 'PublicInternetOnly' });
  try {
    await admin.goto(`${portal()}/admin/lobs/lob-b`);
    await admin.getByRole('button', { name: 'Test connection' }).click();
    const headline = admin.getByTestId('connection-headline');
    await expect(headline).toHaveText('Connection test passed with a warning.');
    await expect(headline).toHaveAttribute('data-verdict', 'warnings');
    const warningBg = await headline.evaluate((el) => getComputedStyle(el).backgroundColor);
    await expect(admin.locator('[data-step="networkAccess"]')).toHaveAttribute('data-status', 'warning');
    await setDomain('d-lobb1example', { appNetworkAccessType: 'VpcOnly' });
    await admin.getByRole('button', { name: 'Test connection' }).click();
    await expect(headline).toHaveText('Connection test passed.');
    await expect(headline).toHaveAttribute('data-verdict', 'passed');
    expect(await headline.evaluate((el) => getComputedStyle(el).backgroundColor)).not.toBe(warningBg);
  } finally {
    await setDomain('d-lobb1example', { status: 'InService', appNetworkAccessType: 'VpcOnly' });
  }
});

test('a new LOB starts disabled, says so, and is enabled only after a passing connection test', async ({ pageAs }) => {
  const admin = await pageAs('portal-admin');
  const create = async (lob: string, accountId: string, domainId: string) => {
    await admin.goto(`${portal()}/admin/lobs/new`);
    await expect(admin.getByTestId('starts-disabled')).toContainText('starts disabled');
    await expect(admin.getByLabel(/^Enabled/)).toHaveCount(0);
    await submitNewLobForm(admin, { name: lob, displayName: `First hour ${lob}`, accountId, domainId });
    await expect(admin.getByRole('status').first()).toContainText(`Created ${lob}. It is disabled until you enable it`);
    await expect(admin.getByTestId('availability')).toContainText(`Disabled: users are not offered ${lob}`);
  };

  await test.step('a LOB whose role cannot be assumed is refused when enabling', async () => {
    await create('lob-e2e-denied', '444444444444', 'd-denied1');
    await admin.getByRole('button', { name: 'Enable lob-e2e-denied' }).click();
    await expect(admin.getByRole('alert').filter({ hasText: 'was not enabled' })).toContainText(
      'Assume the generator role',
    );
    await admin.goto(`${portal()}/admin/lobs`);
    await expect(admin.locator('tr', { hasText: 'lob-e2e-denied' })).toContainText('Disabled');
  });
  await test.step('a LOB that passes the connection test can be enabled', async () => {
    await create('lob-e2e-working', '111111111111', 'd-loba1example');
    await admin.getByRole('button', { name: 'Enable lob-e2e-working' }).click();
    await expect(admin.getByTestId('availability')).toHaveText('Enabled: members can open Studio in lob-e2e-working.');
    await admin.goto(`${portal()}/admin/lobs`);
    await expect(admin.locator('tr', { hasText: 'lob-e2e-working' })).toContainText('Enabled');
  });
});

test('times, account states and audit entries read as words, in the viewer’s time zone', async ({ pageAs }) => {
  const admin = await pageAs('portal-admin', { timezoneId: 'America/New_York', locale: 'en-US' });
  await test.step('a change to map', async () => {
    await admin.goto(`${portal()}/admin/users/user-no-profile`);
    await admin.getByLabel(/Line of Business B/).check();
    await admin.getByRole('button', { name: 'Save memberships' }).click();
    await expect(admin.getByRole('status')).toContainText('Saved: user-no-profile is in lob-a, lob-b');
    await admin.reload();
    const mapping = admin.getByText('Explicit mapping').locator('xpath=following-sibling::dd[1]');
    await expect(mapping).toContainText('by portal-admin');
    await expect(mapping.locator('time')).toHaveText(/(EST|EDT)$/);
    await expect(mapping).not.toHaveText(ISO_TIME);
  });
  await test.step('the users list says Active, not CONFIRMED', async () => {
    await admin.goto(`${portal()}/admin/users?q=user-lob-a`);
    const row = admin.locator('tr[data-username="user-lob-a"]');
    await expect(row).toContainText('Active');
    await expect(row).not.toContainText('CONFIRMED');
  });
  await test.step('the LOB page names who changed it and when, in words', async () => {
    await admin.goto(`${portal()}/admin/lobs/lob-a`);
    const description = admin.locator('h1 + div, h1 ~ div').filter({ hasText: 'Version' }).first();
    await expect(description).toContainText('last changed by');
    await expect(description).not.toHaveText(ISO_TIME);
  });
  await test.step('the audit log: labels, a readable difference, local times with the exact UTC time on hover', async () => {
    await admin.goto(`${portal()}/admin/audit?user=portal&type=admin`);
    const row = admin.locator('[data-testid="audit-table"] tbody tr', { hasText: 'user-no-profile' }).first();
    await expect(row).toContainText('Memberships changed: user-no-profile');
    await row.locator('summary').click();
    const diff = row.getByTestId('audit-diff');
    await expect(diff.locator('tr[data-field="lobs"]')).toContainText('Lines of business');
    await expect(diff.locator('tr[data-field="lobs"] td').nth(0)).toHaveText('lob-a');
    await expect(diff.locator('tr[data-field="lobs"] td').nth(1)).toHaveText('lob-a, lob-b');
    await expect(admin.getByTestId('audit-table')).not.toContainText('{"lobs"');
    const time = row.locator('time');
    await expect(time).toHaveText(/(EST|EDT)$/);
    await expect(time).toHaveAttribute('title', /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} UTC$/);
    await expect(admin.getByTestId('audit-table')).not.toContainText(ISO_TIME);
  });
  await test.step('launch outcomes are labelled, the code kept for reference', async () => {
    await admin.goto(`${portal()}/admin/audit?type=launch`);
    const outcome = admin.getByTestId('audit-outcome').first();
    await expect(outcome).toBeVisible();
    await expect(outcome).not.toHaveText(/^[a-z]+\.[a-z_]+$/);
  });
});

test('the audit user filter matches prefixes like the users search', async ({ pageAs }) => {
  const admin = await pageAs('portal-admin');
  await admin.goto(`${portal()}/admin/audit`);
  await expect(admin.getByText('“portal” finds portal-admin')).toBeVisible();
  await admin.getByLabel(/User starts with/).fill('portal');
  await admin.getByRole('button', { name: 'Filter' }).click();
  await expect(admin).toHaveURL(/user=portal(&|$)/);
  const users = admin.locator('[data-testid="audit-table"] tbody tr td[data-label="User"]');
  await expect(users.first()).toBeVisible();
  expect(new Set(await users.allTextContents())).toEqual(new Set(['portal-admin']));
});

// The page was 393 px wide at 390 px whenever a request was pending: the admin navigation's sr-only " pending"
// beside the Requests count is absolutely positioned, and the navigation's own sideways scroll did not contain
// it (an overflow box clips absolute descendants only when it is positioned), so it widened the page.
test('layout: the brand stays put between portal and admin, the admin is centred, the audit log works at 390 px', async ({
  pageAs,
}) => {
  const wide = await pageAs('portal-admin', { viewport: { width: 1280, height: 800 } });
  const brandX = async () => (await wide.getByRole('link', { name: 'Studio Portal' }).boundingBox())!.x;
  await wide.goto(portal());
  const onPortal = await brandX();
  await wide.goto(`${portal()}/admin/audit`);
  expect(await brandX()).toBe(onPortal);
  const main = (await wide.locator('main#main').boundingBox())!;
  expect(main.x).toBeGreaterThan(0);
  expect(Math.abs(main.x - (1280 - main.x - main.width))).toBeLessThanOrEqual(1);

  // A pending request puts the count beside "Requests" in the admin navigation (what widened the page).
  const added = await fetch(`${control()}/cognito/users:bulk`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ users: [{ username: 'hour-requester', password: 'HourUser1!' }] }),
  });
  expect(added.status).toBe(200);
  const requester = await pageAs('hour-requester', { password: 'HourUser1!' });
  const lobB = requester.getByTestId('request-lob-b');
  await lobB.getByRole('button', { name: 'Request access' }).click();
  await lobB.getByRole('textbox', { name: 'Justification' }).fill('Layout check at 390 px, withdrawn after');
  await lobB.getByRole('button', { name: 'Submit request' }).click();
  await expect(requester.getByTestId('my-request-lob-b')).toContainText('Waiting for a decision');

  const phone = await pageAs('portal-admin', { viewport: { width: 390, height: 844 } });
  await phone.goto(`${portal()}/admin/audit`);
  const rows = phone.locator('[data-testid="audit-table"] > tbody > tr');
  await expect(rows.first()).toBeVisible();
  expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  for (let i = 0; i < Math.min(await rows.count(), 5); i++) {
    for (const cell of ['audit-what', 'audit-outcome']) {
      const box = (await rows.nth(i).getByTestId(cell).boundingBox())!;
      expect(box.x, `${cell} of row ${i}`).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width, `${cell} of row ${i}`).toBeLessThanOrEqual(390);
    }
  }
  await expect(rows.first().getByTestId('audit-what')).toBeInViewport();
  await expect(phone.getByTestId('pending-count')).toBeVisible();
  // Every other page of the console, with the count showing, fits too.
  for (const path of WALK.filter((p) => p.startsWith('/admin'))) {
    await phone.goto(`${portal()}${path}`);
    expect(await phone.evaluate(() => document.documentElement.scrollWidth), path).toBeLessThanOrEqual(390);
  }
  // Leave no pending request behind for the other specs.
  await requester
    .getByTestId('my-request-lob-b')
    .getByRole('button', { name: /Withdraw/ })
    .click();
  await expect(requester.getByTestId('my-request-lob-b')).toContainText('Withdrawn');
});

test('CSV import: a user not in the pool is refused, a row can remove memberships, and the file stays chosen and named', async ({
  pageAs,
}) => {
  const admin = await pageAs('portal-admin');
  const added = await fetch(`${control()}/cognito/users:bulk`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      users: [
        { username: 'hour-user-1', password: 'HourUser1!' },
        { username: 'hour-user-2', password: 'HourUser1!' },
      ],
    }),
  });
  expect(added.status).toBe(200);
  const upload = async (name: string, text: string) => {
    await admin.getByLabel('CSV file').setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(text) });
    await admin.getByRole('button', { name: 'Import' }).click();
  };
  await admin.goto(`${portal()}/admin/users/import`);
  await upload('first-hour.csv', 'username,lobs\nhour-user-1,lob-a;lob-b\nhour-user-2,lob-b\nghost-user,lob-a\n');
  await expect(admin.locator('#import-status')).toContainText('first-hour.csv: imported 2 rows; 1 row was rejected');
  await expect(admin.locator('tr[data-line="4"]')).toContainText('ghost-user is not in the user pool');
  await expect(admin.getByRole('heading', { name: /Rejected rows of first-hour.csv/ })).toBeVisible();
  expect(await admin.getByLabel('CSV file').evaluate((input: HTMLInputElement) => input.files?.[0]?.name)).toBe(
    'first-hour.csv',
  );

  await upload('removals.csv', 'username,lobs,action\nhour-user-1,lob-b,remove\nhour-user-2,,remove\n');
  await expect(admin.locator('#import-status')).toContainText(
    'removals.csv: imported 2 rows (2 taking memberships away).',
  );
  const exported = await admin.request.get(`${portal()}/admin/users/export`);
  const csv = await exported.text();
  expect(csv).toMatch(/^username,lobs,expiresAt,version,/);
  expect(csv).toMatch(/^hour-user-1,lob-a,,2,/m); // no end date: the expiresAt column is empty
  expect(csv).not.toContain('hour-user-2,');
  expect(csv).not.toContain('ghost-user');
});
