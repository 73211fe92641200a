/**
 * Start-up: wall time from spawning the portal's server to its first successful launch (302 of the
 * API with a valid token, stand-ins at zero latency), for `next start` and for the standalone
 * server.js that ships to Lambda; and the size of that standalone bundle.
 */
import path from 'node:path';
import { directorySize } from './lib/build';
import { ProbeFailedError, waitFor, ROOT } from './lib/processes';
import { startBenchPortal, type PortalServer } from './lib/portal';
import { timedGet } from './lib/http-client';

export type StartMode = PortalServer;

export interface StartupSample {
  mode: StartMode;
  /** Spawn -> first HTTP answer of any kind. */
  listeningMs: number;
  /** Spawn -> first 302 of GET /api/studio/{user}. */
  firstLaunchMs: number;
}

export interface StartupResult {
  samples: StartupSample[];
  medianFirstLaunchMs: Record<StartMode, number>;
  bundle: {
    standaloneBytes: number;
    staticBytes: number;
    totalBytes: number;
    files: number;
    totalMiB: number;
    nodeModulesBytes: number;
  };
  target: { firstLaunchMs: number };
  pass: boolean;
}

export interface StartupOptions {
  distDir: string;
  portalEnv: Record<string, string>;
  token: string;
  user: string;
  repeats: number;
  log: (message: string) => void;
}

async function measureOnce(mode: StartMode, opts: StartupOptions): Promise<StartupSample> {
  const portal = await startBenchPortal({
    distDir: opts.distDir,
    portalEnv: opts.portalEnv,
    server: mode,
    logLevel: 'warn',
    noWait: true,
  });
  let listeningMs = 0;
  try {
    await waitFor(
      portal.proc,
      async () => {
        const res = await timedGet(`${portal.url}/api/studio/${opts.user}`, { authorization: `Bearer ${opts.token}` });
        if (!listeningMs) listeningMs = performance.now() - portal.startedAt;
        if (res.status === 302) return true;
        if (res.status !== 404 && res.status !== 503)
          throw new ProbeFailedError(`unexpected HTTP ${res.status}: ${res.body}`);
        return false;
      },
      30_000,
      5,
    );
    return {
      mode,
      listeningMs: Math.round(listeningMs),
      firstLaunchMs: Math.round(performance.now() - portal.startedAt),
    };
  } finally {
    await portal.stop();
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

export async function runStartup(opts: StartupOptions): Promise<StartupResult> {
  const samples: StartupSample[] = [];
  for (const mode of ['next start', 'standalone server.js'] as StartMode[]) {
    for (let i = 0; i < opts.repeats; i++) {
      const sample = await measureOnce(mode, opts);
      opts.log(
        `startup: ${mode}: listening after ${sample.listeningMs} ms, first launch after ${sample.firstLaunchMs} ms`,
      );
      samples.push(sample);
    }
  }
  const medianFirstLaunchMs = {
    'next start': median(samples.filter((s) => s.mode === 'next start').map((s) => s.firstLaunchMs)),
    'standalone server.js': median(
      samples.filter((s) => s.mode === 'standalone server.js').map((s) => s.firstLaunchMs),
    ),
  };
  const standalone = directorySize(path.join(ROOT, opts.distDir, 'standalone'));
  const statics = directorySize(path.join(ROOT, opts.distDir, 'static'));
  const nodeModules = directorySize(path.join(ROOT, opts.distDir, 'standalone', 'node_modules'));
  const totalBytes = standalone.bytes + statics.bytes;
  const target = { firstLaunchMs: 1500 };
  return {
    samples,
    medianFirstLaunchMs,
    bundle: {
      standaloneBytes: standalone.bytes,
      staticBytes: statics.bytes,
      totalBytes,
      files: standalone.files + statics.files,
      totalMiB: Math.round((totalBytes / 1024 / 1024) * 10) / 10,
      nodeModulesBytes: nodeModules.bytes,
    },
    target,
    pass: medianFirstLaunchMs['standalone server.js'] <= target.firstLaunchMs,
  };
}
