import { describe, expect, it } from 'vitest';
import {
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
  RevokeTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { useLocalStack } from './helpers';
import { createVerifier } from './jwt';
import { PORTAL_CLIENT, USER_POOL_ID } from '../../local/demo-data';

const stack = useLocalStack();
const REDIRECT_URI = 'http://10.20.0.2:3000/api/auth/callback/cognito';

/** A tiny browser: follows nothing by itself, keeps cookies by name. */
class Browser {
  private cookies = new Map<string, string>();
  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const cookie of res.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const index = pair.indexOf('=');
      this.cookies.set(pair.slice(0, index), pair.slice(index + 1));
    }
    return res;
  }
}

function authorizeUrl(state: string): string {
  const params = new URLSearchParams({
    client_id: PORTAL_CLIENT.clientId,
    response_type: 'code',
    scope: 'openid',
    redirect_uri: REDIRECT_URI,
    state,
  });
  return `${stack().urls.issuer}/oauth2/authorize?${params}`;
}

async function signIn(
  browser: Browser,
  username: string,
  password: string,
): Promise<{ loginPage: string; response: Response }> {
  const start = await browser.request(authorizeUrl('state-123'));
  expect(start.status).toBe(303);
  const interaction = new URL(start.headers.get('location')!, stack().urls.cognito).href;
  const page = await browser.request(interaction);
  const loginPage = await page.text();
  const action = /<form method="post" action="([^"]+)"/.exec(loginPage)![1];
  const response = await browser.request(new URL(action, stack().urls.cognito).href, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username, password }).toString(),
  });
  return { loginPage, response };
}

async function followToCallback(browser: Browser, response: Response): Promise<URL> {
  let current = response;
  for (let hop = 0; hop < 5; hop += 1) {
    const location = current.headers.get('location');
    expect(location, `hop ${hop} status ${current.status}`).toBeTruthy();
    const next = new URL(location!, stack().urls.cognito);
    if (next.href.startsWith(REDIRECT_URI)) return next;
    current = await browser.request(next.href);
  }
  throw new Error('no redirect to the callback');
}

async function exchangeCode(code: string) {
  const res = await fetch(`${stack().urls.issuer}/oauth2/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${PORTAL_CLIENT.clientId}:${PORTAL_CLIENT.clientSecret}`).toString('base64')}`,
    },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI }).toString(),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as {
    id_token: string;
    access_token: string;
    refresh_token?: string;
    token_type: string;
    expires_in: number;
  };
}

/** The token endpoint's refresh_token grant, as the portal's app client. */
function refreshAtTokenEndpoint(refreshToken: string) {
  return fetch(`${stack().urls.issuer}/oauth2/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${PORTAL_CLIENT.clientId}:${PORTAL_CLIENT.clientSecret}`).toString('base64')}`,
    },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }).toString(),
  });
}

describe('OIDC (hosted UI)', () => {
  it('publishes discovery with the Cognito-form issuer and the JWKS path', async () => {
    const res = await fetch(`${stack().urls.issuer}/.well-known/openid-configuration`);
    const config = await res.json();
    expect(config.issuer).toBe(`${stack().urls.cognito}/${USER_POOL_ID}`);
    expect(config.jwks_uri).toBe(`${stack().urls.issuer}/.well-known/jwks.json`);
    for (const key of ['authorization_endpoint', 'token_endpoint', 'userinfo_endpoint', 'end_session_endpoint'])
      expect(config[key]).toMatch(/^http:\/\//);
  });

  it('shows an accessible login form and "Incorrect username or password." for a wrong password', async () => {
    const { loginPage, response } = await signIn(new Browser(), 'user-lob-a', 'wrong-password');
    expect(loginPage).toMatch(/<label for="username">Username<\/label>/);
    expect(loginPage).toMatch(/<label for="password">Password<\/label>/);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('Incorrect username or password.');
    expect(html).toContain('role="alert"');
  });

  it('runs the code flow with scope=openid and returns Cognito-shaped ID and JWT access tokens', async () => {
    stack().knobs.resetCounters();
    const browser = new Browser();
    const { response } = await signIn(browser, 'user-group-a', 'UserGroupA1!');
    const callback = await followToCallback(browser, response);
    expect(callback.searchParams.get('state')).toBe('state-123');
    const tokens = await exchangeCode(callback.searchParams.get('code')!);
    const id = await createVerifier(stack().urls.issuer, stack().urls.jwks, 'id', PORTAL_CLIENT.clientId).verify(
      tokens.id_token,
    );
    expect(id).toMatchObject({
      token_use: 'id',
      aud: PORTAL_CLIENT.clientId,
      'cognito:username': 'user-group-a',
      'cognito:groups': ['lob-a-users'],
      email: 'user-group-a@example.com',
      email_verified: true,
    });
    const access = await createVerifier(
      stack().urls.issuer,
      stack().urls.jwks,
      'access',
      PORTAL_CLIENT.clientId,
    ).verify(tokens.access_token);
    expect(access).toMatchObject({
      token_use: 'access',
      client_id: PORTAL_CLIENT.clientId,
      username: 'user-group-a',
      'cognito:groups': ['lob-a-users'],
      scope: 'openid',
    });
    expect(access.sub).toBe(id.sub);

    const info = await fetch(`${stack().urls.issuer}/oauth2/userInfo`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(info.status).toBe(200);
    expect(await info.json()).toMatchObject({
      sub: id.sub,
      username: 'user-group-a',
      email: 'user-group-a@example.com',
    });
    const forged = await fetch(`${stack().urls.issuer}/oauth2/userInfo`, {
      headers: { authorization: `Bearer ${tokens.access_token}x` },
    });
    expect(forged.status).toBe(401);

    const logout = await browser.request(
      `${stack().urls.issuer}/logout?${new URLSearchParams({ id_token_hint: tokens.id_token, post_logout_redirect_uri: 'http://10.20.0.2:3000/' })}`,
    );
    expect(logout.status).toBe(200);
    expect(await logout.text()).toContain('op.logoutForm');
    expect(stack().knobs.getCounters()).toMatchObject({
      'cognito.authorization': 2,
      'cognito.login': 2,
      'cognito.token': 1,
      'cognito.userinfo': 2,
      'cognito.end_session': 1,
    });
  });

  it('refuses a redirect URI that is not the portal callback', async () => {
    const params = new URLSearchParams({
      client_id: PORTAL_CLIENT.clientId,
      response_type: 'code',
      scope: 'openid',
      redirect_uri: 'http://evil.example/cb',
    });
    const res = await fetch(`${stack().urls.issuer}/oauth2/authorize?${params}`, { redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('redirect_uri');
  });
});

describe('Signing keys and JWKS', () => {
  it('rotates keys: new tokens use the new kid, old tokens stop verifying once the old key is retired', async () => {
    const client = new CognitoIdentityProviderClient({
      endpoint: stack().urls.cognito,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
    });
    const initiate = () =>
      client.send(
        new InitiateAuthCommand({
          ClientId: 'portal-cli',
          AuthFlow: 'USER_PASSWORD_AUTH',
          AuthParameters: { USERNAME: 'user-lob-a', PASSWORD: 'UserLobA1!' },
        }),
      );
    const before = (await initiate()).AuthenticationResult!.AccessToken!;
    const kidOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[0], 'base64url').toString()).kid as string;

    const kept = await (
      await fetch(`${stack().urls.control}/cognito/rotate-keys`, { method: 'POST', body: '{}' })
    ).json();
    const jwks1 = await (await fetch(stack().urls.jwks)).json();
    expect(jwks1.keys.map((k: { kid: string }) => k.kid)).toEqual([kept.kid, kidOf(before)]);
    const during = (await initiate()).AuthenticationResult!.AccessToken!;
    expect(kidOf(during)).toBe(kept.kid);
    await createVerifier(stack().urls.issuer, stack().urls.jwks, 'access', null).verify(before);

    const retired = await (
      await fetch(`${stack().urls.control}/cognito/rotate-keys`, { method: 'POST', body: '{"retireOld":true}' })
    ).json();
    const jwks2 = await (await fetch(stack().urls.jwks)).json();
    expect(jwks2.keys.map((k: { kid: string }) => k.kid)).toEqual([retired.kid]);
    await expect(
      createVerifier(stack().urls.issuer, stack().urls.jwks, 'access', null).verify(before),
    ).rejects.toThrow();
    const after = (await initiate()).AuthenticationResult!.AccessToken!;
    await createVerifier(stack().urls.issuer, stack().urls.jwks, 'access', null).verify(after);

    // The hosted-UI half signs with the new key too.
    const browser = new Browser();
    const { response } = await signIn(browser, 'user-lob-a', 'UserLobA1!');
    const tokens = await exchangeCode((await followToCallback(browser, response)).searchParams.get('code')!);
    expect(kidOf(tokens.id_token)).toBe(retired.kid);
    expect(kidOf(tokens.access_token)).toBe(retired.kid);
  });

  it('issues a refresh token with the code flow (as Cognito does); RevokeToken ends it and its origin', async () => {
    const browser = new Browser();
    const { response } = await signIn(browser, 'user-lob-b', 'UserLobB1!');
    const tokens = await exchangeCode((await followToCallback(browser, response)).searchParams.get('code')!);
    expect(tokens.refresh_token).toEqual(expect.any(String));
    const origin = JSON.parse(Buffer.from(tokens.access_token.split('.')[1], 'base64url').toString()).origin_jti;
    expect(origin).toEqual(expect.any(String));
    expect((await refreshAtTokenEndpoint(tokens.refresh_token!)).status).toBe(200);
    const client = new CognitoIdentityProviderClient({
      endpoint: stack().urls.cognito,
      region: 'us-east-1',
      credentials: { accessKeyId: 'unused', secretAccessKey: 'unused' },
    });
    await client.send(
      new RevokeTokenCommand({
        ClientId: PORTAL_CLIENT.clientId,
        ClientSecret: PORTAL_CLIENT.clientSecret,
        Token: tokens.refresh_token!,
      }),
    );
    const refused = await refreshAtTokenEndpoint(tokens.refresh_token!);
    expect(refused.status).toBe(400);
    expect((await refused.json()).error).toBe('invalid_grant');
    const info = await fetch(`${stack().urls.issuer}/oauth2/userInfo`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(info.status).toBe(401);
    // The still-open IdP session signs in again with a new origin that works.
    const again = await browser.request(authorizeUrl('state-456'));
    const next = await exchangeCode((await followToCallback(browser, again)).searchParams.get('code')!);
    const nextOrigin = JSON.parse(Buffer.from(next.access_token.split('.')[1], 'base64url').toString()).origin_jti;
    expect(nextOrigin).not.toBe(origin);
    expect((await refreshAtTokenEndpoint(next.refresh_token!)).status).toBe(200);
  });

  it('counts JWKS fetches and answers 503 while a jwks fault is set', async () => {
    stack().knobs.resetCounters();
    stack().knobs.addFault({ service: 'cognito', operation: 'jwks', error: 'ServiceUnavailable', count: 1 });
    expect((await fetch(stack().urls.jwks)).status).toBe(503);
    expect((await fetch(stack().urls.jwks)).status).toBe(200);
    expect(stack().knobs.getCounters()['cognito.jwks']).toBe(2);
  });
});
