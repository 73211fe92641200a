import { readFileSync } from 'node:fs';
import Papa from 'papaparse';
import { expect, test } from './fixtures';
import { E2E_ENV } from './support/global-setup';

/**
 * Issue 14 in a real browser (Debian Chromium) against the stand-ins: owner-lob-a starts a review of lob-a,
 * keeps one member, removes user-lob-a and finishes; user-lob-a's next launch is refused; the CSV lists
 * every snapshot member with decision, reviewer and time; a non-owner gets 403. Axe and 390 px included.
 * At the end a platform admin adds user-lob-a back (through the members page), as the other specs expect.
 */
const portal = () => process.env[E2E_ENV.password]!;

test('owner-lob-a reviews lob-a: keeps one, removes user-lob-a, finishes; the launch is refused and the CSV is the evidence', async ({
  pageAs,
  expectAccessible,
}, testInfo) => {
  // user-lob-a has the home page open before the review.
  const member = await pageAs('user-lob-a', { acceptDownloads: true });
  await expect(member.getByTestId('open-studio')).toBeVisible();

  const owner = await pageAs('owner-lob-a', { acceptDownloads: true, viewport: { width: 390, height: 844 } });
  await owner.goto(`${portal()}/admin/lobs/lob-a`);
  await owner.getByRole('button', { name: 'Start review' }).click();
  await expect(owner).toHaveURL(/\/admin\/reviews\/[\w-]+$/);
  const reviewUrl = owner.url();
  await expect(owner.getByRole('heading', { name: 'Access review of lob-a' })).toBeVisible();
  const progress = owner.getByTestId('review-progress');
  await expect(progress).toHaveText(/^0 of \d+ decided$/);
  const total = Number(/of (\d+)/.exec((await progress.textContent()) ?? '')![1]);
  await expect(owner.getByTestId('review-groups')).toContainText('lob-a-users');
  await expectAccessible(owner);
  // 390 px: nothing wider than the viewport outside the scrollable table frame.
  expect(await owner.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

  const decisions = [
    { username: 'user-multi', button: 'Keep', comment: 'Still on the churn project', shown: 'kept' },
    { username: 'user-lob-a', button: 'Remove', comment: 'Left the team', shown: 'removed' },
  ];
  for (const [index, { username, button, comment, shown }] of decisions.entries()) {
    await test.step(`${button.toLowerCase()} ${username} with a comment`, async () => {
      // Other specs may have put many users into lob-a (the CSV import): find the member by name.
      await owner.goto(`${reviewUrl}?q=${username}`);
      const row = owner.locator(`tr[data-username="${username}"]`);
      await row.getByLabel(`Comment on ${username} (optional)`).fill(comment);
      await row.getByRole('button', { name: button, exact: true }).click();
      await expect(progress).toHaveText(`${index + 1} of ${total} decided`);
      await expect(row.getByTestId('decision')).toContainText(shown);
    });
  }

  await test.step('finish: read-only', async () => {
    await owner.getByRole('button', { name: 'Finish review' }).click();
    await expect(owner.getByText('This review is read-only')).toBeVisible();
    await expect(owner.getByRole('button', { name: 'Keep', exact: true })).toHaveCount(0);
    await owner.screenshot({ path: testInfo.outputPath('review-finished-390.png'), fullPage: true });
    await expectAccessible(owner);
  });

  await test.step('the printable page is the read-only evidence, without the console frame in print', async () => {
    await owner.getByRole('link', { name: 'Printable page' }).click();
    await expect(owner).toHaveURL(`${reviewUrl}/print`);
    await expect(owner.getByRole('heading', { level: 1 })).toHaveText('Access review of lob-a (Line of Business A)');
    const summary = owner.getByTestId('review-print-summary');
    await expect(summary).toContainText(/Period\s*\d{4}-\d\d-\d\d \d\d:\d\d UTC to \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    await expect(summary).toContainText('Reviewersgroup lob-a-owners');
    await expect(owner.getByTestId('review-print-counts')).toHaveText(
      `${total} in the snapshot: 1 kept, 1 removed, ${total - 2} undecided`,
    );
    const rows = owner.locator('[data-testid="review-print-table"] tbody tr');
    await expect(rows).toHaveCount(total);
    const cells = async (username: string) =>
      owner.locator(`[data-testid="review-print-table"] tr[data-username="${username}"] > *`).allTextContents();
    const removed = await cells('user-lob-a');
    expect(removed.slice(0, 3)).toEqual(['user-lob-a', 'removed', 'owner-lob-a']);
    expect(removed[3]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
    expect(removed[4]).toBe('Left the team');
    expect((await cells('user-multi')).slice(0, 3)).toEqual(['user-multi', 'kept', 'owner-lob-a']);
    // Read-only: no form, no decision button; only Print (and the header's Sign out).
    await expect(owner.locator('main form')).toHaveCount(0);
    await expect(owner.getByRole('button', { name: 'Keep', exact: true })).toHaveCount(0);
    expect(await owner.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await expectAccessible(owner);
    await owner.emulateMedia({ media: 'print' });
    await expect(owner.getByRole('button', { name: 'Print' })).toBeHidden();
    await expect(owner.getByRole('navigation', { name: 'Admin' })).toBeHidden();
    await expect(owner.getByTestId('whoami')).toBeHidden();
    await expect(rows.first()).toBeVisible();
    await owner.emulateMedia({ media: 'screen' });
    await expect(owner.getByRole('button', { name: 'Print' })).toBeVisible();
    // A platform admin reads it too.
    const admin = await pageAs('portal-admin');
    expect((await admin.goto(`${reviewUrl}/print`))?.status()).toBe(200);
    await expect(admin.getByTestId('review-print-counts')).toHaveText(
      `${total} in the snapshot: 1 kept, 1 removed, ${total - 2} undecided`,
    );
    await owner.goto(reviewUrl);
  });

  await test.step('user-lob-a is refused at launch', async () => {
    await member.getByTestId('open-studio').click();
    // The refusal in place, or (no LOB left) the page turns into "not assigned" without the button.
    await expect(member.getByTestId('launch-error-message').or(member.getByTestId('no-lob'))).toBeVisible();
    await expect(member).not.toHaveURL(/d-loba1example/);
    await expect(member.getByTestId('open-studio'))
      .toHaveCount(0, { timeout: 1 })
      .catch(async () => {
        await expect(member.getByTestId('launch-error-message')).toBeVisible();
      });
  });

  await test.step('a non-owner gets 403 on the review and its export', async () => {
    const page = await member.goto(reviewUrl);
    expect(page?.status()).toBe(403);
    const csv = await member.request.get(`${reviewUrl}/export`, { maxRedirects: 0 });
    expect(csv.status()).toBe(403);
    const print = await member.goto(`${reviewUrl}/print`);
    expect(print?.status()).toBe(403);
    await expect(member.getByTestId('review-print')).toHaveCount(0);
  });

  await test.step('the CSV lists every snapshot member with decision, reviewer and time', async () => {
    const download = owner.waitForEvent('download');
    await owner.getByRole('link', { name: 'Export CSV' }).click();
    const file = await (await download).path();
    const rows = Papa.parse<Record<string, string>>(readFileSync(file, 'utf8'), {
      header: true,
      skipEmptyLines: true,
    }).data;
    expect(rows).toHaveLength(total);
    const by = Object.fromEntries(rows.map((r) => [r.member, r]));
    expect(by['user-lob-a']).toMatchObject({ decision: 'remove', reviewer: 'owner-lob-a', comment: 'Left the team' });
    expect(by['user-multi']).toMatchObject({
      decision: 'keep',
      reviewer: 'owner-lob-a',
      comment: 'Still on the churn project',
    });
    for (const r of rows) {
      if (r.decision === 'undecided') expect(r.reviewer).toBe('');
      else expect(r.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d/);
    }
  });

  await test.step('restore: a platform admin adds user-lob-a back (with no end date: owners cannot, issue 23)', async () => {
    const admin = await pageAs('portal-admin');
    await admin.goto(`${portal()}/admin/lobs/lob-a/members`);
    await admin.getByLabel('Username').fill('user-lob-a');
    await admin.getByRole('button', { name: 'Add member' }).click();
    await expect(admin.getByText('Saved: user-lob-a is a member of lob-a')).toBeVisible();
  });
});
