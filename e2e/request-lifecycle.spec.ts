import { writeFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { E2E_ENV } from './support/global-setup';
import { jobToken } from '../lib/job-tokens';

/**
 * Issue 27 items 1-3 in Chromium at 390 px, time moved with the portal's clock file (no sleeping):
 * user-expiring (lob-a, ends 10 days after the stand-ins start) sees "Request extension" on the
 * "ends soon" notice, asks for 30 more days, owner-lob-a approves on the request's own page; the end date
 * moves 30 days on and lob-a keeps one member row for them; the decision reaches the home page and SNS
 * (attribute `user`). A request nobody decides expires after lob-b's 14 days: the owners' count goes back,
 * the requester sees "Expired" and may ask again, SNS says so. axe on every new state.
 */
const portal = () => process.env[E2E_ENV.password]!;
const control = () => process.env[E2E_ENV.control]!;
const DAY = 24 * 3600;
const setClockOffset = (seconds: number) => writeFileSync(process.env[E2E_ENV.clockFile]!, String(seconds));
const PHONE = { width: 390, height: 844 };

async function snsOf(event: string, user: string) {
  const res = await fetch(`${control()}/sns/messages`);
  const { messages } = (await res.json()) as { messages: { attributes: Record<string, string>; message: string }[] };
  return messages
    .filter((m) => m.attributes.event === event && m.attributes.user === user)
    .map((m) => JSON.parse(m.message) as Record<string, unknown>);
}

async function runJobs(): Promise<void> {
  const res = await fetch(`${portal()}/api/internal/jobs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: jobToken('review-jobs', process.env[E2E_ENV.secret]!) }),
  });
  expect(res.status).toBe(200);
}

/** The overview's count of pending requests, as an owner or admin sees it. */
async function pendingCount(page: Page): Promise<number> {
  await page.goto(`${portal()}/admin`);
  return Number(await page.getByTestId('glance-requests').locator('[data-count]').getAttribute('data-count'));
}

test('Request extension: approved, the end date moves and the membership stays one', async ({
  pageAs,
  expectAccessible,
}) => {
  test.slow();
  const user = await pageAs('user-expiring', { viewport: PHONE });
  const owner = await pageAs('owner-lob-a', { viewport: PHONE });
  try {
    let until = '';
    await test.step('in its last 7 days the notice offers "Request extension"', async () => {
      setClockOffset(4 * DAY);
      await user.goto(`${portal()}/`);
      const notice = user.getByTestId('ends-lob-a');
      await expect(notice).toContainText('ends soon');
      until = (await notice.locator('time').getAttribute('datetime'))!;
      const form = user.getByRole('form', { name: 'Request extension of lob-a' });
      await expect(form.getByLabel('Extend by')).toBeVisible();
      await expectAccessible(user, { maxWidth: PHONE.width });
      await form.getByLabel('Extend by').selectOption('30');
      await form.getByRole('button', { name: 'Request extension' }).click();
      await expect(user.getByRole('status').filter({ hasText: 'Extension requested' })).toBeVisible();
      await expect(user.getByTestId('my-request-lob-a')).toContainText('extension Waiting for a decision');
      await expectAccessible(user, { maxWidth: PHONE.width });
    });

    await test.step('owner-lob-a opens it from the queue and approves it', async () => {
      await owner.goto(`${portal()}/admin/requests`);
      const row = owner.locator('[data-testid="request-row"][data-requester="user-expiring"]');
      await row.getByRole('link', { name: 'user-expiring asks for an extension of lob-a' }).click();
      await expect(owner.getByRole('heading', { level: 1 })).toContainText(
        'user-expiring asks for an extension of lob-a',
      );
      await expectAccessible(owner, { maxWidth: PHONE.width });
      await owner.getByRole('button', { name: 'Approve' }).click();
      // The page refreshes: the decision forms give way to who decided and when.
      await expect(owner.getByTestId('request-outcome')).toContainText(
        /Approved by owner-lob-a at .*UTC: a member until/,
      );
      await expect(owner.getByRole('button', { name: 'Approve' })).toHaveCount(0);
      await expectAccessible(owner, { maxWidth: PHONE.width });
    });

    await test.step('the requester sees the new end date; one member row; SNS told them', async () => {
      const extended = new Date(Date.parse(until) + 30 * DAY * 1000).toISOString();
      await user.reload();
      await expect(user.getByTestId('ends-lob-a').locator('time')).toHaveAttribute('datetime', extended);
      await expect(user.getByTestId('my-request-lob-a')).toContainText(/Approved by owner-lob-a until/);
      await owner.goto(`${portal()}/admin/lobs/lob-a/members?q=user-expiring`);
      await expect(owner.locator('tbody tr[data-username="user-expiring"]')).toHaveCount(1);
      const [decided] = await snsOf('request.decided', 'user-expiring');
      expect(decided).toMatchObject({
        status: 'approved',
        until: extended,
        decidedBy: 'owner-lob-a',
        requester: 'user-expiring',
      });
    });
  } finally {
    setClockOffset(0);
    await user.context().close();
    await owner.context().close();
  }
});

test('A request nobody decides expires: the count goes back, the requester is told and may ask again', async ({
  pageAs,
  expectAccessible,
}) => {
  test.slow();
  const username = `e2e-lapse-${Date.now().toString(36)}`;
  const password = 'E2e-Lapse-Req-1!';
  // A user of this spec's own, in no LOB and no group (the stand-ins' bulk import, as the bench seeds users).
  const created = await fetch(`${control()}/cognito/users:bulk`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ users: [{ username, password }] }),
  });
  expect(created.status).toBe(200);
  const user = await pageAs(username, { viewport: PHONE, password });
  const admin = await pageAs('portal-admin', { viewport: PHONE });
  try {
    const before = await pendingCount(admin);
    await test.step('the user asks for lob-b; the count goes up', async () => {
      const lobB = user.getByTestId('request-lob-b');
      await lobB.getByRole('button', { name: 'Request access' }).click();
      await lobB.getByRole('textbox', { name: 'Justification' }).fill('Forecasting work for the lob-b platform');
      await lobB.getByRole('button', { name: 'Submit request' }).click();
      await expect(user.getByTestId('my-request-lob-b')).toContainText(/Waiting for a decision.*Expires/);
      expect(await pendingCount(admin)).toBe(before + 1);
    });

    await test.step('14 days later the job expires it; the count is back', async () => {
      setClockOffset(14 * DAY + 3600);
      await runJobs();
      expect(await pendingCount(admin)).toBe(before);
      await user.reload();
      const mine = user.getByTestId('my-request-lob-b');
      await expect(mine).toHaveAttribute('data-status', 'expired');
      await expect(mine).toContainText('Nobody decided it in time');
      await expect(user.getByTestId('request-lob-b').getByRole('button', { name: 'Request access' })).toBeVisible();
      await expectAccessible(user, { maxWidth: PHONE.width });
      const [expired] = await snsOf('request.expired', username);
      expect(expired).toMatchObject({ requester: username, status: 'expired' });
    });

    await test.step('an approver opening it sees that it expired, not an error', async () => {
      await admin.goto(`${portal()}/admin/requests/${(await snsOf('request.expired', username))[0].request}`);
      await expect(admin.getByTestId('request-status')).toHaveText('Expired');
      await expect(admin.getByTestId('request-outcome')).toContainText(/Expired at .*nobody decided it in time/);
      await expectAccessible(admin, { maxWidth: PHONE.width });
    });
  } finally {
    setClockOffset(0);
    await user.context().close();
    await admin.context().close();
  }
});
