/**
 * HTTP helpers for integration tests: a tiny cookie jar, password sign-in through next-auth's real
 * endpoints, Cognito tokens through the real InitiateAuth API, and the "Open Studio" form posted
 * the way a browser without JavaScript posts it (the server action's progressive-enhancement path).
 */
import { CognitoIdentityProviderClient, InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { createHmac } from 'node:crypto';
import { expect } from 'vitest';

export class CookieJar {
  private readonly cookies = new Map<string, string>();

  store(response: Response): void {
    for (const header of response.headers.getSetCookie()) {
      const [pair] = header.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value === '' || /max-age=0|expires=thu, 01 jan 1970/i.test(header)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  names(): string[] {
    return [...this.cookies.keys()];
  }
}

/** Signs in through next-auth's credentials callback (password mode) and returns the session cookies. */
export async function signIn(baseUrl: string, username: string, password: string): Promise<CookieJar> {
  const jar = new CookieJar();
  const csrfRes = await fetch(`${baseUrl}/api/auth/csrf`);
  jar.store(csrfRes);
  const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
  const res = await fetch(`${baseUrl}/api/auth/callback/credentials`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: jar.header() },
    body: new URLSearchParams({ csrfToken, username, password, callbackUrl: `${baseUrl}/`, json: 'true' }),
  });
  jar.store(res);
  if (!jar.names().some((n) => n.endsWith('next-auth.session-token'))) {
    throw new Error(`sign-in as ${username} failed: HTTP ${res.status} ${res.headers.get('location') ?? ''}`);
  }
  return jar;
}

export interface CognitoClientSpec {
  endpoint: string;
  region: string;
  clientId: string;
  clientSecret?: string;
}

/** Real USER_PASSWORD_AUTH against the Cognito endpoint (the stand-in locally). */
export async function initiateAuth(spec: CognitoClientSpec, username: string, password: string) {
  const client = new CognitoIdentityProviderClient({
    region: spec.region,
    endpoint: spec.endpoint,
    credentials: { accessKeyId: 'unused', secretAccessKey: 'unused' },
  });
  const params: Record<string, string> = { USERNAME: username, PASSWORD: password };
  if (spec.clientSecret)
    params.SECRET_HASH = createHmac('sha256', spec.clientSecret)
      .update(username + spec.clientId)
      .digest('base64');
  const out = await client.send(
    new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: spec.clientId, AuthParameters: params }),
  );
  client.destroy();
  const result = out.AuthenticationResult;
  if (!result?.AccessToken || !result.IdToken) throw new Error(`InitiateAuth for ${username} returned no tokens`);
  return { accessToken: result.AccessToken, idToken: result.IdToken };
}

/** Text of an HTML attribute or element as React escapes it, unescaped (the entities React writes). */
export function decodeEntities(s: string): string {
  return s
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** Hidden inputs React renders into a server-action form (ids of the action and its bound state). */
export function actionFormFields(html: string): Array<[string, string]> {
  const fields: Array<[string, string]> = [];
  for (const tag of html.match(/<input[^>]*>/g) ?? []) {
    const name = /name="([^"]*)"/.exec(tag)?.[1];
    if (!name || !name.startsWith('$ACTION')) continue;
    fields.push([decodeEntities(name), decodeEntities(/value="([^"]*)"/.exec(tag)?.[1] ?? '')]);
  }
  return fields;
}

export interface LaunchForm {
  jar: CookieJar;
  /** React's hidden server-action fields. */
  fields: Array<[string, string]>;
  /** The LOB the page preselects (hidden input or first radio). */
  lob?: string;
}

export interface OpenStudioResult {
  response: Response;
  /** Page HTML when the action answered with the form (an error) instead of a redirect. */
  html: string;
}

/** Loads the home page and reads the "Open Studio" form as a browser without JavaScript would. */
export async function loadLaunchForm(baseUrl: string, jar: CookieJar): Promise<LaunchForm> {
  const page = await fetch(`${baseUrl}/`, { headers: { cookie: jar.header() }, redirect: 'manual' });
  const page_ = await page.text();
  // The home page has other forms too (access requests): read the one with the Open Studio button.
  const html =
    [...page_.matchAll(/<form\b[\s\S]*?<\/form>/g)]
      .map((m) => m[0])
      .find((f) => f.includes('data-testid="open-studio"')) ?? '';
  const fields = actionFormFields(html);
  if (fields.length === 0) throw new Error(`home page has no Open Studio form (HTTP ${page.status})`);
  const lobInputs = (html.match(/<input[^>]*name="lob"[^>]*>/g) ?? []).filter((t) => /type="hidden"|checked/.test(t));
  const lob = lobInputs.length ? /value="([^"]+)"/.exec(lobInputs[0])?.[1] : undefined;
  return { jar, fields, lob };
}

/** Posts the form (multipart, with the action fields) like a browser before hydration. */
export async function submitLaunchForm(
  baseUrl: string,
  form: LaunchForm,
  headers: Record<string, string> = {},
  choices: { lob?: string; app?: string } = {},
): Promise<OpenStudioResult> {
  const body = new FormData();
  for (const [k, v] of form.fields) body.append(k, v);
  const lob = choices.lob ?? form.lob;
  if (lob) body.append('lob', lob);
  if (choices.app) body.append('app', choices.app);
  const response = await fetch(`${baseUrl}/`, {
    method: 'POST',
    body,
    headers: { cookie: form.jar.header(), origin: new URL(baseUrl).origin, ...headers },
    redirect: 'manual',
  });
  const html = response.status === 200 ? await response.text() : '';
  return { response, html };
}

/** The error the Open Studio form shows, parsed from the page. */
export function launchErrorIn(html: string): { code: string; message: string; requestId: string } | undefined {
  const m = /data-testid="launch-error-message" data-code="([^"]+)">([^<]*)</.exec(html);
  const id = /data-testid="request-id">([^<]+)</.exec(html);
  if (!m) return undefined;
  return { code: m[1], message: decodeEntities(m[2]), requestId: id?.[1] ?? '' };
}

/**
 * Opens a presigned Studio URL the way the corporate network does: `*.studio.<region>.<suffix>`
 * resolves to the Studio endpoint (the stand-in on loopback). Node cannot resolve `*.localhost`,
 * so connect to 127.0.0.1 and send the URL's Host header.
 */
export async function openStudioUrl(url: string): Promise<{ status: number; body: string }> {
  const { request } = await import('node:http');
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: target.port || 80,
        path: target.pathname + target.search,
        headers: { host: target.host },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/**
 * A launch answer: a `status` redirect, without referrer, to the Studio host of `domainId`, whose page (opened
 * there) names the domain and `username`.
 */
export async function expectStudioRedirect(
  response: Response,
  status: number,
  domainId: string,
  username: string,
): Promise<void> {
  expect(response.status).toBe(status);
  expect(response.headers.get('referrer-policy')).toBe('no-referrer');
  const location = response.headers.get('location')!;
  expect(new URL(location).hostname).toBe(`${domainId}.studio.us-east-1.localhost`);
  const studio = await openStudioUrl(location);
  expect(studio.status).toBe(200);
  expect(studio.body).toContain(domainId);
  expect(studio.body).toContain(username);
}
