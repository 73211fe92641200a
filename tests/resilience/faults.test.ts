import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { accessTokenFor, expectAlive, expectError, expectLaunch, launchAs, type ApiAnswer } from './support/api';
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

type Fault = Parameters<ResilienceStack['control']['setFault']>[0];
const ASSUME_ROLE = { service: 'sts', operation: 'AssumeRole' } as const;
const PRESIGN = { service: 'sagemaker', operation: 'CreatePresignedDomainUrl' } as const;
const LAUNCHERS = {
  a: { user: 'user-lob-a', domainId: 'd-loba1example' },
  b: { user: 'user-lob-b', domainId: 'd-lobb1example' },
} as const;
type Launcher = keyof typeof LAUNCHERS;

/** An expected refusal (docs/contracts.md): the status, the error code and, where checked, what the message says. */
type Refusal = [status: number, code: string, message?: RegExp];
const THROTTLED: Refusal = [503, 'aws.throttled', /try again/i];

/**
 * With `fault` set (counters reset just before), a launch as `who` is refused with the error contract, and a 503
 * says when to retry (Retry-After, docs/api.md). The fault stays set: the refused answer for more checks.
 */
async function expectRefusedUnder(fault: Fault, who: Launcher, [status, code, message]: Refusal): Promise<ApiAnswer> {
  await stack.control.resetCounters();
  await stack.control.setFault(fault);
  const refused = await launchAs(stack, LAUNCHERS[who].user, tokens[who]);
  expectError(refused, status, code, message);
  if (status === 503) expect(refused.headers.get('retry-after')).toBe('2');
  return refused;
}

/** The portal stayed up through the fault, and once it is cleared a launch as `who` reaches the user's domain again. */
async function expectRecovered(who: Launcher): Promise<void> {
  await expectAlive(stack);
  await stack.control.clearFaults();
  expectLaunch(await launchAs(stack, LAUNCHERS[who].user, tokens[who]), LAUNCHERS[who].domainId);
}

describe('STS (credentials for a LOB account that are not cached yet)', () => {
  it('answers 503 aws.throttled when AssumeRole is throttled (after retries), then recovers', async () => {
    await expectRefusedUnder({ ...ASSUME_ROLE, error: 'ThrottlingException' }, 'a', THROTTLED);
    // The SDK retried before giving up.
    expect((await counters())['sts.AssumeRole']).toBeGreaterThanOrEqual(2);
    await expectRecovered('a');
  });

  it('answers 502 lob.role_denied when AssumeRole is denied, then recovers', async () => {
    const roleDenied: Refusal = [502, 'lob.role_denied', /AssumeRole.*platform team can fix/i];
    await expectRefusedUnder({ ...ASSUME_ROLE, error: 'AccessDenied' }, 'b', roleDenied);
    // AccessDenied is not retried.
    expect((await counters())['sts.AssumeRole']).toBe(1);
    await expectRecovered('b');
  });

  it('makes no STS call at all once the credentials are cached (warm launch)', async () => {
    await stack.control.setFault({ ...ASSUME_ROLE, error: 'AccessDenied' });
    await stack.control.resetCounters();
    expectLaunch(await launchAs(stack, 'user-lob-a', tokens.a), 'd-loba1example');
    expect((await counters())['sts.AssumeRole']).toBeUndefined();
    await stack.control.clearFaults();
  });
});

describe('SageMaker CreatePresignedDomainUrl', () => {
  it('retries throttling and succeeds when it clears within the retries', async () => {
    await stack.control.resetCounters();
    await stack.control.setFault({ ...PRESIGN, error: 'ThrottlingException', count: 2 });
    expectLaunch(await launchAs(stack, 'user-lob-a', tokens.a), 'd-loba1example');
    expect((await counters())['sagemaker.CreatePresignedDomainUrl']).toBe(3);
  });

  it('answers 503 aws.throttled when throttling outlasts the retries, then recovers', async () => {
    await expectRefusedUnder({ ...PRESIGN, error: 'ThrottlingException' }, 'a', THROTTLED);
    await expectRecovered('a');
  });

  it('answers 502 lob.presign_denied (not lob.role_denied) when SageMaker denies the assumed role, naming who can fix it', async () => {
    const message = /CreatePresignedDomainUrl.*administrators of that line of business's AWS account/i;
    const presignDenied: Refusal = [502, 'lob.presign_denied', message];
    const refused = await expectRefusedUnder({ ...PRESIGN, error: 'AccessDenied' }, 'a', presignDenied);
    expect(refused.body?.message).not.toMatch(/assume|platform team/i);
    await expectRecovered('a');
  });

  it('answers 503 aws.unavailable when SageMaker keeps failing with 5xx, then recovers', async () => {
    const unavailable: Refusal = [503, 'aws.unavailable', /SageMaker is unavailable.*try again/i];
    await expectRefusedUnder({ ...PRESIGN, error: 'ServiceUnavailable' }, 'a', unavailable);
    await expectRecovered('a');
  });

  it('answers 404 profile.not_found naming the LOB when the profile is missing (no auto-create), then recovers', async () => {
    const notFound: Refusal = [404, 'profile.not_found', /Line of Business A.*d-loba1example/];
    await expectRefusedUnder({ ...PRESIGN, error: 'ResourceNotFound' }, 'a', notFound);
    await expectRecovered('a');
  });

  it('creates the profile just in time on ResourceNotFound where the LOB allows it (lob-b)', async () => {
    await stack.control.resetCounters();
    await stack.control.setFault({ ...PRESIGN, error: 'ResourceNotFound', count: 1 });
    expectLaunch(await launchAs(stack, 'user-lob-b', tokens.b), 'd-lobb1example');
    const c = await counters();
    expect(c['sagemaker.CreateUserProfile']).toBe(1);
    expect(c['sagemaker.CreatePresignedDomainUrl']).toBe(2);
  });
});

describe('DynamoDB', () => {
  it('answers 503 directory.unavailable when DynamoDB is down, stays up, and recovers', async () => {
    const down: Refusal = [503, 'directory.unavailable', /directory is unavailable/i];
    await expectRefusedUnder({ service: 'dynamodb', operation: '*', error: 'ServiceUnavailable' }, 'a', down);
    expect((await counters())['dynamodb.GetItem']).toBeGreaterThanOrEqual(2);
    // Several users at once while it is down: every one gets the same clean 503.
    const burst = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        launchAs(stack, i % 2 ? 'user-lob-b' : 'user-lob-a', i % 2 ? tokens.b : tokens.a),
      ),
    );
    for (const answer of burst) expectError(answer, 503, 'directory.unavailable');
    await expectRecovered('a');
    expectLaunch(await launchAs(stack, 'user-lob-b', tokens.b), 'd-lobb1example');
  });

  it('answers 503 aws.throttled when DynamoDB throttles', async () => {
    const fault: Fault = { service: 'dynamodb', operation: 'GetItem', error: 'ProvisionedThroughputExceededException' };
    await expectRefusedUnder(fault, 'a', [503, 'aws.throttled']);
    await expectRecovered('a');
  });
});

describe('logs during the faults', () => {
  it('record the failures with request ids and leak no secret', async () => {
    const output = stack.portal.output();
    const lines = output
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const failures = lines.filter((l) => l.msg === 'launch.failed');
    expect(failures.map((l) => l.code)).toEqual(
      expect.arrayContaining([
        'aws.throttled',
        'lob.role_denied',
        'lob.presign_denied',
        'profile.not_found',
        'directory.unavailable',
      ]),
    );
    for (const line of failures) expect(line.requestId).toEqual(expect.any(String));
    // Tokens, passwords and presigned URLs of this suite were recorded (the check below is not vacuous).
    expect(stack.secrets.size).toBeGreaterThan(10);
    expect(stack.secrets.findIn(output)).toEqual([]);
    expect(findSecretShapes(output)).toEqual([]);
  });
});
