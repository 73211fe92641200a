import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { accessTokenFor, expectAlive, expectError, expectLaunch, launchAs } from './support/api';
import { findSecretShapes } from './support/secrets';
import { startResilienceStack, type ResilienceStack } from './support/stack';

/**
 * Fault injection through the stand-ins' control API against a running portal: each fault gives
 * the documented status and `{ code, message, requestId }`, the portal stays up, and launches work
 * again once the fault is cleared. Order matters: STS faults need an account whose assumed-role
 * credentials are not cached yet (lob-a first, then lob-b).
 */
let stack: ResilienceStack;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  stack = await startResilienceStack();
  tokens.a = await accessTokenFor(stack, 'user-lob-a', 'UserLobA1!');
  tokens.b = await accessTokenFor(stack, 'user-lob-b', 'UserLobB1!');
});

// A failed assertion must not leave a fault behind for the next test.
afterEach(async () => {
  await stack?.control.clearFaults();
});

afterAll(async () => {
  await stack?.stop();
});

async function counters(): Promise<Record<string, number>> {
  return stack.control.getCounters();
}

describe('STS (credentials for a LOB account that are not cached yet)', () => {
  it('answers 503 aws.throttled when AssumeRole is throttled (after retries), then recovers', async () => {
    await stack.control.clearFaults();
    await stack.control.resetCounters();
    await stack.control.setFault({ service: 'sts', operation: 'AssumeRole', error: 'ThrottlingException' });
    const refused = await launchAs(stack, 'user-lob-a', tokens.a);
    expectError(refused, 503, 'aws.throttled', /try again/i);
    expect(refused.headers.get('retry-after')).toBe('2');
    // The SDK retried before giving up.
    expect((await counters())['sts.AssumeRole']).toBeGreaterThanOrEqual(2);
    await expectAlive(stack);

    await stack.control.clearFaults();
    expectLaunch(await launchAs(stack, 'user-lob-a', tokens.a), 'd-loba1example');
  });

  it('answers 502 lob.role_denied when AssumeRole is denied, then recovers', async () => {
    await stack.control.resetCounters();
    await stack.control.setFault({ service: 'sts', operation: 'AssumeRole', error: 'AccessDenied' });
    const refused = await launchAs(stack, 'user-lob-b', tokens.b);
    expectError(refused, 502, 'lob.role_denied', /AssumeRole.*platform team can fix/i);
    // AccessDenied is not retried.
    expect((await counters())['sts.AssumeRole']).toBe(1);
    await expectAlive(stack);

    await stack.control.clearFaults();
    expectLaunch(await launchAs(stack, 'user-lob-b', tokens.b), 'd-lobb1example');
  });

  it('makes no STS call at all once the credentials are cached (warm launch)', async () => {
    await stack.control.setFault({ service: 'sts', operation: 'AssumeRole', error: 'AccessDenied' });
    await stack.control.resetCounters();
    expectLaunch(await launchAs(stack, 'user-lob-a', tokens.a), 'd-loba1example');
    expect((await counters())['sts.AssumeRole']).toBeUndefined();
    await stack.control.clearFaults();
  });
});

describe('SageMaker CreatePresignedDomainUrl', () => {
  it('retries throttling and succeeds when it clears within the retries', async () => {
    await stack.control.resetCounters();
    await stack.control.setFault({ service: 'sagemaker', operation: 'CreatePresignedDomainUrl', error: 'ThrottlingException', count: 2 });
    expectLaunch(await launchAs(stack, 'user-lob-a', tokens.a), 'd-loba1example');
    expect((await counters())['sagemaker.CreatePresignedDomainUrl']).toBe(3);
  });

  it('answers 503 aws.throttled when throttling outlasts the retries, then recovers', async () => {
    await stack.control.setFault({ service: 'sagemaker', operation: 'CreatePresignedDomainUrl', error: 'ThrottlingException' });
    const refused = await launchAs(stack, 'user-lob-a', tokens.a);
    expectError(refused, 503, 'aws.throttled', /try again/i);
    expect(refused.headers.get('retry-after')).toBe('2');
    await expectAlive(stack);

    await stack.control.clearFaults();
    expectLaunch(await launchAs(stack, 'user-lob-a', tokens.a), 'd-loba1example');
  });

  it('answers 502 lob.presign_denied (not lob.role_denied) when SageMaker denies the assumed role, naming who can fix it', async () => {
    await stack.control.resetCounters();
    await stack.control.setFault({ service: 'sagemaker', operation: 'CreatePresignedDomainUrl', error: 'AccessDenied' });
    const refused = await launchAs(stack, 'user-lob-a', tokens.a);
    expectError(refused, 502, 'lob.presign_denied', /CreatePresignedDomainUrl.*administrators of that line of business's AWS account/i);
    expect(refused.body?.message).not.toMatch(/assume|platform team/i);
    await expectAlive(stack);

    await stack.control.clearFaults();
    expectLaunch(await launchAs(stack, 'user-lob-a', tokens.a), 'd-loba1example');
  });

  it('answers 503 aws.unavailable when SageMaker keeps failing with 5xx, then recovers', async () => {
    await stack.control.setFault({ service: 'sagemaker', operation: 'CreatePresignedDomainUrl', error: 'ServiceUnavailable' });
    const refused = await launchAs(stack, 'user-lob-a', tokens.a);
    expectError(refused, 503, 'aws.unavailable', /SageMaker is unavailable.*try again/i);
    expect(refused.headers.get('retry-after')).toBe('2');
    await expectAlive(stack);

    await stack.control.clearFaults();
    expectLaunch(await launchAs(stack, 'user-lob-a', tokens.a), 'd-loba1example');
  });

  it('answers 404 profile.not_found naming the LOB when the profile is missing (no auto-create), then recovers', async () => {
    await stack.control.setFault({ service: 'sagemaker', operation: 'CreatePresignedDomainUrl', error: 'ResourceNotFound' });
    const refused = await launchAs(stack, 'user-lob-a', tokens.a);
    expectError(refused, 404, 'profile.not_found', /Line of Business A.*d-loba1example/);
    await expectAlive(stack);

    await stack.control.clearFaults();
    expectLaunch(await launchAs(stack, 'user-lob-a', tokens.a), 'd-loba1example');
  });

  it('creates the profile just in time on ResourceNotFound where the LOB allows it (lob-b)', async () => {
    await stack.control.resetCounters();
    await stack.control.setFault({ service: 'sagemaker', operation: 'CreatePresignedDomainUrl', error: 'ResourceNotFound', count: 1 });
    expectLaunch(await launchAs(stack, 'user-lob-b', tokens.b), 'd-lobb1example');
    const c = await counters();
    expect(c['sagemaker.CreateUserProfile']).toBe(1);
    expect(c['sagemaker.CreatePresignedDomainUrl']).toBe(2);
  });
});

describe('DynamoDB', () => {
  it('answers 503 directory.unavailable when DynamoDB is down, stays up, and recovers', async () => {
    await stack.control.resetCounters();
    await stack.control.setFault({ service: 'dynamodb', operation: '*', error: 'ServiceUnavailable' });
    const refused = await launchAs(stack, 'user-lob-a', tokens.a);
    expectError(refused, 503, 'directory.unavailable', /directory is unavailable/i);
    expect(refused.headers.get('retry-after')).toBe('2');
    expect((await counters())['dynamodb.GetItem']).toBeGreaterThanOrEqual(2);
    // Several users at once while it is down: every one gets the same clean 503.
    const burst = await Promise.all(
      Array.from({ length: 8 }, (_, i) => launchAs(stack, i % 2 ? 'user-lob-b' : 'user-lob-a', i % 2 ? tokens.b : tokens.a)),
    );
    for (const answer of burst) expectError(answer, 503, 'directory.unavailable');
    await expectAlive(stack);

    await stack.control.clearFaults();
    expectLaunch(await launchAs(stack, 'user-lob-a', tokens.a), 'd-loba1example');
    expectLaunch(await launchAs(stack, 'user-lob-b', tokens.b), 'd-lobb1example');
  });

  it('answers 503 aws.throttled when DynamoDB throttles', async () => {
    await stack.control.setFault({ service: 'dynamodb', operation: 'GetItem', error: 'ProvisionedThroughputExceededException' });
    expectError(await launchAs(stack, 'user-lob-a', tokens.a), 503, 'aws.throttled');
    await stack.control.clearFaults();
    expectLaunch(await launchAs(stack, 'user-lob-a', tokens.a), 'd-loba1example');
  });
});

describe('logs during the faults', () => {
  it('record the failures with request ids and leak no secret', async () => {
    const output = stack.portal.output();
    const lines = output.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
    const failures = lines.filter((l) => l.msg === 'launch.failed');
    expect(failures.map((l) => l.code)).toEqual(
      expect.arrayContaining(['aws.throttled', 'lob.role_denied', 'lob.presign_denied', 'profile.not_found', 'directory.unavailable']),
    );
    for (const line of failures) expect(line.requestId).toEqual(expect.any(String));
    // Tokens, passwords and presigned URLs of this suite were recorded (the check below is not vacuous).
    expect(stack.secrets.size).toBeGreaterThan(10);
    expect(stack.secrets.findIn(output)).toEqual([]);
    expect(findSecretShapes(output)).toEqual([]);
  });
});
