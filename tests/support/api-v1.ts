/**
 * /api/v1 from a test: machine clients registered through the console page (/admin/clients, the no-JS
 * form post a browser makes), their tokens from the Cognito stand-in's /oauth2/token (client credentials,
 * HTTP Basic), people's tokens through InitiateAuth, and a small JSON caller.
 */
import { actionForms, postActionForm } from '../admin/admin-forms';
import { initiateAuth, type CookieJar } from './http-session';
import type { PortalStack } from './portal-stack';
import { lobRow } from '../../local/lob-row';
import type { Lob } from '../../lib/directory/types';

export interface RegisteredClient {
  clientId: string;
  secret: string;
}

function decode(s: string): string {
  return s
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** Registers a client as the admin does in the console and reads the id and the once-shown secret. */
export async function registerClient(
  stack: PortalStack,
  admin: CookieJar,
  spec: { name: string; scopes: string[]; lobs?: string[]; allLobs?: boolean },
): Promise<RegisteredClient> {
  const page = await fetch(`${stack.url}/admin/clients`, { headers: { cookie: admin.header() } });
  if (page.status !== 200) throw new Error(`GET /admin/clients answered ${page.status}`);
  const form = actionForms(await page.text()).find((f) => f.fields.some(([n]) => n === 'name'));
  if (!form) throw new Error('no register form on /admin/clients');
  const res = await postActionForm(stack.url, '/admin/clients', form, admin.header(), {
    name: spec.name,
    scopes: spec.scopes,
    lobs: spec.lobs ?? [],
    ...(spec.allLobs ? { allLobs: 'on' } : {}),
  });
  const html = await res.text();
  const clientId = /Client id: <code>([^<]+)<\/code>/.exec(html)?.[1];
  const secret = /Client secret \(shown once\): <code[^>]*>([^<]+)<\/code>/.exec(html)?.[1];
  if (!clientId || !secret) throw new Error(`registering ${spec.name} failed: HTTP ${res.status}`);
  return { clientId: decode(clientId), secret: decode(secret) };
}

/**
 * A POST /api/v1/lobs body: a new LOB `lob` (domain `domainId`) in account 111122223333, JupyterLab only,
 * one-hour sessions, profiles created on first launch, no requests.
 */
export function newLobBody(lob: string, displayName: string, domainId: string) {
  const changes: Partial<Lob> = {
    displayName,
    accountId: '111122223333',
    domainId,
    roleName: '',
    allowedApps: ['jupyterlab'],
  };
  const row = lobRow(lob, { ...changes, sessionDurationSeconds: 3600, autoCreateProfile: true });
  // What the API sets itself: a new LOB starts disabled, at version 1.
  const { enabled: _enabled, version: _version, ...body } = row;
  return body;
}

/** The token URL of the stand-in's domain (client credentials). */
export const tokenUrl = (stack: PortalStack) => `${new URL(stack.env.COGNITO_ISSUER).origin}/oauth2/token`;

export async function clientToken(stack: PortalStack, client: RegisteredClient, scope?: string): Promise<string> {
  const res = await fetch(tokenUrl(stack), {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${client.clientId}:${client.secret}`).toString('base64')}`,
    },
    body: new URLSearchParams({ grant_type: 'client_credentials', ...(scope ? { scope } : {}) }),
  });
  if (res.status !== 200) throw new Error(`token endpoint answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

export async function personToken(stack: PortalStack, username: string, password: string): Promise<string> {
  return (
    await initiateAuth(
      { endpoint: stack.env.COGNITO_ENDPOINT, region: stack.env.AWS_REGION, clientId: 'portal-cli' },
      username,
      password,
    )
  ).accessToken;
}

export interface ApiAnswer {
  status: number;
  headers: Headers;
  body: unknown;
}

/** Calls /api/v1 with a bearer token; the body is parsed when it is JSON. */
export async function callApi(
  stack: PortalStack,
  token: string | undefined,
  method: string,
  path: string,
  options: { body?: unknown; headers?: Record<string, string> } = {},
): Promise<ApiAnswer> {
  const res = await fetch(`${stack.url}/api/v1${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...options.headers,
    },
    body:
      options.body === undefined
        ? undefined
        : typeof options.body === 'string'
          ? options.body
          : JSON.stringify(options.body),
  });
  const text = await res.text();
  const type = res.headers.get('content-type') ?? '';
  return { status: res.status, headers: res.headers, body: /json/.test(type) && text ? JSON.parse(text) : text };
}
