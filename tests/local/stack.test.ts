import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreatePresignedDomainUrlCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { control, startStandIns, type StandInsHandle } from '../../local/stack';
import { DEMO_USERS } from '../../local/demo-data';
import { isAlive } from '../support/processes';
import { generatorAssumeRole } from '../support/assume-role';

async function waitUntilGone(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return !isAlive(pid);
}

const PORTAL_VARIABLES = [
  'NEXTAUTH_SECRET',
  'AWS_REGION',
  'COGNITO_ISSUER',
  'COGNITO_JWKS_URI',
  'COGNITO_USER_POOL_ID',
  'COGNITO_CLIENT_ID',
  'COGNITO_CLIENT_SECRET',
  'COGNITO_ALLOWED_CLIENT_IDS',
  'COGNITO_ENDPOINT',
  'DYNAMODB_ENDPOINT',
  'STS_ENDPOINT',
  'SAGEMAKER_ENDPOINT',
  'TABLE_USERS',
  'TABLE_LOBS',
  'TABLE_AUDIT',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
];

describe('startStandIns (child process)', () => {
  let stack: StandInsHandle;
  beforeAll(async () => {
    stack = await startStandIns();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('comes up on free loopback ports with the portal environment', async () => {
    for (const url of [stack.urls.dynamodb, stack.urls.cognito, stack.urls.aws])
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    for (const name of PORTAL_VARIABLES) expect(stack.portalEnv[name], name).toBeTruthy();
    expect(stack.portalEnv.NEXTAUTH_SECRET.length).toBeGreaterThanOrEqual(32);
    expect(stack.portalEnv.NEXTAUTH_URL).toBeUndefined();
    expect(stack.portalEnv.AUTH_MODE).toBeUndefined();
    expect((await control(stack.urls.control).health()).ok).toBe(true);
  });

  it('serves the portal flow with production credential code (fromTemporaryCredentials) and counts it', async () => {
    const knobs = control(stack.urls.control);
    await knobs.resetCounters();
    const env = stack.portalEnv;
    const credentials = fromTemporaryCredentials({
      params: generatorAssumeRole('222222222222', 'user-lob-b', 'lob-b'),
      clientConfig: { region: env.AWS_REGION, endpoint: env.STS_ENDPOINT },
      masterCredentials: { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY },
    });
    const sagemaker = new SageMakerClient({ region: env.AWS_REGION, endpoint: env.SAGEMAKER_ENDPOINT, credentials });
    for (let i = 0; i < 2; i += 1) {
      const out = await sagemaker.send(
        new CreatePresignedDomainUrlCommand({
          DomainId: 'd-lobb1example',
          UserProfileName: 'user-lob-b',
          ExpiresInSeconds: 60,
        }),
      );
      expect(out.AuthorizedUrl).toContain('d-lobb1example.studio.us-east-1.localhost');
    }
    expect(await knobs.getCounters()).toEqual({ 'sts.AssumeRole': 1, 'sagemaker.CreatePresignedDomainUrl': 2 });
  });

  it('exposes latency, faults and fixtures through the control API with clear input errors', async () => {
    const knobs = control(stack.urls.control);
    expect(await knobs.setLatency({ sts: 10 })).toMatchObject({ sts: 10 });
    await knobs.setLatency({ sts: 0 });
    await expect(knobs.setLatency({ nope: 1 } as never)).rejects.toThrow(/unknown service "nope"/);
    await expect(knobs.setFault({ service: 'sagemaker', error: 'Bad Name' })).rejects.toThrow(/AWS error name/);
    await knobs.setFault({ service: 'sagemaker', operation: '*', error: 'ServiceUnavailable', rate: 1, count: 1 });
    await knobs.clearFaults();
    // Every demo user with a Studio profile in lob-a (local/demo-data.ts), sorted as the stand-in lists them.
    const lobAProfiles = DEMO_USERS.filter((u) => u.profiles.includes('lob-a')).map((u) => u.username);
    expect(await knobs.listProfiles('d-loba1example')).toEqual(lobAProfiles.sort());
    expect(lobAProfiles).toEqual(expect.arrayContaining(['oncall-lob-a', 'user-expiring', 'user-lob-a']));
    expect(await knobs.setDomain('d-loba1example', { status: 'Updating' })).toMatchObject({ status: 'Updating' });
    await knobs.setDomain('d-loba1example', { status: 'InService' });
    expect((await knobs.rotateKeys()).kid).toMatch(/^[\w-]+$/);
  });
});

describe('stand-ins process lifecycle', () => {
  it('stops on SIGTERM by PID and leaves nothing running', async () => {
    const stack = await startStandIns();
    expect(isAlive(stack.pid)).toBe(true);
    await stack.stop();
    expect(await waitUntilGone(stack.pid, 2000)).toBe(true);
    await expect(fetch(stack.urls.aws + '/_local/health')).rejects.toThrow();
  });

  it('exits by itself when the process that started it is killed', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'stack-parent-'));
    const script = path.join(dir, 'parent.mts');
    writeFileSync(
      script,
      `import { startStandIns } from ${JSON.stringify(fileURLToPath(new URL('../../local/stack.ts', import.meta.url)))};
const s = await startStandIns();
console.log('PID ' + s.pid);
setInterval(() => {}, 1000);
`,
    );
    const parent = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let errors = '';
    parent.stderr.on('data', (d: Buffer) => (errors += d.toString()));
    const childPid = await new Promise<number>((resolve, reject) => {
      let out = '';
      parent.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /PID (\d+)/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      parent.once('exit', (code) => reject(new Error(`parent exited early (${code}): ${errors}`)));
    });
    expect(isAlive(childPid)).toBe(true);
    parent.kill('SIGKILL');
    expect(await waitUntilGone(childPid, 5000)).toBe(true);
    rmSync(dir, { recursive: true, force: true });
  });
});
