/**
 * The Lambda bundle (infra/bundle.ts output of the real build) run the way Lambda runs it: started through
 * its run.sh as the Lambda Web Adapter does (PORT / AWS_LWA_PORT, readiness on /api/health), with Lambda's
 * environment (AWS_LAMBDA_FUNCTION_NAME, AWS_LAMBDA_FUNCTION_MEMORY_SIZE = infra's memorySize,
 * LAMBDA_TASK_ROOT, ...), the code directory read-only and only /tmp writable (as an unprivileged user, so
 * read-only is real even for root's test run). A launch through it succeeds and its log shows no failed write.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, cpSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CognitoIdentityProviderClient, InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { preparePortalBundle } from '@/infra/bundle';
import { buildTestConfig } from '@/infra/testing/fixtures';
import { findFreePort, startStandIns, type StandInsHandle } from '@/local/stack';
import { assertBuilt, distDir } from '../support/portal-stack';

const ROOT = path.resolve(__dirname, '../..');
const asRoot = process.getuid?.() === 0;
/** Lambda runs the code as an unprivileged user; so do we, when we can (root: setpriv to nobody). */
const USER = asRoot ? ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups', '--'] : [];
const memoryMb = buildTestConfig().portal.memoryMb;

let standIns: StandInsHandle;
let taskRoot: string;
let server: ChildProcess;
let port: number;
let log = '';

function runAs(cmd: string): { status: number | null; stderr: string } {
  const [bin, ...args] = [...USER, 'sh', '-c', cmd];
  const r = spawnSync(bin, args, { encoding: 'utf8' });
  return { status: r.status, stderr: r.stderr };
}

beforeAll(async () => {
  assertBuilt();
  standIns = await startStandIns();
  // The deployed bundle: built from the real build, then made read-only like Lambda's /var/task.
  const base = mkdtempSync(path.join(tmpdir(), 'lambda-'));
  chmodSync(base, 0o755);
  taskRoot = preparePortalBundle({ projectDir: ROOT, distDir: distDir(), outDir: path.join(base, 'task') });
  spawnSync('chmod', ['-R', 'a-w,a+rX', taskRoot]);
  // The project's Node.js (the Lambda runtime's major), readable by the unprivileged user.
  const nodeDir = path.join(base, 'runtime');
  cpSync(path.dirname(process.execPath), nodeDir, { recursive: true });
  spawnSync('chmod', ['-R', 'a+rX', nodeDir]);

  port = process.env.LWA_TEST_PORT ? Number(process.env.LWA_TEST_PORT) : await findFreePort();
  const env: Record<string, string> = {
    PATH: `${nodeDir}:/usr/bin:/bin`,
    LANG: 'C.UTF-8',
    TZ: ':UTC',
    // What Lambda sets.
    AWS_LAMBDA_FUNCTION_NAME: 'studio-portal-server',
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(memoryMb),
    AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/studio-portal-server',
    AWS_LAMBDA_LOG_STREAM_NAME: '2026/12/01/[$LATEST]0123456789abcdef',
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
    LAMBDA_TASK_ROOT: taskRoot,
    LAMBDA_RUNTIME_DIR: '/var/runtime',
    // What infra/portal.ts sets for the Web Adapter (8080 there; a free port here, since 8080 may be taken).
    AWS_LAMBDA_EXEC_WRAPPER: '/opt/bootstrap',
    AWS_LWA_PORT: String(port),
    PORT: String(port),
    AWS_LWA_READINESS_CHECK_PATH: '/api/health',
    // The portal's configuration, pointing at the stand-ins.
    ...standIns.portalEnv,
    AUTH_MODE: 'password',
    NEXTAUTH_URL: `http://localhost:${port}`,
    LOG_LEVEL: 'info',
  };
  // The Web Adapter's bootstrap runs the handler: exec "$LAMBDA_TASK_ROOT/$_HANDLER" (run.sh).
  const [bin, ...args] = [...USER, path.join(taskRoot, 'run.sh')];
  server = spawn(bin, args, { cwd: '/', env: env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  server.stdout!.on('data', (d: Buffer) => (log += d.toString()));
  server.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  // Readiness as the adapter checks it: GET the readiness path until it answers 2xx.
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`run.sh exited (${server.exitCode}):\n${log}`);
    const ok = await fetch(`http://127.0.0.1:${port}/api/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`not ready on ${port}:\n${log}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}, 120_000);

afterAll(async () => {
  if (server && server.exitCode === null) {
    await new Promise((resolve) => {
      server.once('exit', resolve);
      server.kill('SIGTERM');
    });
  }
  await standIns?.stop();
});

describe('the Lambda bundle, run as Lambda runs it', () => {
  it('listens on PORT from the environment, with the heap sized from the function memory', () => {
    // run.sh exec'd node in place (same PID), in the code directory, with the heap limit in NODE_OPTIONS.
    const environ = readFileSync(`/proc/${server.pid}/environ`, 'utf8').split('\0');
    expect(environ).toContain(`NODE_OPTIONS=--max-old-space-size=${(memoryMb * 3) / 4}`);
    expect(environ).toContain(`PORT=${port}`);
    expect(readFileSync(`/proc/${server.pid}/comm`, 'utf8')).not.toMatch(/^(sh|setpriv)\n/);
    expect(readFileSync(`/proc/${server.pid}/cwd/run.sh`, 'utf8')).toContain('exec node server.js');
  });

  it.skipIf(!asRoot)('cannot write its code directory, only /tmp (as the unprivileged user it runs as)', () => {
    expect(readFileSync(`/proc/${server.pid}/status`, 'utf8')).toMatch(/^Uid:\s+65534\s/m);
    const denied = runAs(`touch ${taskRoot}/probe && echo wrote`);
    expect(denied.status).not.toBe(0);
    expect(denied.stderr).toMatch(/Permission denied/);
    expect(runAs(`touch ${taskRoot}/.next/probe`).status).not.toBe(0);
    expect(runAs('p=$(mktemp /tmp/lambda-probe.XXXXXX) && rm "$p"').status).toBe(0);
  });

  it('launches: a bearer token gets a 302 to the Studio URL', async () => {
    const cognito = new CognitoIdentityProviderClient({
      endpoint: standIns.urls.cognito,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const auth = await cognito.send(
      new InitiateAuthCommand({
        ClientId: 'portal-cli',
        AuthFlow: 'USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: 'user-lob-a', PASSWORD: 'UserLobA1!' },
      }),
    );
    const res = await fetch(`http://127.0.0.1:${port}/api/studio/user-lob-a`, {
      headers: { authorization: `Bearer ${auth.AuthenticationResult!.AccessToken}` },
      redirect: 'manual',
    });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toMatch(/^http:\/\/d-loba1example\.studio\.us-east-1\.[^/]+\/auth\?token=/);
    // Pages render too (the sign-in page: server components, the static chunks from the bundle).
    const page = await fetch(`http://127.0.0.1:${port}/signin`, { redirect: 'manual' });
    expect(page.status).toBeLessThan(500);
    const chunk = /\/_next\/static\/[^"]+\.js/.exec(await page.text())?.[0];
    if (chunk) expect((await fetch(`http://127.0.0.1:${port}${chunk}`)).status).toBe(200);
  });

  it('logs no failed write', () => {
    expect(log).not.toMatch(
      /EACCES|EROFS|EPERM|read-only file system|permission denied|failed to write|ENOENT.*mkdir/i,
    );
    expect(readdirSync(taskRoot)).not.toContain('probe');
  });
});
