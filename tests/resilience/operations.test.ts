import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { jobToken } from '@/lib/job-tokens';
import { readUsage } from '@/lib/usage/report';
import { readLobHealth } from '@/lib/usage/health';
import { accessTokenFor, launchAs } from './support/api';
import { startResilienceStack, type ResilienceStack } from './support/stack';

/**
 * Operations, through the running portal: its metrics appear in its own log as CloudWatch EMF lines
 * (with bounded, non-secret dimensions), launches are counted in the Usage table, and the internal
 * health-check route (what the EventBridge schedule calls) refuses anything but the schedule's token,
 * checks every enabled LOB and keeps "failing since" across checks.
 */
let stack: ResilienceStack;
let doc: DynamoDBDocumentClient;

beforeAll(async () => {
  stack = await startResilienceStack({ portalEnv: { LOG_LEVEL: 'info' } });
  doc = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: stack.env.DYNAMODB_ENDPOINT,
      region: stack.env.AWS_REGION,
      credentials: { accessKeyId: 't', secretAccessKey: 't' },
    }),
  );
});

afterAll(async () => {
  await stack?.control.clearFaults();
  await stack?.stop();
});

interface Emf {
  _aws: {
    CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[];
  };
  [key: string]: unknown;
}

/** Every EMF line the portal has printed so far. */
function emfLines(): Emf[] {
  return stack.portal
    .output()
    .split('\n')
    .filter((l) => l.startsWith('{"_aws"'))
    .map((l) => JSON.parse(l) as Emf);
}

const health = () =>
  fetch(`${stack.url}/api/internal/jobs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      source: 'studio-portal.scheduler',
      token: jobToken('health-check', stack.env.NEXTAUTH_SECRET),
    }),
  });

describe('metrics in the log (CloudWatch EMF, Powertools)', () => {
  it('a launch, a refused token and a throttled presign each print their metric line', async () => {
    const token = await accessTokenFor(stack, 'user-lob-a', 'UserLobA1!');
    expect((await launchAs(stack, 'user-lob-a', token)).status).toBe(302);
    expect((await launchAs(stack, 'user-lob-a', 'not-a-jwt')).status).toBe(401);
    await stack.control.setFault({
      service: 'sagemaker',
      operation: 'CreatePresignedDomainUrl',
      error: 'ThrottlingException',
      count: 5,
    });
    expect((await launchAs(stack, 'user-lob-a', token)).status).toBe(503);
    await stack.control.clearFaults();

    await expect.poll(() => emfLines().length).toBeGreaterThanOrEqual(3);
    const lines = emfLines();
    const launch = lines.find((l) => l.Launches === 1 && l.outcome === 'success' && l.lob === 'lob-a')!;
    expect(launch._aws.CloudWatchMetrics[0].Namespace).toBe('StudioPortal');
    expect(launch._aws.CloudWatchMetrics[0].Dimensions).toEqual([
      ['service'],
      ['service', 'lob'],
      ['service', 'lob', 'channel', 'outcome'],
    ]);
    expect(launch).toMatchObject({ service: 'studio-portal', channel: 'api', LaunchFailures: 0 });
    expect(typeof launch.LaunchDuration).toBe('number');
    expect(lines.find((l) => l.outcome === 'aws.throttled')).toMatchObject({ LaunchFailures: 1, lob: 'lob-a' });
    expect(lines.find((l) => l.dependency === 'sagemaker')).toMatchObject({
      DependencyErrors: 1,
      code: 'aws.throttled',
    });
    expect(lines.find((l) => l.TokenRefusals === 1)).toMatchObject({ reason: 'auth.invalid_token' });

    // Dimensions are bounded ids and codes: never a username, token or request id.
    const dimensionValues = lines.flatMap((l) =>
      l._aws.CloudWatchMetrics[0].Dimensions.flat().map((d) => String(l[d])),
    );
    for (const value of dimensionValues)
      expect(value).toMatch(
        /^(studio-portal|lob-[ab]|none|api|portal|success|sagemaker|cognito-jwks|[a-z]+\.[a-z_]+|[a-z]+)$/,
      );
    expect(stack.secrets.findIn(stack.portal.output())).toEqual([]);
  });
});

describe('usage counters', () => {
  it('the launches above are in the Usage table for lob-a today', async () => {
    const read = () =>
      readUsage({ doc, table: stack.env.TABLE_USAGE }, { lobs: ['lob-a'], days: 30, today: new Date() });
    await expect.poll(async () => (await read()).launches['lob-a'].at(-1)).toBe(2);
    const report = await read();
    expect(report.failuresByCode).toEqual([{ code: 'aws.throttled', count: 1 }]);
    expect(report.topUsers).toEqual([{ user: 'user-lob-a', lob: 'lob-a', launches: 1 }]);
  });
});

describe('the scheduled health check (internal route)', () => {
  it('refuses a request without the schedule’s token', async () => {
    const res = await fetch(`${stack.url}/api/internal/jobs`, {
      method: 'POST',
      body: JSON.stringify({ token: 'guess' }),
    });
    expect(res.status).toBe(403);
    expect((await res.json()).code).toBe('auth.forbidden');
  });

  it('checks every enabled LOB; a failing LOB keeps its first "failing since" until it recovers', async () => {
    const first = await health();
    expect(first.status).toBe(200);
    expect((await first.json()).checked.map((c: { lob: string; ok: boolean }) => [c.lob, c.ok]).sort()).toEqual([
      ['lob-a', true],
      ['lob-b', true],
    ]);

    await stack.control.setDomain('d-lobb1example', { status: 'Updating' });
    try {
      await health();
      const since = (await readLobHealth({ doc, table: stack.env.TABLE_USAGE }, ['lob-b'])).get('lob-b')!;
      expect(since).toMatchObject({ ok: false });
      expect(since.failingSince).toBe(since.checkedAt);
      expect(since.summary).toMatch(/Domain is in service: Status is Updating/);
      await health();
      const again = (await readLobHealth({ doc, table: stack.env.TABLE_USAGE }, ['lob-b'])).get('lob-b')!;
      expect(again.failingSince).toBe(since.failingSince);
      expect(again.checkedAt >= since.checkedAt).toBe(true);
      expect(emfLines().some((l) => l.lob === 'lob-b' && l.HealthCheckFailed === 1)).toBe(true);
    } finally {
      await stack.control.setDomain('d-lobb1example', { status: 'InService' });
    }
    await health();
    const recovered = (await readLobHealth({ doc, table: stack.env.TABLE_USAGE }, ['lob-b'])).get('lob-b')!;
    expect(recovered).toMatchObject({ ok: true, summary: 'ok' });
    expect(recovered.failingSince).toBeUndefined();
  });
});
