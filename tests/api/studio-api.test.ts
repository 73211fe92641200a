import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directoryClient, eventually } from '../support/directory';
import { expectStudioRedirect, initiateAuth } from '../support/http-session';
import { startPortalStack, type PortalStack } from '../support/portal-stack';
import {
  accessClaims,
  hs256WithPublicKey,
  signWithStandInKey,
  signWithUnknownKey,
  tamperPayload,
  unsignedToken,
} from '../support/tokens';

/**
 * GET /api/studio/{user} over HTTP against the running portal and the stand-ins. Every response
 * status is recorded: the suite ends by asserting that none was a 5xx.
 */
let stack: PortalStack;
const statuses: number[] = [];

async function callApi(path: string, headers: Record<string, string> = {}): Promise<Response> {
  const res = await fetch(`${stack.url}${path}`, { headers, redirect: 'manual' });
  statuses.push(res.status);
  return res;
}

async function tokenFor(
  username: string,
  password: string,
  clientId = 'portal-cli',
): Promise<{ accessToken: string; idToken: string }> {
  return initiateAuth(
    { endpoint: stack.env.COGNITO_ENDPOINT, region: stack.env.AWS_REGION, clientId },
    username,
    password,
  );
}

async function expectInvalidToken(res: Response) {
  expect(res.status).toBe(401);
  expect(res.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
  const body = (await res.json()) as { code: string; message: string; requestId: string };
  expect(body.code).toBe('auth.invalid_token');
  expect(body.message).toEqual(expect.any(String));
  expect(body.requestId).toMatch(/^[\w.-]{8,}$/);
  expect(res.headers.get('x-request-id')).toBe(body.requestId);
  return body;
}

beforeAll(async () => {
  // LOG_LEVEL info so the log-hygiene check below sees every launch line.
  stack = await startPortalStack({ portalEnv: { LOG_LEVEL: 'info' } });
});

afterAll(async () => {
  await stack?.stop();
});

describe('GET /api/studio/{user}: refused tokens (401)', () => {
  const issuer = () => stack.env.COGNITO_ISSUER;

  it('refuses a request without Authorization', async () => {
    const body = await expectInvalidToken(await callApi('/api/studio/user-lob-a'));
    expect(body.message).toMatch(/Bearer/);
  });

  it('refuses another scheme', async () => {
    await expectInvalidToken(
      await callApi('/api/studio/user-lob-a', { authorization: 'Basic dXNlci1sb2ItYTpVc2VyTG9iQTEh' }),
    );
  });

  it('refuses garbage', async () => {
    await expectInvalidToken(await callApi('/api/studio/user-lob-a', { authorization: 'Bearer not-a-jwt' }));
    await expectInvalidToken(await callApi('/api/studio/user-lob-a', { authorization: 'Bearer aaa.bbb.ccc' }));
  });

  it('refuses an expired token', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await signWithStandInKey(
      stack.standIns,
      accessClaims({ username: 'user-lob-a', issuer: issuer(), iat: now - 7200, exp: now - 3600 }),
    );
    const body = await expectInvalidToken(
      await callApi('/api/studio/user-lob-a', { authorization: `Bearer ${token}` }),
    );
    expect(body.message).toMatch(/expired/);
  });

  it('refuses a token that is not yet valid', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await signWithStandInKey(
      stack.standIns,
      accessClaims({ username: 'user-lob-a', issuer: issuer(), nbf: now + 600 }),
    );
    const body = await expectInvalidToken(
      await callApi('/api/studio/user-lob-a', { authorization: `Bearer ${token}` }),
    );
    expect(body.message).toMatch(/not valid yet/);
  });

  it('refuses a token from another issuer', async () => {
    const token = await signWithStandInKey(
      stack.standIns,
      accessClaims({ username: 'user-lob-a', issuer: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other' }),
    );
    const body = await expectInvalidToken(
      await callApi('/api/studio/user-lob-a', { authorization: `Bearer ${token}` }),
    );
    expect(body.message).toMatch(/issuer/);
  });

  it('refuses a token for a client that is not allowed', async () => {
    const token = await signWithStandInKey(
      stack.standIns,
      accessClaims({ username: 'user-lob-a', issuer: issuer(), clientId: 'some-other-client' }),
    );
    const body = await expectInvalidToken(
      await callApi('/api/studio/user-lob-a', { authorization: `Bearer ${token}` }),
    );
    expect(body.message).toMatch(/client/);
  });

  it('refuses an ID token (real one, from InitiateAuth)', async () => {
    const { idToken } = await tokenFor('user-lob-a', 'UserLobA1!');
    const body = await expectInvalidToken(
      await callApi('/api/studio/user-lob-a', { authorization: `Bearer ${idToken}` }),
    );
    expect(body.message).toMatch(/access token/);
  });

  it('refuses a real token whose payload was edited', async () => {
    const { accessToken } = await tokenFor('user-lob-a', 'UserLobA1!');
    const forged = tamperPayload(accessToken, (p) => (p.username = 'user-lob-b'));
    await expectInvalidToken(await callApi('/api/studio/user-lob-b', { authorization: `Bearer ${forged}` }));
  });

  it('refuses alg: none', async () => {
    const kid = stack.standIns.cognito.keys.current.kid;
    const token = unsignedToken(accessClaims({ username: 'user-lob-a', issuer: issuer() }), kid);
    await expectInvalidToken(await callApi('/api/studio/user-lob-a', { authorization: `Bearer ${token}` }));
  });

  it('refuses HS256 signed with the public key', async () => {
    const jwks = (await (await fetch(stack.env.COGNITO_JWKS_URI)).json()) as { keys: Array<Record<string, string>> };
    const token = await hs256WithPublicKey(jwks.keys[0], accessClaims({ username: 'user-lob-a', issuer: issuer() }));
    await expectInvalidToken(await callApi('/api/studio/user-lob-a', { authorization: `Bearer ${token}` }));
  });
});

describe('GET /api/studio/{user}: key rotation and unknown keys', () => {
  // Order matters: an unknown kid puts the JWKS refetch in its rate-limit penalty for a few seconds.
  it('accepts a token signed after key rotation, without a restart', async () => {
    const before = await tokenFor('user-lob-a', 'UserLobA1!');
    expect((await callApi('/api/studio/user-lob-a', { authorization: `Bearer ${before.accessToken}` })).status).toBe(
      302,
    );

    const { kid } = await stack.control.rotateKeys({ retireOld: true });
    const after = await tokenFor('user-lob-a', 'UserLobA1!');
    expect(JSON.parse(Buffer.from(after.accessToken.split('.')[0], 'base64url').toString()).kid).toBe(kid);
    const res = await callApi('/api/studio/user-lob-a', { authorization: `Bearer ${after.accessToken}` });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toContain('d-loba1example');
    // The retired key is no longer trusted.
    await expectInvalidToken(
      await callApi('/api/studio/user-lob-a', { authorization: `Bearer ${before.accessToken}` }),
    );
  });

  it('refuses a token signed with a key the JWKS does not have', async () => {
    const token = await signWithUnknownKey(accessClaims({ username: 'user-lob-a', issuer: stack.env.COGNITO_ISSUER }));
    const body = await expectInvalidToken(
      await callApi('/api/studio/user-lob-a', { authorization: `Bearer ${token}` }),
    );
    expect(body.message).toMatch(/unknown key/);
  });
});

describe('GET /api/studio/{user}: authorization (403)', () => {
  it("refuses another user's path", async () => {
    const { accessToken } = await tokenFor('user-lob-a', 'UserLobA1!');
    const res = await callApi('/api/studio/user-lob-b', { authorization: `Bearer ${accessToken}` });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { code: string }).code).toBe('auth.forbidden');
  });

  it('refuses a case variant of one’s own name', async () => {
    const { accessToken } = await tokenFor('user-lob-a', 'UserLobA1!');
    for (const path of ['/api/studio/USER-LOB-A', '/api/studio/User-Lob-A']) {
      const res = await callApi(path, { authorization: `Bearer ${accessToken}` });
      expect(res.status).toBe(403);
      expect(((await res.json()) as { code: string }).code).toBe('auth.forbidden');
    }
  });

  it('answers user.not_mapped for a user in no LOB', async () => {
    const { accessToken } = await tokenFor('user-no-lob', 'UserNoLob1!');
    const res = await callApi('/api/studio/user-no-lob', { authorization: `Bearer ${accessToken}` });
    expect(res.status).toBe(403);
    const body = (await res.json()) as { code: string; message: string };
    expect(body.code).toBe('user.not_mapped');
    expect(body.message).toMatch(/not assigned to any line of business/);
  });
});

describe('GET /api/studio/{user}: success', () => {
  it('redirects (302) to the presigned URL of the user’s LOB domain, uncached and without referrer', async () => {
    const { accessToken } = await tokenFor('user-lob-b', 'UserLobB1!');
    const res = await callApi('/api/studio/user-lob-b', {
      authorization: `Bearer ${accessToken}`,
      'x-request-id': 'api-test-redirect-0001',
    });
    await expectStudioRedirect(res, 302, 'd-lobb1example', 'user-lob-b');
    expect(res.headers.get('cache-control')).toBe('no-store');

    // The audit record carries the portal's own request id (answered in x-request-id), never the client's.
    const requestId = res.headers.get('x-request-id')!;
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    const audit = await eventually(async () => (await directoryClient(stack.env).auditFor(requestId))[0]);
    expect(await directoryClient(stack.env).auditFor('api-test-redirect-0001')).toEqual([]);
    expect(audit).toMatchObject({
      type: 'launch',
      user: 'user-lob-b',
      lob: 'lob-b',
      channel: 'api',
      outcome: 'success',
      domainId: 'd-lobb1example',
      accountId: '222222222222',
    });
  });

  it('answers 200 JSON for Accept: application/json', async () => {
    const { accessToken } = await tokenFor('user-lob-a', 'UserLobA1!');
    const res = await callApi('/api/studio/user-lob-a', {
      authorization: `Bearer ${accessToken}`,
      accept: 'application/json',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as Record<string, string>;
    expect(body).toMatchObject({ lob: 'lob-a', accountId: '111111111111', domainId: 'd-loba1example' });
    expect(new URL(body.url).hostname).toBe('d-loba1example.studio.us-east-1.localhost');
    const expiresIn = (Date.parse(body.expiresAt) - Date.now()) / 1000;
    expect(expiresIn).toBeGreaterThan(30);
    expect(expiresIn).toBeLessThanOrEqual(60);
  });

  it('lets a user in several LOBs pick one with ?lob= and an app with ?app=', async () => {
    const { accessToken } = await tokenFor('user-multi', 'UserMulti1!');
    const headers = { authorization: `Bearer ${accessToken}`, accept: 'application/json' };
    const b = await callApi('/api/studio/user-multi?lob=lob-b&app=jupyterlab', headers);
    expect(b.status).toBe(200);
    expect(((await b.json()) as { domainId: string }).domainId).toBe('d-lobb1example');
    const none = await callApi('/api/studio/user-multi', headers);
    expect(none.status).toBe(400);
    expect(((await none.json()) as { message: string }).message).toMatch(/lob-a, lob-b/);
    const bad = await callApi('/api/studio/user-multi?lob=lob-a&app=vim', headers);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toMatch(/^app must be one of/);
  });

  it('accepts the portal-web client too (both are in COGNITO_ALLOWED_CLIENT_IDS)', async () => {
    const { accessToken } = await initiateAuth(
      {
        endpoint: stack.env.COGNITO_ENDPOINT,
        region: stack.env.AWS_REGION,
        clientId: 'portal-web',
        clientSecret: stack.env.COGNITO_CLIENT_SECRET,
      },
      'user-group-a',
      'UserGroupA1!',
    );
    const res = await callApi('/api/studio/user-group-a', { authorization: `Bearer ${accessToken}` });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toContain('d-loba1example');
  });
});

describe('logs', () => {
  it('are JSON lines with request ids and never contain tokens or presigned URLs', () => {
    const lines = stack.portal
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'));
    const launches = lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.msg === 'launch.success');
    expect(launches.length).toBeGreaterThan(0);
    for (const line of launches) expect(line.requestId).toEqual(expect.any(String));
    const all = stack.portal.output();
    expect(all).not.toMatch(/eyJ[\w-]{10,}\.[\w-]{10,}/);
    expect(all).not.toMatch(/auth\?token=/);
  });
});

afterAll(() => {
  // Zero 5xx over the whole suite.
  expect(statuses.filter((s) => s >= 500)).toEqual([]);
  expect(statuses.length).toBeGreaterThan(15);
});
