/**
 * lib/cost against the full stand-ins (STS, SageMaker, SNS, DynamoDB) through the production SDK clients:
 * a user lists and stops their own apps with their own generator session (IAM refuses anyone else's), an
 * owner stops a member's app with a reason (audit and SNS name both), the sweep warns 30 minutes before a
 * LOB's running-time limit and stops at it (once each, the clock moved, no sleeps), and counts app hours
 * once per window (usage report and CSV priced from the price table).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { DeleteAppCommand, ListAppsCommand, SageMakerClient, type AppType } from '@aws-sdk/client-sagemaker';
import { generatorAssumeRole } from '../support/assume-role';
import type { RunningStandIns } from '@/local/stand-ins';
import { control } from '@/local/stack';
import { PORTAL_PRINCIPAL } from '@/local/demo-data';
import type { PortalConfig } from '@/lib/config';
import { inProcessPortalConfig, startStandInsOnFreePorts } from '@/local/in-process-portal';
import { createDynamoDocumentClient, createGeneratorSessions } from '@/lib/aws/clients';
import { createAdminDeps, type AdminDeps } from '@/lib/admin/deps';
import { getLob } from '@/lib/admin/lobs';
import { listAudit } from '@/lib/admin/audit';
import { createAccessControlClients } from '@/lib/access/clients';
import { createAppClients } from '@/lib/cost/clients';
import { appIdOf, type RunningApp } from '@/lib/cost/apps';
import { SHIPPED_PRICE_TABLE } from '@/lib/cost/prices';
import { listLobApps, listMyApps, stopLobApp, stopOwnApp, type CostDeps } from '@/lib/cost/stop-app';
import { sweepLobCosts } from '@/lib/cost/sweep';
import { instanceCsvRows, readInstanceUsage, readMyMonth } from '@/lib/cost/report';
import { isPortalError } from '@/lib/errors';
import type { Lob } from '@/lib/directory/types';

const HOUR = 3600_000;
let standIns: RunningStandIns;
let config: PortalConfig;
let admin: AdminDeps;
let deps: CostDeps;
let ctl: ReturnType<typeof control>;
/** The portal's clock for these tests: real time moved by `offsetMs`. */
let offsetMs = 0;

beforeAll(async () => {
  standIns = await startStandInsOnFreePorts();
  config = inProcessPortalConfig(standIns);
  admin = createAdminDeps(config, createDynamoDocumentClient(config));
  const users = createGeneratorSessions(config);
  deps = {
    ddb: admin.ddb,
    tables: admin.tables,
    notify: admin.notify,
    now: () => new Date(Date.now() + offsetMs),
    prices: SHIPPED_PRICE_TABLE,
    apps: createAppClients(
      config,
      (lob, username) => users.get({ lob: lob.lob, accountId: lob.accountId, roleName: lob.roleName }, username),
      createAccessControlClients(config),
    ),
  };
  ctl = control(standIns.urls.control);
});

afterAll(async () => {
  await standIns?.stop();
});

async function lobOf(name: string): Promise<Lob> {
  const lob = await getLob(admin, name);
  if (!lob) throw new Error(`no LOB ${name}`);
  return lob;
}

/** A user's own generator session, as the portal opens it (studio-user tag), for calls IAM must refuse. */
async function userClient(user: string, account = '111111111111') {
  const sts = new STSClient({ endpoint: standIns.urls.aws, region: 'us-east-1', credentials: PORTAL_PRINCIPAL });
  const out = await sts.send(
    new AssumeRoleCommand(generatorAssumeRole(account, user, account === '111111111111' ? 'lob-a' : 'lob-b')),
  );
  const c = out.Credentials!;
  return new SageMakerClient({
    endpoint: standIns.urls.aws,
    region: 'us-east-1',
    credentials: { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! },
  });
}

describe('a user stops their own apps', () => {
  it('lists only their profile and private-space apps, stops one with their own session, and it is gone from ListApps', async () => {
    const lob = await lobOf('lob-a');
    await ctl.createApps(lob.domainId, [
      { userProfile: 'user-lob-a', appType: 'JupyterLab', spaceName: 'alice-ds', instanceType: 'ml.m5.large' },
      { userProfile: 'user-multi', appType: 'CodeEditor', spaceName: 'multi-ds' },
    ]);
    const mine = await listMyApps(deps, lob, 'user-lob-a');
    expect(mine.map((a) => [a.appType, a.spaceName, a.instanceType, a.user])).toEqual([
      ['JupyterLab', 'alice-ds', 'ml.m5.large', 'user-lob-a'],
    ]);
    await stopOwnApp(deps, { lob, username: 'user-lob-a', appId: appIdOf(mine[0]) });
    const listed = await (
      await userClient('user-lob-a')
    ).send(new ListAppsCommand({ DomainIdEquals: lob.domainId, SpaceNameEquals: 'alice-ds' }));
    expect(listed.Apps?.map((a) => a.Status)).toEqual(['Deleted']);
    expect(await listMyApps(deps, lob, 'user-lob-a')).toEqual([]);
    const audit = await listAudit(admin, { lob: 'lob-a', type: 'admin' }, { limit: 20 });
    expect(audit.entries.find((e) => e.action === 'app.stop' && e.user === 'user-lob-a')?.target).toBe(
      'JupyterLab in space alice-ds of user-lob-a',
    );
  });

  it("refuses another user's app: the portal (app.not_yours, 403) and, with the user's session anyway, IAM in the stand-in", async () => {
    const lob = await lobOf('lob-a');
    const theirs = (await listLobApps(deps, lob, 'test-admin')).find(
      (a) => a.user === 'user-multi' && a.spaceName === 'multi-ds',
    )!;
    expect(theirs).toBeDefined();
    const refused = await stopOwnApp(deps, { lob, username: 'user-lob-a', appId: appIdOf(theirs) }).catch(
      (e: unknown) => e,
    );
    expect(isPortalError(refused) && refused.code).toBe('app.not_yours');
    expect(isPortalError(refused) && refused.status).toBe(403);
    type Owner = { SpaceName: string } | { UserProfileName: string };
    /** DeleteApp in lob-a's domain, called with a user's own session. */
    const deleteApp = (client: SageMakerClient, owner: Owner, AppType: AppType) =>
      client.send(new DeleteAppCommand({ DomainId: lob.domainId, AppType, AppName: 'default', ...owner }));
    const mine = await userClient('user-lob-a');
    const forged = await deleteApp(mine, { SpaceName: 'multi-ds' }, 'CodeEditor').catch((e: Error) => e);
    expect((forged as Error).name).toBe('AccessDeniedException');
    // A profile app of someone else is refused too; the user's own profile app is not.
    await ctl.createApps(lob.domainId, [{ userProfile: 'user-multi' }, { userProfile: 'user-lob-a' }]);
    const own = await userClient('user-lob-a');
    const other = await deleteApp(own, { UserProfileName: 'user-multi' }, 'JupyterLab').catch((e: Error) => e);
    expect((other as Error).name).toBe('AccessDeniedException');
    await deleteApp(own, { UserProfileName: 'user-lob-a' }, 'JupyterLab');
    expect(
      (await listLobApps(deps, lob, 'test-admin')).some((a) => a.user === 'user-multi' && a.spaceName === 'multi-ds'),
    ).toBe(true);
  });
});

describe('an owner stops a member app with a reason', () => {
  it('stops it with a session naming the owner; SNS app.stopped and the audit entry name both, and why', async () => {
    const lob = await lobOf('lob-a');
    const app = (await listLobApps(deps, lob, 'owner-lob-a')).find(
      (a) => a.user === 'user-multi' && a.spaceName === 'multi-ds',
    )!;
    await stopLobApp(deps, { lob, actor: 'owner-lob-a', appId: appIdOf(app), reason: 'GPU budget exceeded this week' });
    expect((await listLobApps(deps, lob, 'owner-lob-a')).some((a) => appIdOf(a) === appIdOf(app))).toBe(false);
    const message = (await ctl.snsMessages())
      .map((m) => JSON.stringify(m))
      .find((m) => m.includes('app.stopped') && m.includes('GPU budget exceeded this week'));
    expect(message).toContain('user-multi');
    expect(message).toContain('owner-lob-a');
    const audit = await listAudit(admin, { lob: 'lob-a', type: 'admin' }, { limit: 20 });
    const entry = audit.entries.find((e) => e.action === 'app.stop' && e.user === 'owner-lob-a');
    expect(entry?.target).toBe('CodeEditor in space multi-ds of user-multi');
    expect(entry?.after).toContain('GPU budget exceeded this week');
    const trail = await ctl.cloudTrail({ eventName: 'DeleteApp', sourceIdentity: 'owner-lob-a' });
    expect(trail.at(-1)?.requestParameters).toMatchObject({ SpaceName: 'multi-ds' });
  });
});

describe('the sweep: running-time limit', () => {
  it('with a limit of 8 hours warns at 7 h 30 and stops at 8 h, once each', async () => {
    const lob = { ...(await lobOf('lob-a')), stopAfterHours: 8 };
    await ctl.createApps(lob.domainId, [{ userProfile: 'user-group-a', appType: 'CodeEditor', spaceName: 'limit-ds' }]);
    const label = 'CodeEditor in space limit-ds of user-group-a';
    const run = async (atMs: number) => {
      offsetMs = atMs;
      return sweepLobCosts(deps, lob);
    };
    const count = async (event: string) =>
      (await ctl.snsMessages()).filter(
        (m) => JSON.stringify(m).includes(event) && JSON.stringify(m).includes('limit-ds'),
      ).length;
    try {
      expect((await run(7 * HOUR + 29 * 60_000)).warned).not.toContain(label);
      expect((await run(7.5 * HOUR + 1000)).warned).toContain(label);
      expect((await run(7.75 * HOUR)).warned).not.toContain(label);
      expect(await count('app.stopping')).toBe(1);
      const stopped = await run(8 * HOUR + 1000);
      expect(stopped.stopped).toContain(label);
      expect((await run(8 * HOUR + 5 * 60_000)).stopped).not.toContain(label);
      expect(await count('app.stopped')).toBe(1);
      const trail = await ctl.cloudTrail({ eventName: 'DeleteApp', sourceIdentity: 'access-sweep' });
      expect(trail.at(-1)?.requestParameters).toMatchObject({ SpaceName: 'limit-ds' });
    } finally {
      offsetMs = 0;
    }
  });
});

describe('the sweep: instance hours and cost', () => {
  it('counts two apps running 2 and 3 hours by the clock, once per window, priced from the price table', async () => {
    const lob = await lobOf('lob-b');
    await ctl.createApps(lob.domainId, [
      { userProfile: 'user-lob-b', appType: 'JupyterLab', spaceName: 'cpu-ds', instanceType: 'ml.t3.medium' },
      { userProfile: 'user-multi', appType: 'JupyterLab', spaceName: 'gpu-ds', instanceType: 'ml.g4dn.xlarge' },
    ]);
    // The portal's clock `ms` after the apps started (exact running times, however slow the machine is).
    const cpu = (await listLobApps(deps, lob, 'test')).find((x: RunningApp) => x.spaceName === 'cpu-ds')!;
    const after = (ms: number) => (offsetMs = cpu.createdAt.getTime() + ms - Date.now());
    try {
      after(2 * HOUR);
      const [a, b] = await Promise.all([sweepLobCosts(deps, lob), sweepLobCosts(deps, lob)]);
      // Two sweeps of the same window: one counts it (both apps, 2 hours each).
      expect(Math.min(a.countedSeconds, b.countedSeconds)).toBe(0);
      expect(Math.max(a.countedSeconds, b.countedSeconds)).toBeGreaterThanOrEqual(4 * 3600);
      expect(Math.max(a.countedSeconds, b.countedSeconds)).toBeLessThan(4 * 3600 + 10);
      await stopLobApp(deps, { lob, actor: 'portal-admin', appId: appIdOf(cpu), reason: 'test done' });
      after(3 * HOUR);
      expect(Math.abs((await sweepLobCosts(deps, lob)).countedSeconds - 3600)).toBeLessThan(10);
      const report = await readInstanceUsage(deps, [lob], 30, deps.now!());
      expect(report.rows).toEqual([
        { lob: 'lob-b', instanceType: 'ml.g4dn.xlarge', hours: 3, hourlyPrice: 0.7364, cost: 2.21 },
        { lob: 'lob-b', instanceType: 'ml.t3.medium', hours: 2, hourlyPrice: 0.05, cost: 0.1 },
      ]);
      expect(report.byLob).toEqual([{ lob: 'lob-b', hours: 5, cost: 2.31, unpricedHours: 0 }]);
      expect(instanceCsvRows(report).map((r) => [r.lob, r.instanceType, r.hours, r.estimatedCost])).toEqual([
        ['lob-b', 'ml.g4dn.xlarge', '3.00', '2.21'],
        ['lob-b', 'ml.t3.medium', '2.00', '0.10'],
      ]);
      expect(await readMyMonth(deps, [lob], 'user-multi', deps.now!())).toMatchObject({ hours: 3, cost: 2.21 });
      expect(await readMyMonth(deps, [lob], 'user-lob-b', deps.now!())).toMatchObject({ hours: 2, cost: 0.1 });
    } finally {
      offsetMs = 0;
    }
  });
});

describe('the access sweep runs the cost steps per LOB', () => {
  it('one sweep ends access and counts app hours in the same run (the cost step reuses its listing)', async () => {
    const { runAccessSweep, endAccessStep } = await import('@/lib/access/sweep');
    const { costSweepStep } = await import('@/lib/cost/sweep');
    offsetMs = 4 * HOUR;
    try {
      const result = await runAccessSweep(
        { ...admin, studio: admin.studio!, now: deps.now },
        { steps: [endAccessStep, costSweepStep(deps)] },
      );
      const lobB = result.lobs.find((l) => l.lob === 'lob-b')!;
      // lob-b's GPU app ran another hour since the last counted window (3 h), give or take the test's own run time.
      const [step] = lobB.steps as Array<{
        cost: { countedSeconds: number; warned: string[]; stopped: string[]; failed: unknown[] };
      }>;
      expect(step.cost).toMatchObject({ warned: [], stopped: [], failed: [] });
      expect(step.cost.countedSeconds).toBeGreaterThanOrEqual(3600 - 60);
      expect(step.cost.countedSeconds).toBeLessThan(3600 + 60);
    } finally {
      offsetMs = 0;
    }
  });
});
