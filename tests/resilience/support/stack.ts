/**
 * A stack per resilience suite: the stand-ins in this process (so tests can sign tokens with the
 * Cognito stand-in's keys) and the portal (`next start` of the build in NEXT_DIST_DIR) as a child
 * process whose stdout and stderr are captured in full, from its first byte, for the log assertions.
 * Free ports only; the portal is stopped by its PID.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { configFromEnv, startStandInsInProcess, type RunningStandIns } from '../../../local/stand-ins';
import { control, findFreePort } from '../../../local/stack';
import { assertBuilt, distDir, ROOT } from '../../support/portal-stack';
import { SecretLedger } from './secrets';

export type Control = ReturnType<typeof control>;

export interface CapturedPortal {
  url: string;
  pid: number;
  /** Everything the portal printed so far (stdout and stderr, unbounded). */
  output(): string;
  alive(): boolean;
  stop(): Promise<void>;
}

export interface ResilienceStack {
  standIns: RunningStandIns;
  portal: CapturedPortal;
  url: string;
  env: Record<string, string>;
  control: Control;
  /** Secrets this suite saw; asserted absent from the portal's output at the end. */
  secrets: SecretLedger;
  stop(): Promise<void>;
}

async function spawnPortal(env: Record<string, string>): Promise<CapturedPortal> {
  const port = await findFreePort();
  const url = `http://localhost:${port}`;
  const exitWithParent = pathToFileURL(path.join(ROOT, 'local', 'exit-with-parent.mjs')).href;
  const next = path.join(ROOT, 'node_modules', 'next', 'dist', 'bin', 'next');
  const child: ChildProcess = spawn(process.execPath, ['--import', exitWithParent, next, 'start', '-p', String(port)], {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: String(port), NEXTAUTH_URL: url, NEXT_DIST_DIR: distDir() },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    detached: true,
  });
  child.channel?.unref();
  const chunks: string[] = [];
  child.stdout!.on('data', (c: Buffer) => chunks.push(c.toString('utf8')));
  child.stderr!.on('data', (c: Buffer) => chunks.push(c.toString('utf8')));
  const alive = () => child.exitCode === null && child.signalCode === null;
  const stop = async () => {
    if (!alive()) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const kill = (signal: NodeJS.Signals) => {
      try {
        process.kill(-child.pid!, signal);
      } catch {
        // already gone
      }
    };
    kill('SIGTERM');
    const timer = setTimeout(() => kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  const portal: CapturedPortal = { url, pid: child.pid!, output: () => chunks.join(''), alive, stop };
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (!alive()) throw new Error(`portal exited before it answered:\n${portal.output()}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/api/health`);
      if (res.ok) return portal;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stop();
  throw new Error(`portal did not answer within 60 s:\n${portal.output()}`);
}

export async function startResilienceStack(opts: { portalEnv?: Record<string, string> } = {}): Promise<ResilienceStack> {
  assertBuilt();
  const standIns = await startStandInsInProcess(configFromEnv({ LOCAL_DYNAMODB_PORT: '0', LOCAL_COGNITO_PORT: '0', LOCAL_AWS_PORT: '0' }));
  try {
    const secrets = new SecretLedger();
    const env: Record<string, string> = {
      ...standIns.portalEnv,
      NEXTAUTH_SECRET: randomBytes(32).toString('base64url'),
      AUTH_MODE: 'password',
      // Everything the portal can log, so the log assertions see the most.
      LOG_LEVEL: 'debug',
      ...opts.portalEnv,
    };
    secrets.add('NEXTAUTH_SECRET', env.NEXTAUTH_SECRET);
    secrets.add('COGNITO_CLIENT_SECRET', env.COGNITO_CLIENT_SECRET);
    secrets.add('AWS_SECRET_ACCESS_KEY', env.AWS_SECRET_ACCESS_KEY);
    const portal = await spawnPortal(env);
    return {
      standIns,
      portal,
      url: portal.url,
      env,
      control: control(standIns.urls.control),
      secrets,
      stop: async () => {
        await portal.stop();
        await standIns.stop();
      },
    };
  } catch (error) {
    await standIns.stop();
    throw error;
  }
}
