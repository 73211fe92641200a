import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchErrorIn, loadLaunchForm, signIn, submitLaunchForm } from '../support/http-session';
import { accessTokenFor, callStudioApi, expectLaunch, launchAs } from './support/api';
import { findSecretShapes } from './support/secrets';
import { startResilienceStack, type ResilienceStack } from './support/stack';

/**
 * Log hygiene: the portal runs at LOG_LEVEL=debug with its stdout and stderr captured from the
 * first byte. The suite signs in (next-auth credentials), launches through the server action and
 * the API, fails in the ways that log the most (bad password, bad tokens, AWS faults), records
 * every secret it saw — access and ID tokens and their signatures, session and CSRF cookies,
 * passwords, presigned URLs and their `token=` — and asserts none of them is in the logs.
 */
let stack: ResilienceStack;

beforeAll(async () => {
  stack = await startResilienceStack({ portalEnv: { LOG_LEVEL: 'debug' } });
});

afterAll(async () => {
  await stack?.control.clearFaults();
  await stack?.stop();
});

/** The session cookies of a jar, recorded as secrets. */
function recordJar(label: string, cookieHeader: string): void {
  for (const pair of cookieHeader.split('; ')) {
    const eq = pair.indexOf('=');
    const name = pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    stack.secrets.add(`${label} cookie ${name}`, value);
    stack.secrets.add(`${label} cookie ${name} (decoded)`, decodeURIComponent(value));
    // next-auth's CSRF cookie is "<token>|<hash>": each half on its own too.
    for (const part of decodeURIComponent(value).split('|')) stack.secrets.add(`${label} cookie ${name} (part)`, part);
  }
}

describe('a session of real use, then the logs', () => {
  const requestIds: string[] = [];

  it('signs in, launches through the server action and the API, and fails in many ways', async () => {
    // Portal sign-in (password mode) through next-auth's credentials callback.
    const jar = await signIn(stack.url, 'user-lob-a', 'UserLobA1!');
    stack.secrets.add('user-lob-a password', 'UserLobA1!');
    recordJar('user-lob-a session', jar.header());
    expect(jar.names().some((n) => n.endsWith('next-auth.session-token'))).toBe(true);

    // A wrong password (the attempt must not log the password).
    stack.secrets.add('wrong password', 'Wrong-Passw0rd-Attempt!');
    await expect(signIn(stack.url, 'user-lob-b', 'Wrong-Passw0rd-Attempt!')).rejects.toThrow(
      /sign-in as user-lob-b failed/,
    );

    // A password typed into the username field: the refusal is logged with a keyed hash and a length only.
    stack.secrets.add('password typed as username', 'Typed-Into-Username-Passw0rd!');
    await expect(signIn(stack.url, 'Typed-Into-Username-Passw0rd!', 'whatever-it-was')).rejects.toThrow(/failed/);

    // "Open Studio" as a browser without JavaScript posts it: 303 to the presigned URL.
    const form = await loadLaunchForm(stack.url, jar);
    const opened = await submitLaunchForm(stack.url, form, { 'x-request-id': 'log-hygiene-action-0001' });
    expect(opened.response.status).toBe(303);
    const actionUrl = opened.response.headers.get('location')!;
    expect(new URL(actionUrl).hostname).toBe('d-loba1example.studio.us-east-1.localhost');
    stack.secrets.addUrl('server action presigned URL', actionUrl);
    requestIds.push(opened.response.headers.get('x-request-id')!);

    // The server action failing on an AWS fault (error path with a cause).
    await stack.control.setFault({
      service: 'sagemaker',
      operation: 'CreatePresignedDomainUrl',
      error: 'ThrottlingException',
    });
    const failed = await submitLaunchForm(stack.url, await loadLaunchForm(stack.url, jar));
    expect(launchErrorIn(failed.html)?.code).toBe('aws.throttled');
    await stack.control.clearFaults();

    // The API: 302, JSON, refused tokens, another user's path, a DynamoDB outage.
    const token = await accessTokenFor(stack, 'user-lob-a', 'UserLobA1!');
    const redirect = await callStudioApi(stack, '/api/studio/user-lob-a', {
      authorization: `Bearer ${token}`,
      'x-request-id': 'log-hygiene-api-0001',
    });
    expectLaunch(redirect, 'd-loba1example');
    requestIds.push(redirect.headers.get('x-request-id')!);
    const json = await callStudioApi(stack, '/api/studio/user-lob-a', {
      authorization: `Bearer ${token}`,
      accept: 'application/json',
    });
    expect(json.status).toBe(200);
    expect(typeof json.body?.url).toBe('string');
    expect((await launchAs(stack, 'user-lob-b', token)).status).toBe(403);
    const tampered = token.slice(0, -4) + (token.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    stack.secrets.addJwt('tampered token', tampered);
    expect((await launchAs(stack, 'user-lob-a', tampered)).status).toBe(401);
    expect(
      (
        await callStudioApi(stack, '/api/studio/user-lob-a', {
          authorization: `Basic ${Buffer.from(`user-lob-a:UserLobA1!`).toString('base64')}`,
        })
      ).status,
    ).toBe(401);
    stack.secrets.add('basic credentials', Buffer.from('user-lob-a:UserLobA1!').toString('base64'));
    await stack.control.setFault({ service: 'dynamodb', operation: '*', error: 'ServiceUnavailable' });
    expect((await launchAs(stack, 'user-lob-a', token)).status).toBe(503);
    await stack.control.clearFaults();
    // A user whose profile is created just in time (lob-b auto-creates), logged at info.
    const newUser = await accessTokenFor(stack, 'user-lob-b', 'UserLobB1!');
    expectLaunch(await launchAs(stack, 'user-lob-b', newUser), 'd-lobb1example');
  });

  it('captured the portal’s logs (the check below has something to look at)', () => {
    const lines = stack.portal
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const ids = new Set(lines.map((l) => l.requestId));
    for (const id of requestIds) expect(ids.has(id), `no log line for ${id}`).toBe(true);
    const channels = new Set(lines.filter((l) => l.msg === 'launch.success').map((l) => l.channel));
    expect([...channels].sort()).toEqual(['api', 'portal']);
    expect(lines.some((l) => l.msg === 'launch.failed')).toBe(true);
    // Failed sign-ins say how long the typed name was and its keyed hash, never the name itself.
    const refusals = lines.filter((l) => l.msg === 'auth.sign_in_refused');
    expect(refusals.map((l) => l.typedLength)).toEqual(
      expect.arrayContaining(['user-lob-b'.length, 'Typed-Into-Username-Passw0rd!'.length]),
    );
    for (const line of refusals) {
      expect(line.typedUser).toMatch(/^[0-9a-f]{16}$/);
      expect(JSON.stringify(line)).not.toMatch(/user-lob-b|Typed-Into-Username/);
    }
    expect(stack.secrets.size).toBeGreaterThan(20);
  });

  it('contains none of the tokens, cookies, passwords or presigned URLs the suite saw', () => {
    const output = stack.portal.output();
    expect(stack.secrets.findIn(output)).toEqual([]);
    expect(findSecretShapes(output)).toEqual([]);
  });
});
