/**
 * Cost control in the browser (issue 25): "My Studio apps" and its Stop, a forged stop refused with 403,
 * an owner stopping a member's app with a reason, the LOB limit "Stop apps after (hours)" warning at 7 h 30
 * and stopping at 8 h (portal clock moved through CLOCK_OFFSET_FILE, the sweep run through the jobs route),
 * and instance hours with their estimated cost on the usage page, its table view and its CSV.
 */
import { writeFileSync } from 'node:fs';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { ListAppsCommand, SageMakerClient, type AppDetails } from '@aws-sdk/client-sagemaker';
import { test, expect } from './fixtures';
import { E2E_ENV } from './support/global-setup';
import { PORTAL_PRINCIPAL } from '../local/demo-data';
import { jobToken } from '../lib/job-tokens';

const HOUR = 3600;
const LOB_A = { lob: 'lob-a', account: '111111111111', domain: 'd-loba1example' };
const LOB_B = { lob: 'lob-b', account: '222222222222', domain: 'd-lobb1example' };
const setClock = (seconds: number) => writeFileSync(process.env[E2E_ENV.clockFile]!, String(seconds));
/** Moves the portal's clock to `seconds` after `from` (an app's CreationTime): running times come out exact. */
const setClockAfter = (from: Date, seconds: number) => setClock((from.getTime() + seconds * 1000 - Date.now()) / 1000);
const awsUrl = (control: string) => control.replace(/\/_local$/, '');

async function call<T>(control: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${control}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(res.ok, `${method} ${path} answered ${res.status}`).toBe(true);
  return (await res.json()) as T;
}

/** ListApps of a domain with an access-control session (what the portal's sweep sees). */
async function listApps(control: string, lob: { lob: string; account: string; domain: string }): Promise<AppDetails[]> {
  const endpoint = awsUrl(control);
  const sts = new STSClient({ endpoint, region: 'us-east-1', credentials: PORTAL_PRINCIPAL });
  const out = await sts.send(
    new AssumeRoleCommand({
      RoleArn: `arn:aws:iam::${lob.account}:role/PresignedUrlGenerator`,
      RoleSessionName: 'e2e',
      SourceIdentity: 'e2e-test',
      Tags: [
        { Key: 'portal-task', Value: 'access-control' },
        { Key: 'lob', Value: lob.lob },
      ],
    }),
  );
  const c = out.Credentials!;
  const client = new SageMakerClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! },
  });
  return (await client.send(new ListAppsCommand({ DomainIdEquals: lob.domain, MaxResults: 100 }))).Apps ?? [];
}

/** The portal's id of a listed app (lib/cost/apps.ts appIdOf). */
const appIdOf = (a: AppDetails) =>
  `${a.SpaceName ? `space.${a.SpaceName}` : `profile.${a.UserProfileName}`}.${a.AppType}.${a.AppName}.${Math.floor(a.CreationTime!.getTime() / 1000)}`;

/** Runs the scheduled access sweep (with its cost steps) as EventBridge Scheduler would. */
async function runSweep(portal: string) {
  const res = await fetch(`${portal}/api/internal/jobs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: jobToken('access-sweep', process.env[E2E_ENV.secret]!) }),
  });
  expect(res.status).toBe(200);
  return res.json();
}

const snsOf = async (control: string, event: string, mark: string) =>
  (await call<{ messages: Array<Record<string, unknown>> }>(control, 'GET', '/sns/messages')).messages
    .map((m) => JSON.stringify(m))
    .filter((m) => m.includes(event) && m.includes(mark));

test.describe('cost control', () => {
  test.describe.configure({ mode: 'serial' });
  test.afterEach(() => setClock(0));

  // First: the app-hour windows of lob-b start here (a later sweep at +8 h moves lob-b's window past +3 h).
  test('usage: two apps running 2 and 3 hours by the clock show on the usage page, its table view and its CSV, priced', async ({
    pageAs,
    portal,
  }) => {
    // Instance types no other spec uses, so their rows are these apps' alone.
    await call(portal.control, 'POST', `/sagemaker/domains/${LOB_B.domain}/apps`, {
      apps: [
        { userProfile: 'user-lob-b', spaceName: 'hours-cpu', instanceType: 'ml.c5.xlarge' },
        { userProfile: 'user-multi', spaceName: 'hours-mem', instanceType: 'ml.r5.large' },
      ],
    });
    const created = (await listApps(portal.control, LOB_B)).find((a) => a.SpaceName === 'hours-mem')!.CreationTime!;
    setClockAfter(created, 2 * HOUR);
    await runSweep(portal.password);
    const admin = await pageAs('portal-admin');
    await admin.goto(`${portal.password}/admin/lobs/lob-b`);
    await admin.getByRole('button', { name: 'Stop JupyterLab in space hours-cpu of user-lob-b' }).click();
    await admin.getByRole('dialog').getByRole('textbox', { name: 'Reason' }).fill('two hours are enough');
    await admin.getByRole('dialog').getByRole('button', { name: 'Stop app' }).click();
    await expect(admin.getByTestId('app-stopped')).toBeVisible();
    setClockAfter(created, 3 * HOUR);
    await runSweep(portal.password);
    await admin.goto(`${portal.password}/admin/usage`);
    await expect(admin.getByRole('heading', { name: 'Instance hours' })).toBeVisible();
    await expect(admin.getByText(/Estimated from list prices/)).toBeVisible();
    await admin.getByText('Show instance hours as a table').click();
    const table = admin.getByTestId('instance-hours-table');
    await expect(table.locator('tr[data-instance-type="ml.c5.xlarge"]')).toContainText('2.00');
    await expect(table.locator('tr[data-instance-type="ml.c5.xlarge"]')).toContainText('$0.41');
    await expect(table.locator('tr[data-instance-type="ml.r5.large"]')).toContainText('3.00');
    await expect(table.locator('tr[data-instance-type="ml.r5.large"]')).toContainText('$0.45');
    const csv = await admin.request.get(`${portal.password}/admin/usage/instances/export?days=30`);
    expect(csv.status()).toBe(200);
    const lines = (await csv.text()).trim().split(/\r?\n/);
    expect(lines[0]).toBe('firstDay,lastDay,lob,instanceType,hours,hourlyPrice,estimatedCost,currency');
    expect(lines.find((l) => l.includes('ml.c5.xlarge'))).toMatch(/,lob-b,ml\.c5\.xlarge,2\.00,0\.204,0\.41,USD$/);
    expect(lines.find((l) => l.includes('ml.r5.large'))).toMatch(/,lob-b,ml\.r5\.large,3\.00,0\.151,0\.45,USD$/);
  });

  test('user-lob-a opens JupyterLab, sees it under "My Studio apps", stops it, and it is gone from ListApps', async ({
    pageAs,
    portal,
    expectAccessible,
  }) => {
    const page = await pageAs('user-lob-a');
    await page.getByLabel('Open in').selectOption('jupyterlab');
    await page.getByTestId('open-studio').click();
    await expect(page.getByTestId('studio-app')).toHaveText(/JupyterLab/);
    await page.goto(portal.password);
    await expect(page.getByRole('heading', { name: 'My Studio apps' })).toBeVisible();
    const stop = page.getByRole('button', { name: 'Stop JupyterLab in your user profile' });
    await expect(stop).toBeVisible();
    await expect(page.getByTestId('my-apps-lob-a')).toContainText('ml.t3.medium');
    await expectAccessible(page, { anyImpact: true });
    await stop.click();
    const dialog = page.getByRole('dialog', { name: 'Stop JupyterLab in your user profile?' });
    await expect(dialog).toContainText('unsaved changes');
    await dialog.getByRole('button', { name: 'Stop app' }).click();
    await expect(page.getByTestId('app-stopped')).toContainText('Stopped JupyterLab');
    const mine = (await listApps(portal.control, LOB_A)).filter(
      (a) => a.UserProfileName === 'user-lob-a' && a.AppType === 'JupyterLab',
    );
    expect(mine.map((a) => a.Status)).toEqual(['Deleted']);
  });

  test("a forged stop of another user's app is refused by the portal with 403", async ({ pageAs, portal }) => {
    await call(portal.control, 'POST', `/sagemaker/domains/${LOB_A.domain}/apps`, {
      apps: [{ userProfile: 'user-multi', appType: 'CodeEditor', spaceName: 'multi-forged' }],
    });
    const theirs = (await listApps(portal.control, LOB_A)).find(
      (a) => a.SpaceName === 'multi-forged' && a.Status === 'InService',
    )!;
    const page = await pageAs('user-lob-a');
    // The no-JS confirmation step carries whatever id the URL names: the server decides.
    await page.goto(`${portal.password}/?stop=${encodeURIComponent(appIdOf(theirs))}&lob=lob-a`);
    const answer = page.waitForResponse((r) => r.request().method() === 'POST');
    await page.getByTestId('stop-confirm').getByRole('button', { name: 'Stop app' }).click();
    expect((await answer).status()).toBe(403);
    expect((await listApps(portal.control, LOB_A)).find((a) => a.SpaceName === 'multi-forged')?.Status).toBe(
      'InService',
    );
  });

  test("owner-lob-a stops a member's app with a reason: SNS and the audit name both", async ({ pageAs, portal }) => {
    const page = await pageAs('owner-lob-a');
    await page.goto(`${portal.password}/admin/lobs/lob-a?longer=0`);
    const stop = page.getByRole('button', { name: 'Stop CodeEditor in space multi-forged of user-multi' });
    await stop.click();
    const dialog = page.getByRole('dialog');
    // The reason is required (the browser asks before sending; the server refuses an empty one too).
    await expect(dialog.getByRole('textbox', { name: 'Reason' })).toHaveAttribute('required', '');
    await dialog.getByRole('textbox', { name: 'Reason' }).fill('Left running over the weekend');
    await dialog.getByRole('button', { name: 'Stop app' }).click();
    await expect(page.getByTestId('app-stopped')).toContainText('CodeEditor in space multi-forged of user-multi');
    const [message] = await snsOf(portal.control, 'app.stopped', 'Left running over the weekend');
    expect(message).toContain('user-multi');
    expect(message).toContain('owner-lob-a');
    await page.goto(`${portal.password}/admin/audit?lob=lob-a`);
    await expect(page.getByText('CodeEditor in space multi-forged of user-multi').first()).toBeVisible();
  });

  test('a LOB limit of 8 hours warns at 7 h 30 and stops at 8 h, once each', async ({ pageAs, portal }) => {
    const admin = await pageAs('portal-admin');
    await admin.goto(`${portal.password}/admin/lobs/lob-b`);
    await admin.getByLabel('Stop apps after (hours)').fill('8');
    await admin.getByRole('button', { name: 'Save changes' }).click();
    await expect(admin.getByRole('status').filter({ hasText: 'Saved' }).first()).toBeVisible();
    try {
      await call(portal.control, 'POST', `/sagemaker/domains/${LOB_B.domain}/apps`, {
        apps: [{ userProfile: 'user-lob-b', spaceName: 'limit-e2e' }],
      });
      setClock(7 * HOUR + 29 * 60);
      await runSweep(portal.password);
      expect(await snsOf(portal.control, 'app.stopping', 'limit-e2e')).toHaveLength(0);
      setClock(7.5 * HOUR + 30);
      await runSweep(portal.password);
      await runSweep(portal.password);
      expect(await snsOf(portal.control, 'app.stopping', 'limit-e2e')).toHaveLength(1);
      const user = await pageAs('user-lob-b');
      await expect(user.getByRole('row', { name: /JupyterLab/ }).getByTestId('stop-notice')).toContainText(
        'Stops soon',
      );
      setClock(8 * HOUR + 30);
      await runSweep(portal.password);
      setClock(8 * HOUR + 5 * 60);
      await runSweep(portal.password);
      expect(await snsOf(portal.control, 'app.stopped', 'limit-e2e')).toHaveLength(1);
      expect((await listApps(portal.control, LOB_B)).find((a) => a.SpaceName === 'limit-e2e')?.Status).toBe('Deleted');
    } finally {
      setClock(0);
      await admin.goto(`${portal.password}/admin/lobs/lob-b`);
      await admin.getByLabel('Stop apps after (hours)').fill('');
      await admin.getByRole('button', { name: 'Save changes' }).click();
      await expect(admin.getByRole('status').filter({ hasText: 'Saved' }).first()).toBeVisible();
    }
  });
});
