import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPortalStack, type PortalStack } from '../support/portal-stack';

/** `npm run token -- <user>` prints a working access token (real InitiateAuth against the stand-in). */
let stack: PortalStack;

beforeAll(async () => {
  stack = await startPortalStack();
});

afterAll(async () => {
  await stack?.stop();
});

/** Async on purpose: the stand-ins run in this process and must keep answering. */
function runToken(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'scripts/token.ts', ...args],
      { env: { ...process.env, COGNITO_ENDPOINT: stack.env.COGNITO_ENDPOINT }, encoding: 'utf8', timeout: 30_000 },
      (error, stdout, stderr) =>
        resolve({ status: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('scripts/token.ts', () => {
  it('prints an access token the API accepts', async () => {
    const out = await runToken(['user-lob-a']);
    expect(out.status, out.stderr).toBe(0);
    const token = out.stdout.trim();
    expect(JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString())).toMatchObject({
      token_use: 'access',
      username: 'user-lob-a',
      client_id: 'portal-cli',
    });
    const res = await fetch(`${stack.url}/api/studio/user-lob-a`, {
      headers: { authorization: `Bearer ${token}` },
      redirect: 'manual',
    });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toContain('d-loba1example');
  });

  it('fails clearly for an unknown user without a password', async () => {
    const out = await runToken(['nobody-here']);
    expect(out.status).toBe(1);
    expect(out.stderr).toMatch(/no password for "nobody-here"/);
  });

  it('fails clearly for a wrong password', async () => {
    const out = await runToken(['user-lob-a', '--password', 'wrong']);
    expect(out.status).toBe(1);
    expect(out.stderr).toMatch(/NotAuthorizedException/);
  });
});
