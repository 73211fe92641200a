/**
 * The portal as the bench runs it: `next start` of the production build (or the standalone
 * server.js that ships to Lambda), on a free port, logging to a file, optionally under the V8 CPU
 * profiler. Stopped by its PID.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { findFreePort } from '../../local/stack';
import { spawnNode, waitFor, ROOT, type BenchChild } from './processes';

export type PortalServer = 'next start' | 'standalone server.js';

export interface BenchPortal {
  url: string;
  pid: number;
  proc: BenchChild;
  logFile: string;
  stop(): Promise<void>;
}

export interface BenchPortalOptions {
  distDir: string;
  portalEnv: Record<string, string>;
  server?: PortalServer;
  logLevel?: string;
  /** Write a .cpuprofile into this directory when the portal exits. */
  profileDir?: string;
  /** Do not wait for readiness (start-up timing polls by itself). */
  noWait?: boolean;
}

export const RESULTS_DIR = path.join(ROOT, 'bench', 'results');

export function portalArgs(server: PortalServer, distDir: string, port: number): string[] {
  return server === 'next start'
    ? [path.join(ROOT, 'node_modules', 'next', 'dist', 'bin', 'next'), 'start', '-p', String(port)]
    : [path.join(ROOT, distDir, 'standalone', 'server.js')];
}

export async function startBenchPortal(opts: BenchPortalOptions): Promise<BenchPortal & { startedAt: number }> {
  const server = opts.server ?? 'next start';
  const port = await findFreePort();
  mkdirSync(RESULTS_DIR, { recursive: true });
  const logFile = path.join(RESULTS_DIR, `portal-${server === 'next start' ? 'next' : 'standalone'}-${port}.log`);
  const env = {
    ...process.env,
    ...opts.portalEnv,
    NEXTAUTH_SECRET: opts.portalEnv.NEXTAUTH_SECRET ?? randomBytes(32).toString('base64url'),
    PORT: String(port),
    HOSTNAME: '127.0.0.1',
    NEXTAUTH_URL: `http://localhost:${port}`,
    AUTH_MODE: 'password',
    NEXT_DIST_DIR: opts.distDir,
    LOG_LEVEL: opts.logLevel ?? 'info',
    NODE_ENV: 'production',
    NEXT_TELEMETRY_DISABLED: '1',
  };
  const nodeOptions = opts.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${opts.profileDir}`] : [];
  const startedAt = performance.now();
  const proc = spawnNode(portalArgs(server, opts.distDir, port), env, { logFile, nodeOptions });
  const url = `http://127.0.0.1:${port}`;
  const portal = { url, pid: proc.pid, proc, logFile, stop: proc.stop, startedAt };
  if (!opts.noWait) {
    try {
      await waitFor(proc, async () => (await fetch(`${url}/api/health`)).ok, 60_000, 50);
    } catch (error) {
      await proc.stop();
      throw error;
    }
  }
  return portal;
}
