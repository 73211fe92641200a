import { expect, test } from './fixtures';
import { ADMIN_PAGES } from './support/pages';
import { submitNewLobForm } from './support/lob-form';
import { DEMO_USERS } from '../local/demo-data';

/**
 * The admin console in a real browser (Debian Chromium) against the stand-ins: mapping a user who then
 * lands in the right Studio, 403 for non-admins (pages and a direct action POST), refused conflicting
 * edits, CSV import with line-numbered errors, dialogs and accessibility. Screenshots go to test-results/.
 */
test('the admin maps new-user to lob-b, and new-user then lands in lob-b’s Studio domain', async ({
  pageAs,
  portal,
  expectAccessible,
}, testInfo) => {
  const admin = await pageAs('portal-admin');
  await test.step('find new-user without a LOB', async () => {
    await admin.goto(`${portal.password}/admin/users`);
    await admin.getByLabel('Username starts with').fill('new-');
    await admin.getByRole('button', { name: 'Search' }).click();
    const row = admin.locator('tr[data-username="new-user"]');
    await expect(row).toContainText('No LOB');
    await expectAccessible(admin);
    await admin.screenshot({ path: testInfo.outputPath('admin-users.png'), fullPage: true });
    await row.getByRole('link', { name: 'Edit memberships of new-user' }).click();
  });
  await test.step('map to lob-b', async () => {
    await admin.getByLabel(/Line of Business B/).check();
    await admin.getByRole('button', { name: 'Save memberships' }).click();
    await expect(admin.getByRole('status')).toContainText('Saved: new-user is in lob-b');
    await admin.screenshot({ path: testInfo.outputPath('admin-user-mapped.png'), fullPage: true });
  });
  await test.step('the change is in the audit log, also under the LOB it added', async () => {
    await admin.goto(`${portal.password}/admin/audit?type=admin`);
    await expect(admin.getByTestId('audit-table')).toContainText('user.lobs.create');
    await expect(admin.getByTestId('audit-table')).toContainText('new-user');
    await expectAccessible(admin);
    await admin.getByLabel('Line of business').selectOption('lob-b');
    await admin.getByRole('button', { name: 'Filter' }).click();
    await expect(admin).toHaveURL(/lob=lob-b/);
    const row = admin.locator('[data-testid="audit-table"] tbody tr', { hasText: 'new-user' });
    await expect(row).toHaveCount(1);
    await expect(row.getByTestId('audit-lobs')).toHaveText('lob-b');
  });
  await test.step('new-user signs in, sees the profile being created, and lands in Studio in lob-b once it is InService', async () => {
    const user = await pageAs('new-user');
    await expect(user.getByTestId('lob-lob-b')).toContainText('d-lobb1example');
    // The controllable clock: the new profile stays Pending until this test finishes it.
    const base = portal.control.replace(/\/$/, '').replace(/\/_local$/, '') + '/_local';
    const post = async (route: string, body: unknown) =>
      expect((await user.request.post(`${base}${route}`, { data: body })).ok()).toBe(true);
    const ctl = {
      setProfileCreationDelay: (ms: number) => post('/sagemaker/settings', { profileCreationDelayMs: ms }),
      setProfileStatus: (domainId: string, name: string, status: string) =>
        post(`/sagemaker/domains/${domainId}/profiles/${name}`, { status }),
    };
    await ctl.setProfileCreationDelay(3_600_000);
    try {
      await user.getByTestId('open-studio').click();
      const pending = user.getByTestId('launch-pending');
      await expect(pending).toContainText('Creating your Studio profile, this happens once');
      await expect(user.getByRole('status').filter({ hasText: 'Creating your Studio profile' })).toBeVisible();
      await expectAccessible(user);
      await user.screenshot({ path: testInfo.outputPath('new-user-pending.png'), fullPage: true });
      await ctl.setProfileStatus('d-lobb1example', 'new-user', 'InService');
    } finally {
      await ctl.setProfileCreationDelay(3000);
    }
    await user.waitForURL(/^https?:\/\/d-lobb1example\.studio\./, { timeout: 15_000 });
    await expect(user.getByText('d-lobb1example').first()).toBeVisible();
    await expect(user.getByText('new-user').first()).toBeVisible();
    await user.screenshot({ path: testInfo.outputPath('new-user-studio.png'), fullPage: true });
  });
});

test('a non-admin gets 403 on /admin and on a direct POST to an admin action', async ({
  pageAs,
  portal,
  playwright,
}) => {
  const admin = await pageAs('portal-admin');
  await admin.goto(`${portal.password}/admin/users/user-no-lob`);
  // What a browser reads to call the action: the action id React put in the form.
  const ref = await admin.locator('form input[name^="$ACTION_"][name$=":0"]').first().getAttribute('value');
  const actionId = (JSON.parse(ref!) as { id: string }).id;

  const user = await pageAs('user-lob-a');
  const response = await user.goto(`${portal.password}/admin`);
  expect(response?.status()).toBe(403);
  await expect(user.locator('body')).not.toContainText('Lines of business');

  const anonymous = await playwright.request.newContext();
  for (const request of [user.request, anonymous]) {
    const post = await request.post(`${portal.password}/admin/users/user-no-lob`, {
      headers: { 'next-action': actionId, accept: 'text/x-component', origin: portal.password },
      // React's reply encoding of (prevState, formData); the root part goes last.
      multipart: { _1_username: 'user-no-lob', _1_version: '', _1_lobs: 'lob-a', 0: JSON.stringify([null, '$K1']) },
    });
    expect(post.status()).toBe(403);
  }
  await anonymous.dispose();
  await admin.reload();
  await expect(admin.getByText('Explicit mapping').locator('xpath=following-sibling::dd[1]')).toHaveText('none');
});

test('with JavaScript disabled, an admin creates a LOB and changes one of its settings', async ({ pageAs, portal }) => {
  // Plain HTML form posts (no hydration): they carry the page's Origin, which the site's same-origin
  // Referrer-Policy allows and Next's server-action check requires (docs/configuration.md).
  const admin = await pageAs('portal-admin', { javaScriptEnabled: false, path: '/admin/lobs/new' });
  const name = `lob-nojs-${Date.now().toString(36)}`;
  await submitNewLobForm(admin, { name, displayName: 'No JavaScript', accountId: '444444444444', domainId: 'd-nojs1' });
  await expect(admin.getByRole('status').first()).toContainText(`Created ${name}`);
  await admin.getByLabel('Studio session length (seconds)').fill('7200');
  await admin.getByRole('button', { name: 'Save changes' }).click();
  await expect(admin.locator('#lob-form-status')).toContainText(`Saved ${name} (version 2)`);
  await admin.goto(`${portal.password}/admin/lobs/${name}`);
  await expect(admin.getByLabel('Studio session length (seconds)')).toHaveValue('7200');
});

test('a conflicting LOB edit is refused with who and when, and keeps what the admin typed', async ({
  pageAs,
  portal,
  expectAccessible,
}, testInfo) => {
  const first = await pageAs('portal-admin', { path: '/admin/lobs/new' });
  await test.step('create a LOB for this test', async () => {
    await submitNewLobForm(first, {
      name: 'lob-e2e-conflict',
      displayName: 'Conflict test',
      accountId: '333333333333',
      domainId: 'd-conflict1',
    });
    await expect(first.getByRole('status').first()).toContainText('Created lob-e2e-conflict');
  });
  const second = await pageAs('portal-admin');
  await second.goto(`${portal.password}/admin/lobs/lob-e2e-conflict`);
  await first.reload();

  await test.step('another admin saves first', async () => {
    await second.getByLabel('Display name').fill('Saved by the other tab');
    await second.getByRole('button', { name: 'Save changes' }).click();
    await expect(second.locator('#lob-form-status')).toContainText('Saved lob-e2e-conflict (version 2)');
  });
  await test.step('the stale save is refused', async () => {
    await first.getByLabel('Display name').fill('My stale edit');
    await first.getByLabel('Studio session length (seconds)').fill('7200');
    await first.getByRole('button', { name: 'Save changes' }).click();
    const status = first.locator('#lob-form-status');
    await expect(status).toContainText('was changed by portal-admin at');
    await expect(status).toContainText('Your changes were not saved');
    await expect(first.getByTestId('conflict-details')).toContainText('portal-admin');
    await expect(first.getByLabel('Display name')).toHaveValue('My stale edit');
    await expect(first.getByLabel('Studio session length (seconds)')).toHaveValue('7200');
    await first.screenshot({ path: testInfo.outputPath('admin-conflict.png'), fullPage: true });
    await expectAccessible(first);
  });
  await test.step('field errors appear next to the field', async () => {
    await first.getByLabel('AWS account id').fill('12345');
    await first.getByRole('button', { name: 'Save changes' }).click();
    await expect(first.locator('#accountId-error')).toHaveText('An AWS account id is exactly 12 digits.');
    await expect(first.getByLabel('AWS account id')).toHaveAttribute('aria-invalid', 'true');
    await expect(first.getByLabel('AWS account id')).toHaveValue('12345');
  });
});

test('a 1,000-row CSV with 3 bad rows imports 997 and reports exactly those 3 lines', async ({
  pageAs,
  portal,
  expectAccessible,
}, testInfo) => {
  const admin = await pageAs('portal-admin');
  // Import refuses users who are not in the user pool: put these in first (the stand-in's control API).
  const users = Array.from({ length: 1000 }, (_, i) => ({ username: `csv-user-${i + 1}`, password: 'CsvUser1!' }));
  const added = await fetch(`${portal.control}/cognito/users:bulk`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ users }),
  });
  expect(added.status).toBe(200);
  const lines = ['username,lobs'];
  for (let i = 1; i <= 1000; i++) {
    if (i === 42) lines.push('-not-a-valid-name,lob-a');
    else if (i === 500) lines.push(`csv-user-${i},lob-nope`);
    else if (i === 999) lines.push(`csv-user-${i},`);
    else lines.push(`csv-user-${i},${i % 2 ? 'lob-a' : 'lob-a;lob-b'}`);
  }
  await admin.goto(`${portal.password}/admin/users/import`);
  await admin
    .getByLabel('CSV file')
    .setInputFiles({ name: 'users.csv', mimeType: 'text/csv', buffer: Buffer.from(lines.join('\n') + '\n') });
  await admin.getByRole('button', { name: 'Import' }).click();
  await expect(admin.locator('#import-status')).toContainText('users.csv: imported 997 rows', { timeout: 30_000 });
  await expect(admin.locator('#import-status')).toContainText('3 rows were rejected');
  const errorLines = await admin
    .locator('[data-testid="import-errors"] tbody tr')
    .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-line')));
  // Data row i is on file line i + 1 (the header is line 1).
  expect(errorLines).toEqual(['43', '501', '1000']);
  await expect(admin.locator('tr[data-line="501"]')).toContainText('Unknown line of business: lob-nope');
  await admin.screenshot({ path: testInfo.outputPath('admin-import.png'), fullPage: true });
  await expectAccessible(admin);

  await admin.goto(`${portal.password}/admin/users?q=csv-user-10&view=mapped`);
  await expect(admin.locator('tr[data-username="csv-user-10"]')).toContainText('lob-a, lob-b');
});

test('the delete dialog traps focus, closes with Escape and returns focus; in-use LOBs are refused with the count', async ({
  pageAs,
  portal,
  expectAccessible,
}, testInfo) => {
  const admin = await pageAs('portal-admin');
  await admin.goto(`${portal.password}/admin/lobs/lob-b`);
  const opener = admin.getByRole('button', { name: 'Delete lob-b…' });
  await opener.focus();
  await admin.keyboard.press('Enter');
  const dialog = admin.getByRole('dialog', { name: 'Delete lob-b?' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await expectAccessible(admin);
  await admin.screenshot({ path: testInfo.outputPath('admin-delete-dialog.png'), fullPage: true });
  await admin.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(opener).toBeFocused();

  await opener.click();
  await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
  await expect(dialog.getByRole('alert')).toContainText(/lob-b is still assigned to \d+ users/);
  await expect(dialog).toBeVisible();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(admin.getByRole('heading', { level: 1 })).toContainText('lob-b');
});

test('test connection reports each step', async ({ pageAs, portal, expectAccessible }) => {
  const admin = await pageAs('portal-admin');
  await admin.goto(`${portal.password}/admin/lobs/lob-a`);
  await admin.getByRole('button', { name: 'Test connection' }).click();
  const result = admin.getByTestId('connection-result');
  await expect(result).toContainText('Connection test passed.');
  await expect(result.locator('[data-step="assumeRole"]')).toHaveAttribute('data-status', 'ok');
  await expect(result.locator('[data-step="domainStatus"]')).toHaveAttribute('data-status', 'ok');
  await expect(result.locator('[data-step="networkAccess"]')).toHaveAttribute('data-status', 'ok');
  await expectAccessible(admin);
});

test('the users list pages forward and back with page numbers, and can show only users without a LOB', async ({
  pageAs,
  portal,
  expectAccessible,
}, testInfo) => {
  const admin = await pageAs('portal-admin');
  const control = portal.control.replace(/\/$/, '').replace(/\/_local$/, '');
  const name = (i: number) => `pager-${String(i).padStart(3, '0')}`;
  const created = await admin.request.post(`${control}/_local/cognito/users:bulk`, {
    data: { users: Array.from({ length: 120 }, (_, i) => ({ username: name(i), password: 'PagerUser1!' })) },
  });
  expect(created.ok()).toBe(true);

  const rows = admin.locator('[data-testid="users-table"] tbody tr');
  const pager = admin.getByRole('navigation', { name: 'Pages' });
  const expectPage = async (number: number, first: string, count: number) => {
    await expect(admin.getByTestId('page-number')).toHaveText(`Page ${number}`);
    await expect(rows).toHaveCount(count);
    await expect(rows.first()).toHaveAttribute('data-username', first);
  };
  await test.step('forward to the last page', async () => {
    await admin.goto(`${portal.password}/admin/users?q=pager-`);
    await expectPage(1, name(0), 50);
    await expect(pager.getByRole('link', { name: 'Previous page' })).toHaveCount(0);
    await pager.getByRole('link', { name: 'Next page' }).click();
    await expectPage(2, name(50), 50);
    await pager.getByRole('link', { name: 'Next page' }).click();
    await expectPage(3, name(100), 20);
    await expect(pager.getByRole('link', { name: 'Next page' })).toHaveCount(0);
    await expect(pager.getByRole('link', { name: 'First page' })).toBeVisible();
    await expectAccessible(admin);
    await admin.screenshot({ path: testInfo.outputPath('admin-users-page-3.png'), fullPage: true });
  });
  await test.step('back to the first page', async () => {
    await pager.getByRole('link', { name: 'Previous page' }).click();
    await expectPage(2, name(50), 50);
    // The cursor is one opaque URL value, the search stays in the URL beside it.
    expect(new URL(admin.url()).searchParams.get('page')).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(new URL(admin.url()).searchParams.get('q')).toBe('pager-');
    await pager.getByRole('link', { name: 'Previous page' }).click();
    await expectPage(1, name(0), 50);
    await expect(pager.getByRole('link', { name: /Previous page|First page/ })).toHaveCount(0);
  });
  await test.step('a damaged page link says so and offers the first page', async () => {
    await admin.goto(`${portal.password}/admin/users?q=pager-&page=not-a-cursor`);
    await expect(admin.getByRole('alert').filter({ hasText: 'could not be listed' })).toContainText(
      'The page link is damaged',
    );
    await admin.getByRole('link', { name: 'Start again from the first page' }).click();
    await expectPage(1, name(0), 50);
  });
  await test.step('only users without a LOB', async () => {
    await admin.goto(`${portal.password}/admin/users`);
    await admin.getByLabel('Username starts with').fill('user-');
    await admin.getByLabel('Show').selectOption('nolob');
    await admin.getByRole('button', { name: 'Search' }).click();
    // Of the demo users only user-no-lob has neither a mapping nor a LOB through its IdP group.
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toHaveAttribute('data-username', 'user-no-lob');
    await expect(rows.first()).toContainText('No LOB');
    // The scan reads every pool user whose name starts with user- (the demo pool, local/demo-data.ts).
    const scanned = DEMO_USERS.filter((u) => u.username.startsWith('user-')).length;
    await expect(admin.getByTestId('nolob-scan')).toContainText(`Searched ${scanned} users of the user pool`);
    await expectAccessible(admin);
    await admin.screenshot({ path: testInfo.outputPath('admin-users-nolob.png'), fullPage: true });
  });
});

// Every admin page, desktop and phone width: nothing overflows the page sideways (wide tables scroll in their own frame).
for (const width of [1280, 390]) {
  test(`every admin page fits a ${width} px wide window`, async ({ pageAs, portal }, testInfo) => {
    const page = await pageAs('portal-admin', { viewport: { width, height: 900 } });
    for (const { name, path } of ADMIN_PAGES) {
      await test.step(name, async () => {
        const response = await page.goto(`${portal.password}${path}`);
        expect(response?.status()).toBe(200);
        await expect(page.getByRole('heading', { level: 1 })).toHaveCount(1);
        const overflow = await page.evaluate(
          () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
        );
        expect(overflow, `${path} scrolls sideways by ${overflow}px`).toBeLessThanOrEqual(0);
        await page.screenshot({
          path: testInfo.outputPath(`admin-${name.replace(/\W+/g, '-')}-${width}.png`),
          fullPage: true,
        });
      });
    }
  });
}
