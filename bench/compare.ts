/**
 * A/B of the portal's CPU per launch between builds (or servers), on a shared machine: every portal
 * serves the same fixed request rate, interleaved round by round, so other people's work on the
 * machine hits all of them alike. Reports the median CPU milliseconds per request of each portal
 * process (read from /proc), which, unlike launches/s at saturation, barely moves with contention.
 *
 *   npx tsx bench/compare.ts --dist .next-bench,.next-old          two builds, next start
 *   npx tsx bench/compare.ts --dist .next-bench --server next,standalone
 *   options: --rate 150 --seconds 8 --rounds 3 --connections 8 --path /api/studio/user-lob-a|/api/health
 *            --warmup 8 (seconds per portal before the rounds: JIT and pools settle)
 *            --profile (each portal under the V8 CPU profiler; .cpuprofile files in bench/results/)
 *
 * Builds are used as they are (build them first: NEXT_DIST_DIR=<dir> npx next build).
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

import { control, startStandIns, type StandInsHandle } from '../local/stack';
import { mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { RESULTS_DIR, startBenchPortal, type BenchPortal, type PortalServer } from './lib/portal';
import { summarizeProfile } from './lib/cpu-profile';
import { ROOT } from './lib/processes';
import { formatProfile } from './report';
import { fetchAccessToken } from './lib/tokens';
import { runLoad } from './throughput';
import { fieldOfFlag } from './lib/flags';

interface Variant {
  name: string;
  distDir: string;
  server: PortalServer;
}

function parse(argv: string[]) {
  const opts = {
    dists: ['.next-bench'],
    servers: ['next'] as string[],
    rate: 150,
    seconds: 8,
    rounds: 3,
    connections: 8,
    path: '/api/studio/user-lob-a',
    warmup: 8,
    profile: false,
  };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--profile') {
      opts.profile = true;
      continue;
    }
    const v = argv[++i];
    const numberField = fieldOfFlag(['warmup', 'rate', 'seconds', 'rounds', 'connections'] as const, argv[i - 1]);
    if (numberField) {
      opts[numberField] = Number(v);
      continue;
    }
    switch (argv[i - 1]) {
      case '--dist':
        opts.dists = v.split(',');
        break;
      case '--server':
        opts.servers = v.split(',');
        break;
      case '--path':
        opts.path = v;
        break;
      default:
        throw new Error(`unknown option ${argv[i - 1]} (see the header of bench/compare.ts)`);
    }
  }
  const variants: Variant[] = [];
  for (const distDir of opts.dists) {
    for (const s of opts.servers) {
      const server: PortalServer = s === 'standalone' ? 'standalone server.js' : 'next start';
      variants.push({ name: `${distDir} ${s}`, distDir, server });
    }
  }
  return { ...opts, variants };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function main() {
  const opts = parse(process.argv.slice(2));
  const log = (m: string) => process.stderr.write(`[compare] ${m}\n`);
  let standIns: StandInsHandle | undefined;
  const portals: BenchPortal[] = [];
  try {
    standIns = await startStandIns();
    await control(standIns.urls.control).setLatency({ dynamodb: 0, sts: 0, sagemaker: 0, cognito: 0, studio: 0 });
    const token = await fetchAccessToken(standIns.portalEnv, 'user-lob-a', 'UserLobA1!');
    const api = opts.path.startsWith('/api/studio');
    mkdirSync(RESULTS_DIR, { recursive: true });
    const profileDir = opts.profile ? mkdtempSync(path.join(RESULTS_DIR, 'compare-profile-')) : undefined;
    const profileDirs: string[] = [];
    for (const [i, v] of opts.variants.entries()) {
      const dir = profileDir ? path.join(profileDir, String(i)) : undefined;
      if (dir) mkdirSync(dir, { recursive: true });
      profileDirs.push(dir ?? '');
      portals.push(
        await startBenchPortal({
          distDir: v.distDir,
          server: v.server,
          portalEnv: standIns.portalEnv,
          logLevel: 'info',
          profileDir: dir,
        }),
      );
    }
    const load = (i: number, seconds: number, rate?: number) =>
      runLoad({
        url: `${portals[i].url}${opts.path}`,
        token: api ? token : undefined,
        expectStatus: api ? 302 : 200,
        connections: opts.connections,
        seconds,
        overallRate: rate,
        pids: { portal: portals[i].pid, standIns: standIns!.pid },
      });
    for (let i = 0; i < portals.length; i++) await load(i, opts.warmup, opts.rate);
    const perRequest: number[][] = opts.variants.map(() => []);
    const p99: number[][] = opts.variants.map(() => []);
    for (let round = 0; round < opts.rounds; round++) {
      for (let k = 0; k < portals.length; k++) {
        const i = (k + round) % portals.length;
        const run = await load(i, opts.seconds, opts.rate);
        const ms = ((run.cpu.cpuSeconds.portal ?? 0) * 1000) / Math.max(1, run.launches);
        perRequest[i].push(ms);
        p99[i].push(run.latencyMs.p99);
        log(
          `round ${round + 1} ${opts.variants[i].name}: ${run.launchesPerSecond}/s, ${ms.toFixed(2)} ms CPU per request, p99 ${run.latencyMs.p99} ms, errors ${run.errors}, others ${run.cpu.coresUsed.others} cores`,
        );
        if (run.errors)
          throw new Error(`${opts.variants[i].name} answered with errors: ${JSON.stringify(run.statusCodes)}`);
      }
    }
    console.log(
      `\n${opts.path} at ${opts.rate}/s, ${opts.connections} connections, ${opts.rounds} rounds of ${opts.seconds} s`,
    );
    console.log('variant'.padEnd(40) + 'median CPU ms/request  runs');
    opts.variants.forEach((v, i) =>
      console.log(
        v.name.padEnd(40) +
          median(perRequest[i]).toFixed(2).padStart(21) +
          '  ' +
          perRequest[i].map((x) => x.toFixed(2)).join(' '),
      ),
    );
    if (profileDir) {
      for (const p of portals.splice(0)) await p.stop();
      for (const [i, dir] of profileDirs.entries()) {
        const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
        if (file)
          console.log(
            `\n${opts.variants[i].name}\n${formatProfile(summarizeProfile(path.join(dir, file)), path.relative(ROOT, path.join(dir, file)))}`,
          );
      }
    }
  } finally {
    for (const p of portals) await p.stop();
    await standIns?.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`compare failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
