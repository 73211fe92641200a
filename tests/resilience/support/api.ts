/** Calls to GET /api/studio/{user} for the resilience suites, recording every secret they carry. */
import { expect } from 'vitest';
import { initiateAuth } from '../../support/http-session';
import type { ResilienceStack } from './stack';

export interface ApiAnswer {
  status: number;
  headers: Headers;
  location?: string;
  body?: { code?: string; message?: string; requestId?: string; url?: string; [k: string]: unknown };
}

export async function callStudioApi(
  stack: ResilienceStack,
  path: string,
  headers: Record<string, string> = {},
): Promise<ApiAnswer> {
  const res = await fetch(`${stack.url}${path}`, { headers, redirect: 'manual' });
  const location = res.headers.get('location') ?? undefined;
  if (location) stack.secrets.addUrl('presigned URL', location);
  const text = await res.text();
  let body: ApiAnswer['body'];
  if (text) {
    try {
      body = JSON.parse(text) as ApiAnswer['body'];
    } catch {
      body = undefined;
    }
  }
  if (body && typeof body.url === 'string') stack.secrets.addUrl('presigned URL (JSON)', body.url);
  return { status: res.status, headers: res.headers, location, body };
}

/** A real access token (and ID token) from the Cognito stand-in, recorded as secrets. */
export async function accessTokenFor(stack: ResilienceStack, username: string, password: string): Promise<string> {
  const { accessToken, idToken } = await initiateAuth(
    { endpoint: stack.env.COGNITO_ENDPOINT, region: stack.env.AWS_REGION, clientId: 'portal-cli' },
    username,
    password,
  );
  stack.secrets.addJwt(`${username} access token`, accessToken);
  stack.secrets.addJwt(`${username} ID token`, idToken);
  stack.secrets.add(`${username} password`, password);
  return accessToken;
}

export async function launchAs(stack: ResilienceStack, user: string, token: string, query = ''): Promise<ApiAnswer> {
  return callStudioApi(stack, `/api/studio/${user}${query}`, { authorization: `Bearer ${token}` });
}

/** The error contract: status, `{ code, message, requestId }`, and the request id echoed in a header. */
export function expectError(answer: ApiAnswer, status: number, code: string, message?: RegExp): void {
  expect(answer.status, JSON.stringify(answer.body)).toBe(status);
  expect(answer.body?.code).toBe(code);
  expect(answer.body?.message).toEqual(expect.any(String));
  if (message) expect(answer.body?.message).toMatch(message);
  expect(answer.body?.requestId).toMatch(/^[\w.-]{8,}$/);
  expect(answer.headers.get('x-request-id')).toBe(answer.body?.requestId);
  expect(answer.headers.get('cache-control')).toBe('no-store');
}

/** A launch: 302 to the Studio host of the expected domain, for nobody but `user`. */
export function expectLaunch(answer: ApiAnswer, domainId: string): void {
  expect(answer.status, JSON.stringify(answer.body)).toBe(302);
  expect(new URL(answer.location!).hostname).toBe(`${domainId}.studio.us-east-1.localhost`);
}

/** The portal process is still up and healthy (no crash). */
export async function expectAlive(stack: ResilienceStack): Promise<void> {
  expect(stack.portal.alive()).toBe(true);
  const health = await fetch(`${stack.url}/api/health`);
  expect(health.status).toBe(200);
}
