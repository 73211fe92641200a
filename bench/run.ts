/**
 * `npm run bench`: launch latency and AWS round trips (portal vs the reference solution's flow),
 * throughput, start-up and bundle size; `--soak` adds the two-minute soak, `--admin` the admin
 * console benchmarks. Prints tables and writes JSON to bench/results/ (gitignored).
 *
 *   npm run bench                      latency + throughput + start-up
 *   npm run bench -- --soak            ... + soak at 80 % of the measured maximum (2 min)
 *   npm run bench -- --only latency    just one section (latency, throughput, startup, soak, admin)
 *   options: --samples 200 --warmup 20 --count 50 --seconds 8 --connections 8,16,32,64
 *            --soak-seconds 120 --rate N --dist-dir .next-bench --no-build --admin --repeats 3
 *            --profile (run the portal under the V8 CPU profiler and print where its CPU went)
 *            --portals 2 (also spread the best throughput run over 2 portal processes)
 *            --server standalone (serve the portal with <distDir>/standalone/server.js, as deployed,
 *            instead of `next start`)
 * See docs/performance.md.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { control, startStandIns, type StandInsHandle } from '../local/stack';
import { ensureBuild, type BuildState } from './lib/build';
import { spawnNode, waitFor, ROOT, type BenchChild } from './lib/processes';
import { RESULTS_DIR, startBenchPortal, type BenchPortal, type PortalServer } from './lib/portal';
import { summarizeProfile, type ProfileSummary } from './lib/cpu-profile';
import { fetchAccessToken } from './lib/tokens';
import { runLatency, type LatencyResult } from './latency';
import { runThroughput, type ThroughputResult } from './throughput';
import { runStartup, type StartupResult } from './startup';
import { runSoak, type SoakResult } from './soak';
import { runSessionCache, type SessionCacheResult } from './session-cache';
import { createDocumentClient } from '../lib/aws/clients';
import { seedUserMappings } from '../lib/directory/users';
import { subForUsername } from '../local/cognito/user-store';
import {
  formatAdmin,
  formatLatency,
  formatProfile,
  formatSessions,
  formatSoak,
  formatStartup,
  formatThroughput,
} from './report';
import { fieldOfFlag } from './lib/flags';

const SECTIONS = ['latency', 'throughput', 'startup', 'soak', 'admin', 'sessions'] as const;
type Section = (typeof SECTIONS)[number];

interface Args {
  sections: Set<Section>;
  firstUsers: number;
  samples: number;
  warmup: number;
  count: number;
  seconds: number;
  connections: number[];
  soakSeconds: number;
  rate?: number;
  distDir: string;
  build: boolean;
  repeats: number;
  profile: boolean;
  portals: number;
  server: PortalServer;
}

class BenchArgsError extends Error {}

/** The options that take one positive integer (`--first-users 40`). */
const INT_OPTIONS = [
  'samples',
  'firstUsers',
  'warmup',
  'count',
  'seconds',
  'soakSeconds',
  'rate',
  'repeats',
  'portals',
] as const;

function parseArgs(argv: string[]): Args {
  const args: Args = {
    sections: new Set(['latency', 'sessions', 'throughput', 'startup']),
    samples: 200,
    firstUsers: 40,
    warmup: 20,
    count: 50,
    seconds: 8,
    connections: [8, 16, 32, 64],
    soakSeconds: 120,
    distDir: process.env.BENCH_DIST_DIR || '.next-bench',
    build: true,
    repeats: 3,
    profile: false,
    portals: 1,
    server: 'next start',
  };
  const int = (name: string, value: string | undefined) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n <= 0) throw new BenchArgsError(`${name} needs a positive integer, got "${value}"`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => argv[++i];
    const intField = fieldOfFlag(INT_OPTIONS, flag);
    if (intField) {
      args[intField] = int(flag, value());
      continue;
    }
    switch (flag) {
      case '--soak':
        args.sections.add('soak');
        break;
      case '--admin':
        args.sections.add('admin');
        break;
      case '--only': {
        const list = (value() ?? '')
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        const bad = list.filter((s) => !(SECTIONS as readonly string[]).includes(s));
        if (bad.length || !list.length) throw new BenchArgsError(`--only takes a comma list of ${SECTIONS.join(', ')}`);
        args.sections = new Set(list as Section[]);
        break;
      }
      case '--connections':
        args.connections = (value() ?? '').split(',').map((c) => int(flag, c));
        break;
      case '--dist-dir':
        args.distDir = value() ?? '';
        break;
      case '--no-build':
        args.build = false;
        break;
      case '--profile':
        args.profile = true;
        break;
      case '--server': {
        const server = value();
        if (server !== 'standalone' && server !== 'next')
          throw new BenchArgsError('--server takes "next" (next start) or "standalone"');
        args.server = server === 'standalone' ? 'standalone server.js' : 'next start';
        break;
      }
      default:
        throw new BenchArgsError(`unknown option ${flag} (see the header of bench/run.ts)`);
    }
  }
  return args;
}

const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);

async function startBaseline(portalEnv: Record<string, string>): Promise<{ url: string; proc: BenchChild }> {
  const proc = spawnNode(['--import', 'tsx', path.join(ROOT, 'bench', 'baseline-server.ts')], {
    ...process.env,
    ...portalEnv,
    PORT: '0',
  });
  let port = 0;
  await waitFor(
    proc,
    async () => {
      const m = /^READY (\d+)$/m.exec(proc.output());
      if (m) port = Number(m[1]);
      return port > 0;
    },
    30_000,
    50,
  );
  return { url: `http://127.0.0.1:${port}`, proc };
}

/** Users the portal has never seen: in the pool, mapped to lob-a, with an InService profile; one token each. */
async function createFreshUsers(portalEnv: Record<string, string>, ctl: ReturnType<typeof control>, count: number) {
  const users = Array.from({ length: count }, (_, i) => ({
    username: `first-launch-${String(i).padStart(3, '0')}`,
    password: 'FirstLaunch1!',
  }));
  await ctl.bulkUsers(users);
  await ctl.createProfiles(
    'd-loba1example',
    users.map((u) => u.username),
  );
  const doc = createDocumentClient({
    region: portalEnv.AWS_REGION,
    endpoint: portalEnv.DYNAMODB_ENDPOINT,
    credentials: { accessKeyId: portalEnv.AWS_ACCESS_KEY_ID, secretAccessKey: portalEnv.AWS_SECRET_ACCESS_KEY },
  });
  const now = new Date().toISOString();
  await seedUserMappings(
    { ddb: doc, tables: { users: portalEnv.TABLE_USERS } },
    // Bound to the pool's `sub` as the portal binds its grants (issue 23: the launch refuses unbound rows).
    users.map((u) => ({
      username: u.username,
      sub: subForUsername(u.username),
      lobs: ['lob-a'],
      memberships: [{ lob: 'lob-a', via: 'admin' as const }],
      version: 1,
      createdAt: now,
      updatedAt: now,
      updatedBy: 'bench',
    })),
    1,
  );
  doc.destroy();
  return Promise.all(
    users.map(async (u) => ({
      username: u.username,
      token: await fetchAccessToken(portalEnv, u.username, u.password),
    })),
  );
}

function gitCommit(): string | undefined {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT }).toString().trim();
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const cores = availableParallelism();
  const needsPortal = ['latency', 'throughput', 'startup', 'soak'].some((s) => args.sections.has(s as Section));
  let build: BuildState | undefined;
  if (needsPortal) build = ensureBuild(ROOT, args.distDir, { rebuild: args.build, log });

  const results: Record<string, unknown> = {
    startedAt: new Date().toISOString(),
    machine: { node: process.version, cores, cpu: cpus()[0]?.model },
    server: args.server,
    commit: gitCommit(),
    build,
  };
  const printed: string[] = [];
  const print = (text: string) => {
    printed.push(text);
    process.stdout.write(`\n${text}\n`);
  };

  let standIns: StandInsHandle | undefined;
  let portal: BenchPortal | undefined;
  let portalLambda: BenchPortal | undefined;
  if (args.profile) mkdirSync(RESULTS_DIR, { recursive: true });
  const profileDir = args.profile ? mkdtempSync(path.join(RESULTS_DIR, 'profile-')) : undefined;
  let baseline: { url: string; proc: BenchChild } | undefined;
  try {
    log('starting the stand-ins');
    standIns = await startStandIns();
    const ctl = control(standIns.urls.control);
    const user = 'user-lob-a';
    const token = await fetchAccessToken(standIns.portalEnv, user, 'UserLobA1!');

    if (args.sections.has('latency') || args.sections.has('throughput') || args.sections.has('soak')) {
      log(`starting the portal (${args.server}, ${args.distDir})${profileDir ? ' under the CPU profiler' : ''}`);
      // LOG_LEVEL info, as in production: the request log lines are part of the cost.
      portal = await startBenchPortal({
        distDir: args.distDir,
        server: args.server,
        portalEnv: standIns.portalEnv,
        logLevel: 'info',
        profileDir,
      });
    }

    if (args.sections.has('latency')) {
      log(
        'starting the baseline server, and a second portal with AUDIT_WRITE=before-response (the Lambda configuration)',
      );
      baseline = await startBaseline(standIns.portalEnv);
      portalLambda = await startBenchPortal({
        distDir: args.distDir,
        server: args.server,
        portalEnv: { ...standIns.portalEnv, AUDIT_WRITE: 'before-response' },
        logLevel: 'info',
      });
      const firstUsers = await createFreshUsers(standIns.portalEnv, ctl, args.firstUsers);
      const latency: LatencyResult = await runLatency({
        firstUsers,
        portalUrl: portal!.url,
        portalLambdaUrl: portalLambda.url,
        baselineUrl: baseline.url,
        control: ctl,
        token,
        user,
        samples: args.samples,
        warmup: args.warmup,
        countLaunches: args.count,
        log,
      });
      results.latency = latency;
      print(formatLatency(latency));
      await baseline.proc.stop();
      baseline = undefined;
      await portalLambda.stop();
      portalLambda = undefined;
    }

    if (args.sections.has('sessions')) {
      const sessions: SessionCacheResult = await runSessionCache({
        portalEnv: standIns.portalEnv,
        control: ctl,
        users: 10_000,
        maxSessions: 10_000,
        log,
      });
      results.sessions = sessions;
      print(formatSessions(sessions));
    }

    let maxRate: number | undefined = args.rate;
    const pids = { portal: portal?.pid ?? 0, standIns: standIns.pid };
    if (args.sections.has('throughput')) {
      const extraPortals: BenchPortal[] = [];
      for (let i = 1; i < args.portals; i++) {
        extraPortals.push(
          await startBenchPortal({
            distDir: args.distDir,
            server: args.server,
            portalEnv: standIns.portalEnv,
            logLevel: 'info',
          }),
        );
      }
      const throughput: ThroughputResult = await runThroughput({
        portalUrl: portal!.url,
        extraPortals,
        control: ctl,
        token,
        user,
        connections: args.connections,
        seconds: args.seconds,
        pids,
        cores,
        log,
      });
      results.throughput = throughput;
      for (const extra of extraPortals) await extra.stop();
      maxRate ??= throughput.maxLaunchesPerSecond;
      print(formatThroughput(throughput));
    }

    if (args.sections.has('soak')) {
      if (!maxRate) throw new BenchArgsError('--soak needs the throughput section in the same run, or --rate N');
      await ctl.setLatency({ dynamodb: 0, sts: 0, sagemaker: 0, cognito: 0, studio: 0 });
      const soak: SoakResult = await runSoak({
        portalUrl: portal!.url,
        token,
        user,
        rate: Math.max(1, Math.floor(maxRate * 0.8)),
        seconds: args.soakSeconds,
        connections: 16,
        pids,
        log,
      });
      results.soak = soak;
      print(formatSoak(soak));
    }

    if (portal) {
      await portal.stop();
      portal = undefined;
      if (profileDir) {
        const file = readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
        if (file) {
          const profile: ProfileSummary = summarizeProfile(path.join(profileDir, file));
          results.portalProfile = { file: path.relative(ROOT, path.join(profileDir, file)), ...profile };
          print(formatProfile(profile, path.relative(ROOT, path.join(profileDir, file))));
        }
      }
    }

    if (args.sections.has('startup')) {
      await ctl.setLatency({ dynamodb: 0, sts: 0, sagemaker: 0, cognito: 0, studio: 0 });
      const startup: StartupResult = await runStartup({
        distDir: args.distDir,
        portalEnv: standIns.portalEnv,
        token,
        user,
        repeats: args.repeats,
        log,
      });
      results.startup = startup;
      print(formatStartup(startup));
    }

    if (args.sections.has('admin')) {
      const adminModule = path.join(ROOT, 'bench', 'admin-bench.ts');
      if (!existsSync(adminModule)) {
        print('Admin benchmarks: bench/admin-bench.ts is not there yet; skipped.');
      } else {
        const { runAdminBench } = (await import('./admin-bench')) as typeof import('./admin-bench');
        // Last: it loads 100,000 users into these stand-ins.
        const admin = await runAdminBench({ standIns, log });
        results.admin = admin;
        print(formatAdmin(admin));
      }
    }
  } finally {
    await baseline?.proc.stop();
    await portalLambda?.stop();
    await portal?.stop();
    await standIns?.stop();
  }

  results.finishedAt = new Date().toISOString();
  const dir = RESULTS_DIR;
  mkdirSync(dir, { recursive: true });
  const stamp = String(results.startedAt).replace(/[:.]/g, '-');
  const json = JSON.stringify(results, null, 2);
  writeFileSync(path.join(dir, `bench-${stamp}.json`), json);
  writeFileSync(path.join(dir, 'latest.json'), json);
  writeFileSync(path.join(dir, 'latest.txt'), printed.join('\n\n') + '\n');
  process.stdout.write(`\nresults: bench/results/bench-${stamp}.json (also latest.json, latest.txt)\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(
      `bench failed: ${error instanceof Error ? (error instanceof BenchArgsError ? error.message : error.stack) : String(error)}\n`,
    );
    process.exit(error instanceof BenchArgsError ? 2 : 1);
  },
);
