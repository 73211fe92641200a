/**
 * Starts the local stack as child processes for tests, benchmarks and `npm run local`:
 * the stand-ins process (local/start.ts) and the portal (next start | dev). Each child is stopped by
 * its PID (SIGTERM, then SIGKILL) and exits by itself when the spawning process dies.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { signalGroup, stopGroup } from './process-group.mjs';
import type { StandInsUrls } from './stand-ins';
import type { CloudTrailEvent } from './aws/state';
import type { CallRecord } from './knobs';
import { findFreePort } from './free-port';

export type { StandInsUrls };

// Works whether tsx loads this file as CommonJS (no "type": "module") or as ESM (vitest).
const HERE = typeof __dirname !== 'undefined' ? __dirname : path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..');
const EXIT_WITH_PARENT = pathToFileURL(path.join(ROOT, 'local', 'exit-with-parent.mjs')).href;
const STOP_GRACE_MS = 5000;

export interface StandInsHandle {
  urls: StandInsUrls;
  /** Every portal variable of docs/contracts.md for these stand-ins, except NEXTAUTH_URL and AUTH_MODE. */
  portalEnv: Record<string, string>;
  pid: number;
  /** Recent output of the process, for diagnostics. */
  output(): string;
  stop(): Promise<void>;
}

export interface StartStandInsOptions {
  /** Ports to bind; default free ports (0). Use the contract defaults only for `npm run local`. */
  ports?: Partial<{ dynamodb: number; cognito: number; aws: number }>;
  bindHost?: string;
  /** Extra environment for the stand-ins process (LOCAL_*, STUDIO_*, COGNITO_PUBLIC_URL, …). */
  env?: Record<string, string>;
  /** Echo the process's output to this process's stderr (default: only when LOCAL_STACK_VERBOSE=1). */
  verbose?: boolean;
  /** Print the banner (services and demo users) into the output. */
  banner?: boolean;
  timeoutMs?: number;
}

export class StackStartError extends Error {
  readonly code = 'stack.start_failed';
}

const children = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Last resort for a parent that exits without calling stop(): kill what we started, by PID.
  process.on('exit', () => {
    for (const child of children) signalGroup(child, 'SIGKILL');
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  await stopGroup(child, STOP_GRACE_MS);
  children.delete(child);
}

function spawnTracked(args: string[], env: Record<string, string | undefined>): ChildProcess {
  installExitHook();
  const child = spawn(process.execPath, ['--import', EXIT_WITH_PARENT, ...args], {
    cwd: ROOT,
    env: env as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    detached: true,
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  // The IPC channel is only there so the child notices our death; it must not keep us alive.
  child.channel?.unref();
  child.unref();
  return child;
}

/** The child's stdout and stderr as text: the last 200 chunks, or everything with `keepAll` (log assertions). */
function collectOutput(child: ChildProcess, verbose: boolean, prefix: string, keepAll = false): () => string {
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    if (verbose) process.stderr.write(text.replace(/^(?=.)/gm, prefix));
    lines.push(text);
    if (!keepAll && lines.length > 200) lines.splice(0, lines.length - 200);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  (child.stdout as unknown as { unref?: () => void })?.unref?.();
  (child.stderr as unknown as { unref?: () => void })?.unref?.();
  return () => lines.join('');
}

// In its own module so that Playwright specs (CommonJS: no import.meta) can import it too.
export { findFreePort };

export async function startStandIns(opts: StartStandInsOptions = {}): Promise<StandInsHandle> {
  const verbose = opts.verbose ?? process.env.LOCAL_STACK_VERBOSE === '1';
  const env: Record<string, string | undefined> = {
    ...process.env,
    LOCAL_DYNAMODB_PORT: String(opts.ports?.dynamodb ?? 0),
    LOCAL_COGNITO_PORT: String(opts.ports?.cognito ?? 0),
    LOCAL_AWS_PORT: String(opts.ports?.aws ?? 0),
    LOCAL_BIND_HOST: opts.bindHost ?? '127.0.0.1',
    LOCAL_QUIET: opts.banner ? 'false' : 'true',
    ...opts.env,
  };
  const child = spawnTracked(['--import', 'tsx', path.join(ROOT, 'local', 'start.ts')], env);
  const output = collectOutput(child, verbose, '[stand-ins] ');

  const ready = await new Promise<{ urls: StandInsUrls; portalEnv: Record<string, string> }>((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(
      () => fail(new StackStartError(`stand-ins did not report READY within ${opts.timeoutMs ?? 30_000} ms`)),
      opts.timeoutMs ?? 30_000,
    );
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      const line = buffer.split('\n').find((l) => l.startsWith('READY '));
      if (line) {
        cleanup();
        resolve(JSON.parse(line.slice('READY '.length)));
      }
    };
    const onExit = (code: number | null, signal: string | null) =>
      fail(new StackStartError(`stand-ins exited before READY (code ${code}, signal ${signal}):\n${output()}`));
    const cleanup = () => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
    };
    const fail = (error: Error) => {
      cleanup();
      void stopChild(child).finally(() => reject(error));
    };
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
  });

  return {
    urls: ready.urls,
    portalEnv: { ...ready.portalEnv, NEXTAUTH_SECRET: randomBytes(32).toString('base64url') },
    pid: child.pid!,
    output,
    stop: () => stopChild(child),
  };
}

export interface StartPortalOptions {
  /** The portal's environment (usually startStandIns().portalEnv plus overrides). */
  env: Record<string, string>;
  port?: number;
  mode?: 'password' | 'hosted-ui';
  /** NEXT_DIST_DIR of a build to serve (next start) or to build into (next dev). */
  distDir?: string;
  dev?: boolean;
  verbose?: boolean;
  /** Host used in NEXTAUTH_URL (default localhost). */
  publicHost?: string;
  /** Keep all of the portal's output from its first byte (default: the last 200 chunks). */
  captureAllOutput?: boolean;
  timeoutMs?: number;
}

export interface PortalHandle {
  url: string;
  pid: number;
  output(): string;
  /** False once the process has exited. */
  alive(): boolean;
  stop(): Promise<void>;
}

export async function startPortal(opts: StartPortalOptions): Promise<PortalHandle> {
  const port = opts.port ?? (await findFreePort());
  const url = `http://${opts.publicHost ?? 'localhost'}:${port}`;
  const verbose = opts.verbose ?? process.env.LOCAL_STACK_VERBOSE === '1';
  const env: Record<string, string | undefined> = {
    ...process.env,
    ...opts.env,
    PORT: String(port),
    NEXTAUTH_URL: url,
    AUTH_MODE: opts.mode ?? opts.env.AUTH_MODE ?? 'password',
    ...(opts.distDir ? { NEXT_DIST_DIR: opts.distDir } : {}),
  };
  const next = path.join(ROOT, 'node_modules', 'next', 'dist', 'bin', 'next');
  const child = spawnTracked([next, opts.dev ? 'dev' : 'start', '-p', String(port)], env);
  const output = collectOutput(child, verbose, '[portal] ', opts.captureAllOutput);
  const stop = () => stopChild(child);
  const alive = () => child.exitCode === null && child.signalCode === null;
  const handle: PortalHandle = { url, pid: child.pid!, output, alive, stop };

  const deadline = Date.now() + (opts.timeoutMs ?? (opts.dev ? 180_000 : 60_000));
  const probe = `http://127.0.0.1:${port}`;
  while (Date.now() < deadline) {
    if (!alive()) {
      throw new StackStartError(`portal exited before it answered (code ${child.exitCode}):\n${output()}`);
    }
    try {
      const health = await fetch(`${probe}/api/health`, { redirect: 'manual', signal: AbortSignal.timeout(30_000) });
      if (health.ok) return handle;
      if (health.status === 404) {
        const root = await fetch(`${probe}/`, { redirect: 'manual', signal: AbortSignal.timeout(30_000) });
        if (root.status < 500) return handle;
      }
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await stop();
  throw new StackStartError(`portal did not answer on ${url} within the timeout:\n${output()}`);
}

export class ControlError extends Error {
  readonly code = 'control.failed';
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** Helpers for the control API of a running stand-ins process. */
export function control(baseUrl: string) {
  const base = baseUrl.replace(/\/$/, '').replace(/\/_local$/, '') + '/_local';
  const call = async <T>(method: string, route: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${base}${route}`, {
      method,
      headers: body === undefined ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) {
      let message = text;
      try {
        message = (JSON.parse(text) as { message?: string }).message ?? text;
      } catch {
        // not JSON: keep the raw text
      }
      throw new ControlError(`control ${method} ${route} failed (${res.status}): ${message}`, res.status);
    }
    return (text ? JSON.parse(text) : {}) as T;
  };
  return {
    getCounters: () => call<Record<string, number>>('GET', '/counters'),
    resetCounters: () => call<Record<string, never>>('POST', '/counters/reset'),
    setLatency: (latency: Partial<Record<'dynamodb' | 'sts' | 'sagemaker' | 'cognito' | 'studio', number>>) =>
      call<Record<string, number>>('POST', '/latency', latency),
    setFault: (fault: { service: string; operation?: string; error: string; rate?: number; count?: number }) =>
      call<Record<string, unknown>>('POST', '/faults', fault),
    clearFaults: () => call<Record<string, never>>('DELETE', '/faults'),
    rotateKeys: (opts: { retireOld?: boolean } = {}) => call<{ kid: string }>('POST', '/cognito/rotate-keys', opts),
    bulkUsers: (users: Array<{ username: string; password: string; groups?: string[]; email?: string }>) =>
      call<{ created: number; total: number }>('POST', '/cognito/users:bulk', { users }),
    listProfiles: (domainId: string) => call<string[]>('GET', `/sagemaker/domains/${domainId}/profiles`),
    setDomain: (domainId: string, update: { status?: string; appNetworkAccessType?: string }) =>
      call<Record<string, string>>('POST', `/sagemaker/domains/${domainId}`, update),
    createProfiles: (domainId: string, names: string[]) =>
      call<{ created: number; total: number }>('POST', `/sagemaker/domains/${domainId}/profiles`, { names }),
    setProfileStatus: (domainId: string, name: string, status: string) =>
      call<{ status: string }>('POST', `/sagemaker/domains/${domainId}/profiles/${name}`, { status }),
    setProfileCreationDelay: (ms: number) =>
      call<{ profileCreationDelayMs: number }>('POST', '/sagemaker/settings', { profileCreationDelayMs: ms }),
    cloudTrail: (
      filter: { account?: string; eventName?: string; eventSource?: string; sourceIdentity?: string } = {},
    ) => {
      const query = new URLSearchParams(
        Object.entries(filter).filter((e): e is [string, string] => e[1] !== undefined),
      );
      return call<{ Records: CloudTrailEvent[] }>('GET', `/cloudtrail${query.size ? `?${query}` : ''}`).then(
        (r) => r.Records,
      );
    },
    clearCloudTrail: () => call<Record<string, never>>('DELETE', '/cloudtrail'),
    /** Moves the Studio stand-in's clock (session expiry, app deletion) this many seconds ahead of real time. */
    setStudioClock: (offsetSeconds: number) =>
      call<{ offsetSeconds: number }>('POST', '/studio/clock', { offsetSeconds }),
    createApps: (
      domainId: string,
      apps: Array<{
        userProfile: string;
        appType?: 'JupyterLab' | 'CodeEditor';
        spaceName?: string;
        instanceType?: string;
        runningSeconds?: number;
      }>,
    ) => call<{ created: number; total: number }>('POST', `/sagemaker/domains/${domainId}/apps`, { apps }),
    snsMessages: () =>
      call<{ messages: Array<Record<string, unknown>> }>('GET', '/sns/messages').then((r) => r.messages),
    getCalls: () => call<CallRecord[]>('GET', '/calls'),
    health: () => call<{ ok: boolean; services: Record<string, boolean> }>('GET', '/health'),
  };
}
