/**
 * The access sweep over HTTP: EventBridge Scheduler's event posted to the portal's jobs route with the
 * `access-sweep` token, the portal's clock moved past a membership's end date (CLOCK_OFFSET_FILE, no
 * sleeping). The running portal stops the app, disables the profile and reports it; CloudTrail (source
 * identity `access-sweep`), the audit log and SNS show it. Other tokens are refused.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { useClockedStack, DAY, type ClockedStack } from '../support/clocked-stack';
import { openStudioUrl, requestWithHost } from '../local/helpers';
import { jobToken } from '@/lib/job-tokens';
import { parseConfig } from '@/lib/config';
import { createDynamoDocumentClient } from '@/lib/aws/clients';
import { createAdminDeps, type AdminDeps } from '@/lib/admin/deps';
import { setMember } from '@/lib/admin/members';
import { listAudit } from '@/lib/admin/audit';
import { createDirectory } from '@/lib/directory';
import { createLaunchDeps, launchStudio } from '@/lib/launch';
import { subForUsername } from '@/local/cognito/user-store';

let clocked: ClockedStack;
const { setClockOffset } = useClockedStack([], {}, (c) => (clocked = c));
let deps: AdminDeps;

beforeAll(() => {
  const env = clocked.stack.env;
  for (const key of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_EC2_METADATA_DISABLED'])
    process.env[key] = env[key];
  const config = parseConfig({
    NEXTAUTH_URL: clocked.stack.url,
    ...env,
    AUDIT_WRITE: 'before-response',
    LOB_CACHE_SECONDS: '0',
  });
  deps = createAdminDeps(config, createDynamoDocumentClient(config));
});

const job = (token: string) =>
  fetch(`${clocked.stack.url}/api/internal/jobs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token }),
  });

/** A request of the live Studio session (the app page); its status. */
const studioPage = async (session: { host: string; cookie: string }) =>
  (
    await requestWithHost(`${clocked.stack.standIns.urls.aws}/jupyterlab/default/lab`, session.host, undefined, {
      cookie: session.cookie,
    })
  ).status;

describe('POST /api/internal/jobs (access-sweep)', () => {
  it("after a membership's end date, the next run stops the app and disables the profile; audit, CloudTrail and SNS show it", async () => {
    const env = clocked.stack.env;
    const until = new Date(Date.now() + 2 * DAY * 1000);
    await setMember(deps, {
      grantor: { username: 'portal-admin', platformAdmin: true },
      lob: 'lob-a',
      username: 'user-multi',
      until: until.toISOString(),
    });
    const config = parseConfig({
      NEXTAUTH_URL: clocked.stack.url,
      ...env,
      AUDIT_WRITE: 'before-response',
      LOB_CACHE_SECONDS: '0',
    });
    const launched = await launchStudio(createLaunchDeps(config, createDirectory(config)), {
      user: { username: 'user-multi', groups: [], sub: subForUsername('user-multi') },
      channel: 'api',
      requestId: randomUUID(),
      lob: 'lob-a',
      app: 'jupyterlab',
    });
    const opened = await openStudioUrl(launched.url, clocked.stack.standIns.urls.aws);
    const session = { host: new URL(launched.url).host, cookie: String(opened.headers['set-cookie']).split(';')[0] };
    expect(await studioPage(session)).toBe(200);

    // Still a member: the sweep leaves them be.
    await clocked.stack.control.clearCloudTrail();
    let res = await job(jobToken('access-sweep', env.NEXTAUTH_SECRET));
    expect(res.status).toBe(200);
    expect(((await res.json()) as { ended: unknown[] }).ended).toEqual([]);

    setClockOffset(3 * DAY);
    res = await job(jobToken('access-sweep', env.NEXTAUTH_SECRET));
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      lobs: Array<{ lob: string; runningApps: number }>;
      ended: Array<Record<string, unknown>>;
    };
    expect(body.ended).toEqual([
      {
        lob: 'lob-a',
        user: 'user-multi',
        reason: 'membership.ended',
        stopped: ['JupyterLab'],
        failed: 0,
        profile: 'disabled',
      },
    ]);
    expect(body.lobs.map((l) => l.lob).sort()).toEqual(['lob-a', 'lob-b']);

    const domain = clocked.stack.standIns.aws.domains.get('d-loba1example')!;
    expect(domain.apps.get('user-multi/JupyterLab')?.status).toBe('Deleted');
    expect(domain.profiles.get('user-multi')?.studioWebPortal).toBe('DISABLED');
    expect(await studioPage(session)).toBe(403);
    const trail = await clocked.stack.control.cloudTrail({ account: '111111111111', sourceIdentity: 'access-sweep' });
    expect(trail.filter((e) => !e.errorCode).map((e) => e.eventName)).toEqual(
      expect.arrayContaining(['ListApps', 'DeleteApp', 'UpdateUserProfile']),
    );
    expect(trail.find((e) => e.eventName === 'AssumeRole')?.requestParameters).toMatchObject({
      sourceIdentity: 'access-sweep',
      tags: [
        { key: 'portal-task', value: 'access-control' },
        { key: 'lob', value: 'lob-a' },
      ],
    });
    const audit = (await listAudit(deps, { lob: 'lob-a', user: 'access-sweep' }, { limit: 10 })).entries.find(
      (e) => e.action === 'access.end',
    );
    expect(JSON.parse(audit!.after!)).toMatchObject({
      reason: 'membership.ended',
      stopped: ['JupyterLab'],
      profile: 'disabled',
    });
    const messages = (await clocked.stack.control.snsMessages()).map(
      (m) => JSON.parse(String(m.message)) as Record<string, unknown>,
    );
    expect(messages).toContainEqual(
      expect.objectContaining({
        event: 'access.ended',
        lob: 'lob-a',
        user: 'user-multi',
        reason: 'membership.ended',
        by: 'access-sweep',
      }),
    );
  }, 120_000);

  it('refuses another job token and a guess', async () => {
    expect((await job(jobToken('access-sweep', 'another-secret'.repeat(3)))).status).toBe(403);
    expect((await job('guess')).status).toBe(403);
  });
});
