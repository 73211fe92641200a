/**
 * Cost control at scale (issue 25): the access sweep's cost steps (lib/cost/sweep.ts: app hours, running-time
 * limits) at 50 LOBs and 2,000 running apps, and the home page's "My Studio apps" read. Runs the production
 * code against the stand-ins in this process, with per-call latency added by the stand-ins, and reports:
 * - the sweep with only the cost step (runAccessSweep with steps [costSweepStep]): AWS calls by operation and
 *   wall time per run, a first run (every LOB counts its first window, some apps warned or stopped) and a
 *   steady one (the next window);
 * - the home page's app list for a returning user in 2 LOBs: its AWS calls and how many of them in a row.
 *
 *   npx tsx bench/cost-bench.ts [--lobs 50] [--apps 2000] [--latency sagemaker=30,dynamodb=5,sts=30]
 */
import { performance } from 'node:perf_hooks';
import { addLobToAws, benchLob, type BenchLobSet } from './lib/seed-lobs';
import { parseBenchFlags, type Latency } from './lib/flags';
import { withInProcessStandIns } from './lib/in-process';
import { createGeneratorSessions } from '../lib/aws/clients';
import { runAccessSweep } from '../lib/access/sweep';
import { lobWrites } from '../lib/directory/lob-writes';
import { transactWrite } from '../lib/directory/writes';
import type { Lob } from '../lib/directory/types';
import { createAppClients } from '../lib/cost/clients';
import { SHIPPED_PRICE_TABLE } from '../lib/cost/prices';
import { loadMyApps } from '../lib/cost/report';
import type { CostDeps } from '../lib/cost/stop-app';
import { costSweepStep } from '../lib/cost/sweep';
import { appKey } from '../local/aws/state';
import { sequentialDepth } from './latency';

function parseArgs(argv: string[]) {
  const latency: Latency = { sagemaker: 30, dynamodb: 5, sts: 30, sns: 10 };
  const args = parseBenchFlags('cost-bench', argv, { lobs: 50, apps: 2_000, latency });
  if (![args.lobs, args.apps].every((n) => Number.isInteger(n) && n > 0))
    throw new Error('cost-bench: --lobs and --apps must be positive integers');
  // The home page's step reads one user in two LOBs.
  if (args.lobs < 2) throw new Error('cost-bench: --lobs must be at least 2 (the "My Studio apps" step uses two LOBs)');
  return args;
}

const COST_LOBS: BenchLobSet = {
  name: (k) => `cost-lob-${String(k).padStart(2, '0')}`,
  displayName: 'Cost LOB',
  accountBase: 400_000_000_000,
  domainPrefix: 'd-cost',
};

const INSTANCE_TYPES = ['ml.t3.medium', 'ml.m5.large', 'ml.g4dn.xlarge', 'ml.c5.xlarge'];

async function main() {
  const args = parseArgs(process.argv.slice(2));
  await withInProcessStandIns(async ({ stand, config, deps: admin }) => {
    let offsetMs = 0;
    const now = () => new Date(Date.now() + offsetMs);
    const users = createGeneratorSessions(config);
    const deps: CostDeps = {
      ddb: admin.ddb,
      tables: admin.tables,
      notify: admin.notify,
      now,
      prices: SHIPPED_PRICE_TABLE,
      apps: createAppClients(
        config,
        (lob, username) => users.get({ lob: lob.lob, accountId: lob.accountId, roleName: lob.roleName }, username),
        admin.studio!,
      ),
    };

    // 50 LOBs, every other one with "Stop apps after 8 hours"; 2,000 apps in private spaces, ages 0-9 h.
    const lobs: Lob[] = [];
    const started = new Date();
    for (let k = 0; k < args.lobs; k++) {
      const lob = benchLob(COST_LOBS, k, k % 2 === 0 ? { stopAfterHours: 8 } : {});
      lobs.push(lob);
      const domain = addLobToAws(stand.aws, lob);
      for (let i = k; i < args.apps; i += args.lobs) {
        const user = `cost-u-${String(i).padStart(5, '0')}`;
        domain.profiles.set(user, { name: user, status: 'InService', createdAt: started, updatedAt: started });
        const space = `${user}-ds`;
        const createdAt = new Date(started.getTime() - ((i * 7) % 540) * 60_000);
        domain.spaces.set(space, { name: space, ownerUserProfile: user, sharingType: 'Private', createdAt });
        const app = {
          userProfile: user,
          spaceName: space,
          appType: 'JupyterLab' as const,
          appName: 'default',
          status: 'InService' as const,
          createdAt,
          instanceType: INSTANCE_TYPES[i % INSTANCE_TYPES.length],
        };
        domain.apps.set(appKey(app), app);
      }
    }
    for (let k = 0; k < lobs.length; k += 25)
      await transactWrite(
        admin.ddb,
        lobs.slice(k, k + 25).map((l) => lobWrites.create(admin, l)),
      );

    const rows: string[] = [];
    const sweep = async (run: string) => {
      stand.knobs.resetCounters();
      stand.knobs.setLatency(args.latency);
      const t0 = performance.now();
      // The cost step alone (the first step's output is read as ending access: a no-op stands in for it).
      const result = await runAccessSweep(
        { ...admin, studio: admin.studio!, now },
        { steps: [async () => ({ checkedUsers: 0, ended: [] }), costSweepStep(deps)] },
      );
      const wallMs = Math.round(performance.now() - t0);
      stand.knobs.setLatency({});
      const calls = Object.fromEntries(
        Object.entries(stand.knobs.getCounters()).filter(([k]) => !k.startsWith('studio.')),
      );
      const total = Object.values(calls).reduce((a, b) => a + b, 0);
      const cost = result.lobs.map(
        (l) =>
          (l.steps[0] as { cost?: { countedSeconds: number; warned: string[]; stopped: string[] } } | undefined)?.cost,
      );
      const warned = cost.reduce((n, c) => n + (c?.warned.length ?? 0), 0);
      const stopped = cost.reduce((n, c) => n + (c?.stopped.length ?? 0), 0);
      const hours = Math.round(cost.reduce((n, c) => n + (c?.countedSeconds ?? 0), 0) / 3600);
      const errors = result.lobs.filter((l) => l.error).length;
      const by = Object.entries(calls)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => `${k} ${v}`)
        .join(', ');
      rows.push(
        `| ${run} | ${(wallMs / 1000).toFixed(2)} s | ${total} | ${result.lobs.reduce((n, l) => n + l.runningApps, 0)} | ${hours} | ${warned} | ${stopped} | ${errors} | ${by} |`,
      );
      console.error(`cost-bench: ${run}: ${wallMs} ms, ${total} AWS calls`);
    };
    offsetMs = 0;
    await sweep('first run (first window; limits warn and stop)');
    offsetMs = 5 * 60_000;
    await sweep('steady state (5 min later)');

    // The home page's "My Studio apps" for a returning user in two LOBs (the session cached by an earlier read).
    const two = lobs.slice(-2);
    const user = 'cost-u-00001';
    stand.aws.domains
      .get(two[1].domainId)!
      .profiles.set(user, { name: user, status: 'InService', createdAt: started, updatedAt: started });
    await loadMyApps(deps, two, user, now());
    stand.knobs.resetCounters();
    stand.knobs.setLatency({ sagemaker: 100, dynamodb: 100, sts: 100 });
    const t0 = performance.now();
    const mine = await loadMyApps(deps, two, user, now());
    const homeMs = Math.round(performance.now() - t0);
    stand.knobs.setLatency({});
    const homeCalls = stand.knobs.getCalls();

    console.log(
      `\nCost steps of the access sweep (lib/cost/sweep.ts against the stand-ins; per-call latency: ${
        Object.entries(args.latency)
          .map(([k, v]) => `${k} ${v} ms`)
          .join(', ') || 'none'
      })`,
    );
    console.log(
      `${args.lobs} LOBs (half with an 8-hour limit), ${args.apps} running apps in private spaces, ages 0-9 h, 4 instance types\n`,
    );
    console.log(
      '| run | wall time | AWS calls | running apps | app hours counted | warned | stopped | LOB errors | calls by operation |',
    );
    console.log('|---|---|---|---|---|---|---|---|---|');
    for (const r of rows) console.log(r);
    console.log(
      `\nHome page "My Studio apps" (returning user, 2 LOBs, 100 ms per call): ${homeCalls.length} AWS calls (${homeCalls
        .map((c) => c.op)
        .sort()
        .join(
          ', ',
        )}), ${sequentialDepth(homeCalls)} in a row, ${homeMs} ms; ${mine.perLob.reduce((n, l) => n + l.apps.length, 0)} apps listed`,
    );
  });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
