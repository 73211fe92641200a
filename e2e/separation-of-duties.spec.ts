import { expect, test } from './fixtures';

/**
 * Issue 23 items 1-3 in Chromium (phone width where the owner or requester works): an owner adding
 * themselves sees "You cannot grant access to yourself" and nothing is added; with lob-b's "Approvals
 * required" at 2 a request shows "1 of 2 approvals" to the requester and the approvers and becomes a
 * membership with a second admin's approval; a platform admin sees orphaned access and archives it.
 * axe on each new view. Leaves lob-b at 1 approval.
 */
const PHONE = { width: 390, height: 844 };
const PASSWORD = 'TwoStep1!';

test('no self-grants, two approvers, orphaned access', async ({ pageAs, portal, expectAccessible }) => {
  test.slow();
  const added = await fetch(`${portal.control}/cognito/users:bulk`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      users: [
        { username: 'e2e-two-step', password: PASSWORD },
        { username: 'e2e-second-admin', password: PASSWORD, groups: ['portal-admins'] },
      ],
    }),
  });
  expect(added.status).toBe(200);
  const owner = await pageAs('owner-lob-a', { viewport: PHONE });
  const admin = await pageAs('portal-admin');

  await test.step('an owner adding themselves is refused', async () => {
    await owner.goto(`${portal.password}/admin/lobs/lob-a/members`);
    const form = owner.getByRole('form', { name: 'Add a member to lob-a' });
    await form.getByLabel('Username').fill('owner-lob-a');
    await form
      .getByLabel('End date (optional)')
      .fill(new Date(Date.now() + 10 * 24 * 3600 * 1000).toISOString().slice(0, 10));
    await form.getByRole('button', { name: 'Add member' }).click();
    await expect(form.getByText('You cannot grant access to yourself')).toBeVisible();
    await expect(owner.locator('tr[data-username="owner-lob-a"]')).toHaveCount(0);
    await expectAccessible(owner, { maxWidth: PHONE.width });
  });

  const setApprovals = async (value: '1' | '2') => {
    await admin.goto(`${portal.password}/admin/lobs/lob-b`);
    await admin.getByLabel('Approvals required').selectOption(value);
    await admin.getByRole('button', { name: 'Save changes' }).click();
    await expect(admin.getByText(/Saved/).first()).toBeVisible();
    await admin.reload();
    await expect(admin.getByLabel('Approvals required')).toHaveValue(value);
  };

  try {
    await test.step('lob-b requires 2 approvals', async () => {
      await setApprovals('2');
      await expectAccessible(admin);
    });

    const requester = await pageAs('e2e-two-step', { viewport: PHONE, password: PASSWORD });
    await test.step('the first approval shows "1 of 2 approvals"', async () => {
      const lobB = requester.getByTestId('request-lob-b');
      const [ask, submit] = ['Request access', 'Submit request'].map((name) => lobB.getByRole('button', { name }));
      await ask.click();
      await lobB.getByRole('textbox', { name: 'Justification' }).fill('Forecasting work for the lob-b team');
      await submit.click();
      await expect(requester.getByTestId('my-request-lob-b')).toContainText('Waiting for a decision');

      await admin.goto(`${portal.password}/admin/requests`);
      const row = admin.locator('[data-testid="request-row"][data-requester="e2e-two-step"]');
      await row.getByRole('button', { name: 'Approve' }).click();
      // Approved once: the request leaves portal-admin's queue (issue 27), listed apart as waiting for another approver.
      await expect(row).toHaveCount(0);
      const mine = admin.getByTestId('approved-by-you');
      await expect(mine).toContainText('e2e-two-step for lob-b');
      await mine.getByRole('link', { name: 'e2e-two-step for lob-b' }).click();
      await expect(admin.getByTestId('approval-progress')).toHaveText('1 of 2 approvals');
      await expectAccessible(admin);

      await requester.reload();
      await expect(requester.getByTestId('my-request-lob-b').getByTestId('approval-progress')).toHaveText(
        '1 of 2 approvals',
      );
      await expectAccessible(requester, { maxWidth: PHONE.width });
    });

    await test.step('the second, different approver makes it a membership', async () => {
      const second = await pageAs('e2e-second-admin', { password: PASSWORD });
      await second.goto(`${portal.password}/admin/requests`);
      const row = second.locator('[data-testid="request-row"][data-requester="e2e-two-step"]');
      await expect(row).toContainText('1 of 2 approvals');
      await row.getByRole('button', { name: 'Approve' }).click();
      await expect(row).toHaveCount(0);
      await requester.reload();
      await expect(requester.getByTestId('my-request-lob-b')).toContainText('Approved by e2e-second-admin');
      await expect(requester.getByTestId('open-studio')).toBeVisible();
    });
  } finally {
    await setApprovals('1');
  }

  await test.step('a platform admin sees orphaned access and archives it', async () => {
    // A membership for a username the pool does not have (a deleted user's, as far as the portal can tell).
    await admin.goto(`${portal.password}/admin/lobs/lob-a/members`);
    const form = admin.getByRole('form', { name: 'Add a member to lob-a' });
    await form.getByLabel('Username').fill('e2e-departed');
    await form.getByRole('button', { name: 'Add member' }).click();
    await expect(form.getByText('Saved: e2e-departed is a member of lob-a')).toBeVisible();

    const phone = await pageAs('portal-admin', { viewport: PHONE });
    await phone.goto(`${portal.password}/admin/users`);
    await phone.getByRole('link', { name: 'Orphaned access' }).click();
    await expect(phone.getByRole('heading', { name: 'Orphaned access' })).toBeVisible();
    const row = phone.locator('tr[data-username="e2e-departed"]');
    await expect(row).toHaveAttribute('data-reason', 'user-deleted');
    await expect(row).toContainText('User deleted');
    await expectAccessible(phone, { maxWidth: PHONE.width });
    await row.getByRole('button', { name: 'Archive the memberships of e2e-departed' }).click();
    await expect(row).toHaveCount(0);
    expect((await owner.goto(`${portal.password}/admin/users/orphans`))?.status()).toBe(403);
  });
});
