/**
 * The simulated corporate network (see topology.sh and docs/e2e.md): names, addresses, and helpers
 * that run things INSIDE a namespace. The test process lives in the root namespace, which must never
 * contact a namespace address (the range is blackholed there), so every request to a server goes
 * through `ip netns exec <ns> ...`: a browser, or ns-fetch.mjs.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';

export const NETNS_DIR = __dirname;
export const REPO_ROOT = path.resolve(__dirname, '../..');
export const TOPOLOGY_SCRIPT = path.join(NETNS_DIR, 'topology.sh');
export const NS_FETCH_SCRIPT = path.join(NETNS_DIR, 'ns-fetch.mjs');
export const OUTPUT_DIR = path.join(REPO_ROOT, 'test-results', 'netns');
export const LOG_DIR = path.join(OUTPUT_DIR, 'logs');

export type Namespace = 'onprem' | 'shared' | 'internet' | 'tgw';

export const ADDR = {
  onprem: '10.213.1.10',
  /** portal, IdP, AWS API stand-ins */
  shared: '10.213.2.10',
  /** the central Studio VPC endpoint */
  studioVpce: '10.213.2.20',
  /** where Studio hosts resolve outside the corporate network */
  studioPublic: '10.213.3.20',
  internet: '10.213.3.10',
} as const;

export const REGION = 'us-east-1';
export const STUDIO_DOMAIN_SUFFIX = 'sagemaker.aws';
export const STUDIO_HOST_PATTERN = `*.studio.${REGION}.${STUDIO_DOMAIN_SUFFIX}`;

/** Browser-side names; corporate DNS is played by --host-resolver-rules. */
export const HOSTS = {
  /** the portal in hosted-ui mode */
  portalHostedUi: 'portal.corp.example',
  /** the portal in password mode (own host so the two portals' cookies stay apart) */
  portalPassword: 'portal-pw.corp.example',
} as const;

export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

export const NEEDS_ROOT_MESSAGE =
  'netns e2e needs root (Linux network namespaces): run as root, e.g. `sudo npx playwright test -c e2e/netns/playwright.config.ts`; CI runs it as root';

/** Chromium's resolver rules for a browser in `ns`: what corporate DNS (or the public DNS) answers. */
export function hostResolverRules(ns: 'onprem' | 'internet'): string {
  const studio = ns === 'onprem' ? ADDR.studioVpce : ADDR.studioPublic;
  return [
    `MAP ${STUDIO_HOST_PATTERN} ${studio}`,
    `MAP ${HOSTS.portalHostedUi} ${ADDR.shared}`,
    `MAP ${HOSTS.portalPassword} ${ADDR.shared}`,
    // Nothing else resolves: no stray lookups to a resolver that is not there.
    'MAP * ~NOTFOUND',
    'EXCLUDE localhost',
    // IP literals are "resolved" through the rules too: leave the range's addresses alone.
    'EXCLUDE 10.213.*',
  ].join(', ');
}

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command inside a namespace and collects its output (never throws on a non-zero exit). */
export function execInNamespace(ns: Namespace, cmd: string, args: string[], timeoutMs = 30_000): Promise<ExecResult> {
  return new Promise((resolve) => {
    execFile(
      'ip',
      ['netns', 'exec', ns, cmd, ...args],
      { timeout: timeoutMs, maxBuffer: 8 * 1024 * 1024 },
      (err, stdout, stderr) => {
        // For a non-zero exit execFile's error carries the exit code as a number.
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
  });
}

export interface NsFetchRequest {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** keep retrying until a response with this status arrives (health checks) */
  waitForStatus?: number;
  waitMs?: number;
  timeoutMs?: number;
}

export interface NsFetchResponse {
  ok: boolean;
  status: number;
  headers: Record<string, string>;
  body: string;
  /** set when no HTTP response arrived at all (refused, unreachable, timed out) */
  error?: string;
}

/**
 * An HTTP request made from inside `ns` (node's fetch, redirects not followed). Used for the API checks
 * and health checks, which must not be made from the root namespace.
 */
export async function fetchInNamespace(ns: Namespace, request: NsFetchRequest): Promise<NsFetchResponse> {
  const wall = (request.waitMs ?? 0) + (request.timeoutMs ?? 5_000) + 10_000;
  const r = await execInNamespace(ns, process.execPath, [NS_FETCH_SCRIPT, JSON.stringify(request)], wall);
  try {
    return JSON.parse(r.stdout) as NsFetchResponse;
  } catch {
    throw new Error(`ns-fetch in ${ns} failed (exit ${r.code}): ${r.stderr.trim() || r.stdout.trim()}`);
  }
}

export interface NamespaceProcess {
  name: string;
  child: ChildProcess;
  logFile: string;
  /** Resolves with the first stdout line matching `pattern`; rejects if the process exits first. */
  waitForLine(pattern: RegExp, timeoutMs: number): Promise<string>;
  stop(): Promise<void>;
}

/**
 * Starts a long-running server inside a namespace. `ip netns exec` execs the command, so the child's
 * PID is the server's own: we stop it by that PID and nothing else.
 */
export function spawnInNamespace(
  ns: Namespace,
  name: string,
  cmd: string,
  args: string[],
  env: Record<string, string | undefined>,
): NamespaceProcess {
  mkdirSync(LOG_DIR, { recursive: true });
  const logFile = path.join(LOG_DIR, `${name}.log`);
  const log = createWriteStream(logFile, { flags: 'w' });
  // A log is a diagnostic: losing it (another Playwright run cleaning test-results/) must not crash the run.
  log.on('error', (err) => console.warn(`[netns] log ${logFile}: ${err.message}`));
  const child = spawn('ip', ['netns', 'exec', ns, cmd, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env } as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  let partial = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    const text = partial + chunk.toString('utf8');
    const parts = text.split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
    for (const wake of waiters) wake();
  });
  return {
    name,
    child,
    logFile,
    waitForLine(pattern, timeoutMs) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const hit = lines.find((l) => pattern.test(l));
          if (hit !== undefined) return done(() => resolve(hit));
          if (child.exitCode !== null || child.signalCode !== null) {
            return done(() =>
              reject(
                new Error(
                  `${name} exited (${child.exitCode ?? child.signalCode}) before printing ${pattern}; see ${logFile}`,
                ),
              ),
            );
          }
        };
        const timer = setTimeout(
          () =>
            done(() => reject(new Error(`${name} did not print ${pattern} within ${timeoutMs} ms; see ${logFile}`))),
          timeoutMs,
        );
        const done = (settle: () => void) => {
          clearTimeout(timer);
          waiters.delete(check);
          child.off('exit', check);
          settle();
        };
        waiters.add(check);
        child.on('exit', check);
        check();
      });
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
      await exited;
      clearTimeout(timer);
      log.end();
    },
  };
}

/** Waits until `url` answers `status` from inside `ns`, failing early if the server process died. */
export async function waitForHttpInNamespace(
  ns: Namespace,
  url: string,
  opts: { status?: number; timeoutMs?: number; process?: NamespaceProcess } = {},
): Promise<void> {
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  const expected = opts.status ?? 200;
  let last = '';
  while (Date.now() < deadline) {
    const p = opts.process;
    if (p && (p.child.exitCode !== null || p.child.signalCode !== null)) {
      throw new Error(
        `${p.name} exited (${p.child.exitCode ?? p.child.signalCode}) before ${url} was ready; see ${p.logFile}`,
      );
    }
    // One ns-fetch run retries for a while itself: fewer process spawns on a busy machine.
    const r = await fetchInNamespace(ns, {
      url,
      waitForStatus: expected,
      waitMs: Math.min(10_000, deadline - Date.now()),
      timeoutMs: 2_000,
    });
    if (r.status === expected) return;
    last = r.error ?? `HTTP ${r.status}`;
  }
  throw new Error(`${url} not ready from ${ns} within ${opts.timeoutMs ?? 60_000} ms (last: ${last})`);
}
