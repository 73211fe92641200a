/**
 * The portal's production launch code (generator sessions, presigner, launch flow with the audit written
 * before the response) in this process, against the stand-ins over the wire: who the LOB account sees,
 * what IAM refuses, how a Pending profile is awaited, and when the audit record lands.
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { errorOf, useLocalStack } from './helpers';
import { control } from '../../local/stack';
import type { PortalConfig } from '@/lib/config';
import { inProcessPortalConfig } from '@/local/in-process-portal';
import { SageMakerClientPool, createGeneratorSessions } from '@/lib/aws/clients';
import { GeneratorSessions, roleSessionNameFor, sourceIdentityFor } from '@/lib/aws/generator-sessions';
import { createStsClient } from '@/lib/aws/clients';
import { createDirectory, type Directory } from '@/lib/directory';
import { createLaunchDeps, launchStudio, SageMakerPresigner, type LaunchDeps } from '@/lib/launch';
import { createMemoryLogger } from '@/lib/log';
import { PortalError } from '@/lib/errors';
import { readUsage } from '@/lib/usage/report';
import { sequentialDepth } from '../../bench/latency';
import { subForUsername } from '@/local/cognito/user-store';

const stack = useLocalStack();
let ctl: ReturnType<typeof control>;
let config: PortalConfig;
let directory: Directory;
const lines: string[] = [];
const log = createMemoryLogger(lines);

const lobOf = async (name: string) => (await directory.lobs.getLob(name))!;

beforeAll(async () => {
  ctl = control(stack().urls.control);
  config = inProcessPortalConfig(stack(), { AUDIT_WRITE: 'before-response', LOB_CACHE_SECONDS: '0' });
  directory = createDirectory(config);
});
beforeEach(async () => {
  await ctl.clearFaults();
  await ctl.setLatency({ dynamodb: 0, sts: 0, sagemaker: 0 });
});

describe('generator sessions per LOB account and user', () => {
  it('opens one session per user with SourceIdentity and the studio-user / lob tags, cached until shortly before expiry', async () => {
    let now = Date.now();
    const sessions = new GeneratorSessions({ sts: createStsClient(config), maxSessions: 100, now: () => now });
    const target = { lob: 'lob-a', accountId: '111111111111', roleName: 'PresignedUrlGenerator' };
    await ctl.resetCounters();
    await ctl.clearCloudTrail();
    const [first, concurrent] = await Promise.all([
      sessions.get(target, 'user-lob-a'),
      sessions.get(target, 'user-lob-a'),
    ]);
    expect(concurrent).toBe(first);
    expect(first.assumedRoleArn).toBe('arn:aws:sts::111111111111:assumed-role/PresignedUrlGenerator/portal-user-lob-a');
    expect(first.sourceIdentity).toBe('user-lob-a');
    const other = await sessions.get(target, 'user-multi');
    expect(other.assumedRoleArn).toContain('/portal-user-multi');
    expect((await ctl.getCounters())['sts.AssumeRole']).toBe(2);
    const [assumed] = await ctl.cloudTrail({ eventName: 'AssumeRole', sourceIdentity: 'user-lob-a' });
    expect(assumed.requestParameters).toMatchObject({
      sourceIdentity: 'user-lob-a',
      tags: [
        { key: 'studio-user', value: 'user-lob-a' },
        { key: 'lob', value: 'lob-a' },
      ],
    });

    // Warm: no STS call. 54 minutes later (6 before expiry) still cached; 56 minutes later refreshed.
    now += 54 * 60_000;
    expect(await sessions.get(target, 'user-lob-a')).toBe(first);
    expect((await ctl.getCounters())['sts.AssumeRole']).toBe(2);
    now += 2 * 60_000;
    const refreshed = await sessions.get(target, 'user-lob-a');
    expect(refreshed).not.toBe(first);
    expect((await ctl.getCounters())['sts.AssumeRole']).toBe(3);
  });

  it('keeps at most maxSessions, dropping the least recently used', async () => {
    const sessions = new GeneratorSessions({ sts: createStsClient(config), maxSessions: 2 });
    const target = { lob: 'lob-a', accountId: '111111111111', roleName: 'PresignedUrlGenerator' };
    const a = await sessions.get(target, 'user-lob-a');
    await sessions.get(target, 'user-multi');
    await sessions.get(target, 'user-lob-a');
    await sessions.get(target, 'portal-admin');
    expect(sessions.size).toBe(2);
    expect(await sessions.get(target, 'user-lob-a')).toBe(a);
  });

  it('names sessions within the STS limits and refuses usernames STS would refuse as a source identity', () => {
    expect(roleSessionNameFor('user-lob-a')).toBe('portal-user-lob-a');
    const long = roleSessionNameFor('a'.repeat(63));
    expect(long).toMatch(/^portal-a+-[0-9a-f]{10}$/);
    expect(long.length).toBe(64);
    expect(roleSessionNameFor('b'.repeat(63))).not.toBe(long.replace(/a/g, 'b'));
    expect(() => sourceIdentityFor('x')).toThrow(/source identity/);
    expect(() => sourceIdentityFor('aws:root')).toThrow(/source identity/);
  });
});

describe("IAM in the LOB account refuses A's session on B's profile", () => {
  it('the portal asking for user B with user A’s session is refused by the stand-in (AccessDeniedException) and CloudTrail names A', async () => {
    const presigner = new SageMakerPresigner(new SageMakerClientPool(config), createGeneratorSessions(config), log, {
      profileReadyTimeoutMs: 1000,
    });
    const lob = await lobOf('lob-a');
    const sessionOfA = await presigner.openSession(lob, 'user-lob-a');
    await ctl.clearCloudTrail();
    const error = await errorOf<PortalError>(
      presigner.createUrl({ lob, userProfileName: 'user-multi', app: 'studio', expiresSeconds: 60 }, sessionOfA),
    );
    expect(error).toBeInstanceOf(PortalError);
    expect(error.details).toMatchObject({ operation: 'CreatePresignedDomainUrl', awsError: 'AccessDeniedException' });
    expect(String((error.cause as Error).message)).toContain('user-profile/d-loba1example/user-multi');
    const [denied] = await ctl.cloudTrail({ account: '111111111111', eventName: 'CreatePresignedDomainUrl' });
    expect(denied).toMatchObject({
      errorCode: 'AccessDeniedException',
      requestParameters: { UserProfileName: 'user-multi' },
    });
    expect(denied.userIdentity.sessionContext?.sourceIdentity).toBe('user-lob-a');
    // The same session for A's own profile works.
    const url = await presigner.createUrl(
      { lob, userProfileName: 'user-lob-a', app: 'studio', expiresSeconds: 60 },
      sessionOfA,
    );
    expect(url).toContain('d-loba1example.studio.');
  });
});

describe('just-in-time profiles: Pending -> InService', () => {
  it('creates the profile once for two concurrent first launches, waits for InService, then presigns', async () => {
    await ctl.setProfileCreationDelay(3_600_000);
    const presigner = new SageMakerPresigner(new SageMakerClientPool(config), createGeneratorSessions(config), log, {
      profileReadyTimeoutMs: 20_000,
    });
    const lob = await lobOf('lob-b');
    const session = await presigner.openSession(lob, 'jit-user-1');
    await ctl.clearCloudTrail();
    const request = { lob, userProfileName: 'jit-user-1', app: 'studio' as const, expiresSeconds: 60 };
    const both = Promise.all([presigner.createUrl(request, session), presigner.createUrl(request, session)]);
    // The controllable clock: release the profile once both launches are waiting on it.
    const waitFor = async () => {
      for (;;) {
        const describes = await ctl.cloudTrail({ eventName: 'DescribeUserProfile' });
        if (describes.length >= 2) return;
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    await waitFor();
    await ctl.setProfileStatus('d-lobb1example', 'jit-user-1', 'InService');
    const urls = await both;
    expect(urls.every((u) => u.includes('d-lobb1example.studio.'))).toBe(true);
    const creates = await ctl.cloudTrail({ eventName: 'CreateUserProfile' });
    expect(creates.filter((e) => !e.errorCode)).toHaveLength(1);
    expect(creates.filter((e) => e.errorCode).every((e) => e.errorCode === 'ResourceInUse')).toBe(true);
    expect((await ctl.listProfiles('d-lobb1example')).filter((p) => p === 'jit-user-1')).toHaveLength(1);
    await ctl.setProfileCreationDelay(3000);
  });

  it('gives up with profile.not_ready after the bound, on a controllable clock (no real waiting)', async () => {
    await ctl.setProfileCreationDelay(3_600_000);
    let now = 0;
    const slept: number[] = [];
    const presigner = new SageMakerPresigner(new SageMakerClientPool(config), createGeneratorSessions(config), log, {
      profileReadyTimeoutMs: 20_000,
      now: () => now,
      sleep: async (ms) => {
        slept.push(ms);
        now += ms;
      },
    });
    const lob = await lobOf('lob-b');
    const session = await presigner.openSession(lob, 'jit-user-2');
    const error = await errorOf<PortalError>(
      presigner.createUrl({ lob, userProfileName: 'jit-user-2', app: 'studio', expiresSeconds: 60 }, session),
    );
    expect(error.code).toBe('profile.not_ready');
    expect(error.status).toBe(503);
    expect(error.message).toContain('still being created');
    // Backoff: 250 ms doubling to at most 2 s, never past the bound.
    expect(slept.slice(0, 5)).toEqual([250, 500, 1000, 2000, 2000]);
    expect(slept.reduce((a, b) => a + b, 0)).toBe(20_000);
    await ctl.setProfileStatus('d-lobb1example', 'jit-user-2', 'Failed');
    const failed = await errorOf<PortalError>(
      presigner.createUrl({ lob, userProfileName: 'jit-user-2', app: 'studio', expiresSeconds: 60 }, session),
    );
    expect(failed.code).toBe('profile.failed');
    await ctl.setProfileCreationDelay(3000);
  });
});

describe('the Lambda configuration: the audit record is written alongside the presign, before the response', () => {
  let deps: LaunchDeps;
  const auditOf = async (requestId: string) => {
    const out = await directory.doc.send(
      new QueryCommand({
        TableName: config.tables.audit,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'audit' },
      }),
    );
    return (out.Items ?? []).filter((i) => i.requestId === requestId);
  };
  beforeAll(() => {
    deps = createLaunchDeps(config, directory);
  });
  /** A launch of user-lob-a through the API channel, as the Lambda serves it. */
  const lobAUser = { username: 'user-lob-a', groups: [], sub: subForUsername('user-lob-a') };
  const launchAsLobA = (requestId: string) => launchStudio(deps, { user: lobAUser, channel: 'api', requestId });
  /** The error of a launch whose presign fails with `error` (`count` times in a row: more than the retries). */
  const failedLaunch = async (requestId: string, error: string, count: number) => {
    await ctl.setFault({ service: 'sagemaker', operation: 'CreatePresignedDomainUrl', error, count });
    return errorOf<PortalError>(launchAsLobA(requestId));
  };

  it('overlaps the PutItem and the usage counters with CreatePresignedDomainUrl; record and counts are there when the launch returns', async () => {
    await launchAsLobA('warm-up-0001');
    const usageToday = async () =>
      (
        await readUsage(
          { doc: directory.doc, table: config.tables.usage },
          { lobs: ['lob-a'], days: 1, today: new Date() },
        )
      ).launches['lob-a'][0];
    const countedBefore = await usageToday();
    await ctl.setLatency({ dynamodb: 20, sagemaker: 200 });
    await ctl.resetCounters();
    const result = await launchAsLobA('lambda-audit-0001');
    const returnedAt = performance.timeOrigin + performance.now();
    expect(result.url).toContain('d-loba1example.studio.');
    const calls = await ctl.getCalls();
    // (GetItems of the user, of the user's ended-access summary beside it (lib/access/launch-restore.ts), and
    // of the LOB row: this suite turns the LOB cache off.) Counting a success:
    // the LOB-day counters, the user's day and month totals.
    expect(
      calls
        .filter((c) => c.op !== 'dynamodb.GetItem')
        .map((c) => c.op)
        .sort(),
    ).toEqual([
      'dynamodb.PutItem',
      'dynamodb.UpdateItem',
      'dynamodb.UpdateItem',
      'dynamodb.UpdateItem',
      'sagemaker.CreatePresignedDomainUrl',
    ]);
    const presign = calls.find((c) => c.op === 'sagemaker.CreatePresignedDomainUrl')!;
    // Concurrent: the PutItem and the UpdateItems start while the presign (200 ms) is still running,
    // and nothing starts after it: the presign is the last call in the row before the response.
    for (const write of calls.filter((c) => c.op === 'dynamodb.PutItem' || c.op === 'dynamodb.UpdateItem')) {
      expect(Math.abs(write.at - presign.at)).toBeLessThan(100);
    }
    expect(sequentialDepth(calls.filter((c) => c.at < returnedAt && c.op !== 'dynamodb.GetItem'))).toBe(1);
    await ctl.setLatency({ dynamodb: 0, sagemaker: 0 });
    // Read right after the launch returned: no waiting for an after-response write.
    const [record] = await auditOf('lambda-audit-0001');
    expect(record).toMatchObject({
      outcome: 'success',
      lob: 'lob-a',
      roleSession: 'arn:aws:sts::111111111111:assumed-role/PresignedUrlGenerator/portal-user-lob-a',
      sourceIdentity: 'user-lob-a',
    });
    expect(await usageToday()).toBe(countedBefore + 1);
  });

  it('follows the record up with the error code before a failed launch answers (records are never rewritten)', async () => {
    const error = await failedLaunch('lambda-audit-0002', 'AccessDeniedException', 1);
    const records = (await auditOf('lambda-audit-0002')).sort((a, b) => String(a.sk).localeCompare(String(b.sk)));
    expect(records).toHaveLength(2);
    expect(records[0].outcome).toBe('success');
    expect(records[1]).toMatchObject({ outcome: error.code, previousOutcome: 'success', followsUp: records[0].sk });
    expect(error.code).not.toBe('success');
  });

  it('moves the counters of a launch counted ahead to its error code before the failed launch answers', async () => {
    const read = () =>
      readUsage({ doc: directory.doc, table: config.tables.usage }, { lobs: ['lob-a'], days: 1, today: new Date() });
    const before = await read();
    const error = await failedLaunch('lambda-usage-0003', 'ThrottlingException', 3);
    const after = await read();
    expect(after.launches['lob-a'][0]).toBe(before.launches['lob-a'][0] + 1);
    expect(after.failures['lob-a'][0]).toBe(before.failures['lob-a'][0] + 1);
    const count = (r: typeof after) => r.failuresByCode.find((f) => f.code === error.code)?.count ?? 0;
    expect(count(after)).toBe(count(before) + 1);
    expect(after.topUsers.find((u) => u.user === 'user-lob-a')?.launches).toBe(
      before.topUsers.find((u) => u.user === 'user-lob-a')?.launches,
    );
  });
});
