import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import { accessTokenFor, expectAlive, expectError, expectLaunch, launchAs } from './support/api';
import { findSecretShapes } from './support/secrets';
import { startResilienceStack, type ResilienceStack } from './support/stack';

/**
 * The Cognito JWKS endpoint down. A freshly started portal that has never fetched the JWKS must
 * answer 503 jwks.unavailable (not 401: the token may well be valid) and recover when the endpoint
 * is back; a portal with the keys cached keeps verifying tokens signed with them.
 */
let stack: ResilienceStack;
let token: string;

beforeAll(async () => {
  // A portal of its own: the first test needs one that has never fetched the JWKS.
  stack = await startResilienceStack();
  token = await accessTokenFor(stack, 'user-lob-a', 'UserLobA1!');
});

// A failed assertion must not leave the endpoint down for the next test.
afterEach(async () => {
  await stack?.control.clearFaults();
});

afterAll(async () => {
  await stack?.stop();
});

const jwksDown = () => stack.control.setFault({ service: 'cognito', operation: 'jwks', error: 'ServiceUnavailable' });

describe('JWKS endpoint down', () => {
  it('answers 503 jwks.unavailable when no keys are cached yet, then recovers when it is back', async () => {
    await stack.control.resetCounters();
    await jwksDown();
    const refused = await launchAs(stack, 'user-lob-a', token);
    expectError(refused, 503, 'jwks.unavailable', /signing keys/i);
    expect(refused.headers.get('retry-after')).toBe('2');
    expect((await stack.control.getCounters())['cognito.jwks']).toBeGreaterThanOrEqual(1);
    // Still down: still a clean 503, never a 401 for a valid token, never a crash.
    expectError(await launchAs(stack, 'user-lob-a', token), 503, 'jwks.unavailable');
    await expectAlive(stack);

    await stack.control.clearFaults();
    expectLaunch(await launchAs(stack, 'user-lob-a', token), 'd-loba1example');
  });

  it('keeps verifying with the cached keys while the endpoint is down', async () => {
    // Keys cached (endpoint up) first, so this test stands on its own.
    expectLaunch(await launchAs(stack, 'user-lob-a', token), 'd-loba1example');
    await jwksDown();
    await stack.control.resetCounters();
    for (let i = 0; i < 3; i++) expectLaunch(await launchAs(stack, 'user-lob-a', token), 'd-loba1example');
    const other = await accessTokenFor(stack, 'user-lob-b', 'UserLobB1!');
    expectLaunch(await launchAs(stack, 'user-lob-b', other), 'd-lobb1example');
    // Cached keys: the endpoint was not even asked.
    expect((await stack.control.getCounters())['cognito.jwks']).toBeUndefined();
    await stack.control.clearFaults();
  });

  it('answers 503 for a token with a key it cannot look up while down, and still refuses forgeries', async () => {
    expectLaunch(await launchAs(stack, 'user-lob-a', token), 'd-loba1example');
    await jwksDown();
    // A new kid needs a JWKS refetch, which fails: the portal cannot tell, so "try again" (503).
    const { kid } = await stack.control.rotateKeys({ retireOld: false });
    const rotated = stack.standIns.cognito.keys.current;
    expect(rotated.kid).toBe(kid);
    const newKeyToken = await accessTokenFor(stack, 'user-lob-a', 'UserLobA1!');
    expect(JSON.parse(Buffer.from(newKeyToken.split('.')[0], 'base64url').toString()).kid).toBe(kid);
    expectError(await launchAs(stack, 'user-lob-a', newKeyToken), 503, 'jwks.unavailable');
    // A token signed by the old (cached) key still works.
    expectLaunch(await launchAs(stack, 'user-lob-a', token), 'd-loba1example');
    // A forgery claiming the cached kid is refused outright (401), outage or not.
    const cachedKid = JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString()).kid as string;
    const forged = await new SignJWT(JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()))
      .setProtectedHeader({ alg: 'RS256', kid: cachedKid })
      .sign(rotated.privateKey);
    expectError(await launchAs(stack, 'user-lob-a', forged), 401, 'auth.invalid_token', /signature/i);
    await expectAlive(stack);

    await stack.control.clearFaults();
    expectLaunch(await launchAs(stack, 'user-lob-a', newKeyToken), 'd-loba1example');
  });

  it('leaks no token into the logs', () => {
    const output = stack.portal.output();
    expect(output).toContain('"msg":"api.request"');
    expect(stack.secrets.size).toBeGreaterThan(5);
    expect(stack.secrets.findIn(output)).toEqual([]);
    expect(findSecretShapes(output)).toEqual([]);
  });
});
