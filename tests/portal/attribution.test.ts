/**
 * Through the running portal's API: every presigned URL is attributable to a person in the LOB account
 * (CloudTrail-shaped events of the stand-ins), the audit entry names the role session, a returning user
 * makes no STS call, and a just-in-time profile is awaited (Pending -> InService).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directoryClient, eventually } from '../support/directory';
import { initiateAuth, openStudioUrl, signIn } from '../support/http-session';
import { startPortalStack, type PortalStack } from '../support/portal-stack';
import { generatorAssumeRoleRecord } from '../support/assume-role';

let stack: PortalStack;
let dir: ReturnType<typeof directoryClient>;

async function tokenFor(username: string, password: string): Promise<string> {
  const { accessToken } = await initiateAuth(
    { endpoint: stack.env.COGNITO_ENDPOINT, region: stack.env.AWS_REGION, clientId: 'portal-cli' },
    username,
    password,
  );
  return accessToken;
}

function launch(username: string, token: string, requestId: string) {
  return fetch(`${stack.url}/api/studio/${username}`, {
    redirect: 'manual',
    headers: { authorization: `Bearer ${token}`, 'x-request-id': requestId },
  });
}

beforeAll(async () => {
  stack = await startPortalStack({ portalEnv: { PROFILE_READY_TIMEOUT_SECONDS: '2' } });
  dir = directoryClient(stack.env);
});
afterAll(async () => {
  await stack?.stop();
});

describe('attribution in the LOB account', () => {
  it('a launch of user-lob-a leaves AssumeRole and CreatePresignedDomainUrl events in 111111111111 naming user-lob-a', async () => {
    await stack.control.clearCloudTrail();
    const token = await tokenFor('user-lob-a', 'UserLobA1!');
    const res = await launch('user-lob-a', token, 'attribution-0001');
    expect(res.status).toBe(302);
    const events = await stack.control.cloudTrail({ account: '111111111111' });
    const assumed = events.find((e) => e.eventName === 'AssumeRole')!;
    expect(assumed).toMatchObject({
      eventSource: 'sts.amazonaws.com',
      recipientAccountId: '111111111111',
      requestParameters: generatorAssumeRoleRecord('111111111111', 'user-lob-a', 'lob-a'),
    });
    const presigned = events.find((e) => e.eventName === 'CreatePresignedDomainUrl')!;
    expect(presigned).toMatchObject({
      eventSource: 'sagemaker.amazonaws.com',
      recipientAccountId: '111111111111',
      requestParameters: { DomainId: 'd-loba1example', UserProfileName: 'user-lob-a' },
      userIdentity: {
        arn: 'arn:aws:sts::111111111111:assumed-role/PresignedUrlGenerator/portal-user-lob-a',
        sessionContext: { sourceIdentity: 'user-lob-a' },
      },
    });
    expect(presigned.errorCode).toBeUndefined();
    // Admins see the same session on the launch's audit entry.
    const record = await eventually(async () => (await dir.auditFor(res.headers.get('x-request-id')!))[0]);
    expect(record).toMatchObject({
      outcome: 'success',
      roleSession: 'arn:aws:sts::111111111111:assumed-role/PresignedUrlGenerator/portal-user-lob-a',
      sourceIdentity: 'user-lob-a',
    });
    const admin = await signIn(stack.url, 'portal-admin', 'PortalAdmin1!');
    const page = await (
      await fetch(`${stack.url}/admin/audit?type=launch&user=user-lob-a`, { headers: { cookie: admin.header() } })
    ).text();
    expect(page).toContain('data-testid="audit-role-session"');
    expect(page).toContain('arn:aws:sts::111111111111:assumed-role/PresignedUrlGenerator/portal-user-lob-a');
  });

  it('a returning user’s warm launch makes no STS call; another user gets a session of their own', async () => {
    const tokenA = await tokenFor('user-lob-a', 'UserLobA1!');
    await launch('user-lob-a', tokenA, 'attribution-0002');
    await stack.control.resetCounters();
    expect((await launch('user-lob-a', tokenA, 'attribution-0003')).status).toBe(302);
    expect((await stack.control.getCounters())['sts.AssumeRole']).toBeUndefined();
    const tokenM = await tokenFor('user-multi', 'UserMulti1!');
    await stack.control.clearCloudTrail();
    expect(
      (
        await fetch(`${stack.url}/api/studio/user-multi?lob=lob-a`, {
          redirect: 'manual',
          headers: { authorization: `Bearer ${tokenM}` },
        })
      ).status,
    ).toBe(302);
    expect((await stack.control.getCounters())['sts.AssumeRole']).toBe(1);
    const [presigned] = await stack.control.cloudTrail({ eventName: 'CreatePresignedDomainUrl' });
    expect(presigned.userIdentity.sessionContext?.sourceIdentity).toBe('user-multi');
  });
});

describe('just-in-time profiles through the API', () => {
  it('two concurrent first launches of a new lob-b user create one profile, wait for InService and land in Studio', async () => {
    await stack.control.bulkUsers([{ username: 'jit-api-user', password: 'JitApiUser1!' }]);
    await dir.putUser('jit-api-user', ['lob-b']);
    await stack.control.setProfileCreationDelay(600);
    await stack.control.clearCloudTrail();
    const token = await tokenFor('jit-api-user', 'JitApiUser1!');
    const [first, second] = await Promise.all([
      launch('jit-api-user', token, 'jit-api-0001'),
      launch('jit-api-user', token, 'jit-api-0002'),
    ]);
    expect([first.status, second.status]).toEqual([302, 302]);
    const creates = await stack.control.cloudTrail({ eventName: 'CreateUserProfile' });
    expect(creates.filter((e) => !e.errorCode)).toHaveLength(1);
    expect((await stack.control.cloudTrail({ eventName: 'DescribeUserProfile' })).length).toBeGreaterThan(0);
    const studio = await openStudioUrl(first.headers.get('location')!);
    expect(studio.body).toContain('jit-api-user');
  });

  it('answers 503 profile.not_ready when the profile is still Pending after PROFILE_READY_TIMEOUT_SECONDS', async () => {
    await stack.control.bulkUsers([{ username: 'jit-slow-user', password: 'JitSlowUser1!' }]);
    await dir.putUser('jit-slow-user', ['lob-b']);
    await stack.control.setProfileCreationDelay(3_600_000);
    const token = await tokenFor('jit-slow-user', 'JitSlowUser1!');
    const res = await fetch(`${stack.url}/api/studio/jit-slow-user`, {
      headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
    });
    expect(res.status).toBe(503);
    const body = (await res.json()) as { code: string; message: string };
    expect(body.code).toBe('profile.not_ready');
    expect(body.message).toContain('still being created');
    // Once SageMaker is done, the next launch lands.
    await stack.control.setProfileStatus('d-lobb1example', 'jit-slow-user', 'InService');
    expect((await launch('jit-slow-user', token, 'jit-slow-0002')).status).toBe(302);
    await stack.control.setProfileCreationDelay(3000);
  });
});
