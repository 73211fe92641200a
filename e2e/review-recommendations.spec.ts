import { expect, test } from './fixtures';

/**
 * Issue 27 item 5 in a real browser (Debian Chromium) against the stand-ins, at 390 px: a review of lob-b
 * shows a recommendation per row from the last-launch data (user-lob-b launched just now: "Suggest keep";
 * a member who never launched: "Suggest remove"), says how many rows "Apply recommendations" decides, and
 * deciding them leaves one audited decision per row in the reviewer's name. The rows are narrowed with the
 * member search (prefix "user-lob-b") so no other spec's member is decided.
 */
test('portal-admin applies the recommendations of a lob-b review: one audited decision per row', async ({
  pageAs,
  portal,
  expectAccessible,
}, testInfo) => {
  const idle = `user-lob-b-idle-${Date.now().toString(36)}`;
  await test.step('an idle member in lob-b, and a launch by user-lob-b', async () => {
    const added = await fetch(`${portal.control}/cognito/users:bulk`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ users: [{ username: idle, password: 'IdleUser1!' }] }),
    });
    expect(added.status).toBe(200);
    const admin = await pageAs('portal-admin');
    await admin.goto(`${portal.password}/admin/lobs/lob-b/members`);
    await admin.getByLabel('Username').fill(idle);
    await admin.getByRole('button', { name: 'Add member' }).click();
    await expect(admin.getByText(`Saved: ${idle} is a member of lob-b`)).toBeVisible();
    const member = await pageAs('user-lob-b');
    await member.getByTestId('open-studio').click();
    await member.waitForURL(/^https?:\/\/d-lobb1example\.studio\./, { timeout: 15_000 });
  });

  const admin = await pageAs('portal-admin', { viewport: { width: 390, height: 844 } });
  await admin.goto(`${portal.password}/admin/lobs/lob-b`);
  await admin.getByRole('button', { name: 'Start review' }).click();
  await expect(admin).toHaveURL(/\/admin\/reviews\/[\w-]+$/);
  const reviewUrl = admin.url();
  const reviewId = reviewUrl.split('/').pop()!;
  await admin.goto(`${reviewUrl}?q=user-lob-b`);
  const row = (username: string) => admin.locator(`tr[data-username="${username}"]`);

  await test.step('each row shows its recommendation; the form says how many rows it decides', async () => {
    await expect(row('user-lob-b').getByTestId('recommendation')).toHaveText('Suggest keep: used this month');
    await expect(row(idle).getByTestId('recommendation')).toHaveText('Suggest remove: not used in 90 days');
    await expect(admin.getByTestId('apply-count')).toHaveText(
      'Decides 2 members shown with a suggestion: remove 1, keep 1. One audited decision each, in your name.',
    );
    await expectAccessible(admin);
    expect(await admin.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await admin.screenshot({ path: testInfo.outputPath('review-recommendations-390.png'), fullPage: true });
  });

  await test.step('"Apply recommendations" decides both rows as suggested and reports each', async () => {
    await admin.getByRole('button', { name: 'Apply recommendations' }).click();
    const report = admin.getByTestId('apply-report');
    await expect(report).toContainText('user-lob-b: kept');
    await expect(report).toContainText(`${idle}: removed`);
    await expect(admin.getByRole('status').filter({ hasText: 'Applied 2 recommendations.' })).toBeVisible();
    await expect(row('user-lob-b').getByTestId('decision')).toContainText('kept');
    await expect(row('user-lob-b').getByTestId('decision')).toContainText('by portal-admin');
    await expect(row(idle).getByTestId('decision')).toContainText('removed');
    await expect(row(idle).getByTestId('decision')).toContainText('by portal-admin');
    await expect(admin.getByTestId('apply-count')).toHaveText('No undecided member shown has a suggestion.');
    await expectAccessible(admin);
    expect(await admin.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  });

  await test.step('the audit log has one decision per row, each by the reviewer', async () => {
    await admin.goto(`${portal.password}/admin/audit?user=portal-admin&lob=lob-b`);
    const decisions = admin
      .locator('[data-testid="audit-table"] tbody tr')
      .filter({ has: admin.locator(`a[href="/admin/reviews/${reviewId}"]`) });
    const kept = decisions.filter({ has: admin.getByTestId('audit-action').getByText('review.keep', { exact: true }) });
    const removed = decisions.filter({
      has: admin.getByTestId('audit-action').getByText('review.remove', { exact: true }),
    });
    await expect(kept).toHaveCount(1);
    await expect(kept).toContainText('user-lob-b');
    await expect(kept.locator('td[data-label="User"]')).toHaveText('portal-admin');
    await expect(removed).toHaveCount(1);
    await expect(removed).toContainText(idle);
    await expect(removed.locator('td[data-label="User"]')).toHaveText('portal-admin');
  });
});
