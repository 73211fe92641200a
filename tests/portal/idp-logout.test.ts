import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIdpLogoutUrl, resolveIdpLogoutEndpoint, signedOutUrl } from '@/lib/auth/idp-logout';
import { parseConfig, type PortalConfig } from '@/lib/config';
import { CookieJar } from '../support/http-session';
import { startStandIns, type StandInsHandle } from '../support/local-stack';

/**
 * Hosted-UI sign-out ends the IdP session too: which logout URL the portal sends the browser to, from
 * configuration (Cognito's /logout) or from the issuer's discovery (OIDC end_session_endpoint), and that
 * the Cognito stand-in's end_session endpoint accepts it and returns the browser to the portal.
 * The browser flow itself (sign out, then sign-in asks for credentials again) is in e2e/launch.spec.ts.
 */
let standIns: StandInsHandle;

const baseEnv = (overrides: Record<string, string> = {}) => ({
  AUTH_MODE: 'hosted-ui',
  NEXTAUTH_URL: 'https://portal.example.com/prod',
  NEXTAUTH_SECRET: 'x'.repeat(40),
  AWS_REGION: 'us-east-1',
  COGNITO_ISSUER: standIns.portalEnv.COGNITO_ISSUER,
  COGNITO_USER_POOL_ID: 'us-east-1_StudioLcl',
  COGNITO_CLIENT_ID: 'portal-web',
  ...overrides,
});

async function logoutUrlFor(config: PortalConfig) {
  return buildIdpLogoutUrl(config, await resolveIdpLogoutEndpoint(config));
}

beforeAll(async () => {
  standIns = await startStandIns();
});

afterAll(async () => {
  await standIns?.stop();
});

describe('Configuration: COGNITO_LOGOUT_URL', () => {
  it('is optional and read as a URL', () => {
    expect(parseConfig(baseEnv()).cognito.logoutUrl).toBeUndefined();
    expect(parseConfig(baseEnv({ COGNITO_LOGOUT_URL: 'https://auth.example.com/logout' })).cognito.logoutUrl).toBe(
      'https://auth.example.com/logout',
    );
  });

  it('throws naming the variable when it is not a URL', () => {
    expect(() => parseConfig(baseEnv({ COGNITO_LOGOUT_URL: 'auth.example.com/logout' }))).toThrow(
      /COGNITO_LOGOUT_URL must be a URL/,
    );
  });
});

describe('Function: buildIdpLogoutUrl', () => {
  it('speaks Cognito’s /logout form when COGNITO_LOGOUT_URL is set (client_id + logout_uri, base path kept)', async () => {
    const config = parseConfig(baseEnv({ COGNITO_LOGOUT_URL: 'https://auth.example.com/logout' }));
    const url = new URL((await logoutUrlFor(config))!);
    expect(url.origin + url.pathname).toBe('https://auth.example.com/logout');
    expect(url.searchParams.get('client_id')).toBe('portal-web');
    expect(url.searchParams.get('logout_uri')).toBe('https://portal.example.com/prod/signin?signedOut=1');
    expect(url.searchParams.has('post_logout_redirect_uri')).toBe(false);
  });

  it('otherwise uses the issuer’s end_session_endpoint with OIDC parameters', async () => {
    const config = parseConfig(baseEnv());
    const url = new URL((await logoutUrlFor(config))!);
    expect(url.origin + url.pathname).toBe(`${standIns.portalEnv.COGNITO_ISSUER}/logout`);
    expect(url.searchParams.get('client_id')).toBe('portal-web');
    expect(url.searchParams.get('post_logout_redirect_uri')).toBe('https://portal.example.com/prod/signin?signedOut=1');
    // No ID token in the URL: the session cookie does not carry one.
    expect(url.searchParams.has('id_token_hint')).toBe(false);
  });

  it('gives none in password mode (InitiateAuth starts no IdP session), even with COGNITO_LOGOUT_URL set', async () => {
    const config = parseConfig(
      baseEnv({ AUTH_MODE: 'password', COGNITO_LOGOUT_URL: 'https://auth.example.com/logout' }),
    );
    expect(await logoutUrlFor(config)).toBeUndefined();
  });

  it('gives none when discovery lists no end_session_endpoint (as Cognito’s does) and nothing is configured', async () => {
    const server: Server = createServer((req, res) => {
      res.writeHead(req.url?.endsWith('/.well-known/openid-configuration') ? 200 : 404, {
        'content-type': 'application/json',
      });
      res.end(JSON.stringify({ issuer: 'x', authorization_endpoint: 'https://idp.example.com/oauth2/authorize' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}/us-east-1_Abc`;
      expect(await logoutUrlFor(parseConfig(baseEnv({ COGNITO_ISSUER: issuer })))).toBeUndefined();
    } finally {
      server.close();
    }
  });

  it('keeps NEXTAUTH_URL’s base path when it ends in a slash or not', () => {
    expect(signedOutUrl({ nextAuthUrl: 'http://localhost:3000' })).toBe('http://localhost:3000/signin?signedOut=1');
    expect(signedOutUrl({ nextAuthUrl: 'https://x.example.com/prod/' })).toBe(
      'https://x.example.com/prod/signin?signedOut=1',
    );
  });
});

describe('The Cognito stand-in’s end_session endpoint', () => {
  it.each([
    ['the OIDC form (from discovery)', {}],
    ['Cognito’s /logout?client_id&logout_uri form (COGNITO_LOGOUT_URL)', { useCognitoForm: true }],
  ])(
    'accepts the portal’s logout URL in %s and sends the browser back to the portal’s signed-out page',
    async (_name, { useCognitoForm }: { useCognitoForm?: boolean }) => {
      const config = parseConfig(
        baseEnv({
          NEXTAUTH_URL: 'http://localhost:3999',
          ...(useCognitoForm ? { COGNITO_LOGOUT_URL: `${standIns.portalEnv.COGNITO_ISSUER}/logout` } : {}),
        }),
      );
      if (useCognitoForm) expect(new URL((await logoutUrlFor(config))!).searchParams.has('logout_uri')).toBe(true);
      const jar = new CookieJar();
      const first = await fetch((await logoutUrlFor(config))!, { redirect: 'manual' });
      jar.store(first);
      expect(first.status).toBe(200);
      const html = await first.text();
      // The stand-in answers with its auto-submitting confirmation form (oidc-provider's logout prompt).
      const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
      const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)?.[1];
      expect(action, html).toMatch(/\/logout\/confirm$/);
      const confirm = await fetch(action!, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: jar.header() },
        body: new URLSearchParams({ xsrf: xsrf!, logout: 'yes' }),
      });
      expect(confirm.status).toBe(303);
      expect(confirm.headers.get('location')).toBe('http://localhost:3999/signin?signedOut=1');
    },
  );
});
