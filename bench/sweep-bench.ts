/**
 * The access sweep at scale (issue 22): 50 LOBs, 100,000 users in the user pool (and Users rows), 2,000
 * running apps. Runs the production sweep (lib/access/sweep.ts) against the stand-ins in this process and
 * reports the AWS calls per run (by service and operation, from the stand-ins' counters) and the wall time.
 * It runs the sweep first with a tenth of the users seeded and again with all of them, same apps: the calls
 * do not change with the number of users, only with LOBs and running apps.
 *
 *   npx tsx bench/sweep-bench.ts [--lobs 50] [--users 100000] [--apps 2000] [--ended-percent 5]
 *                                [--latency sagemaker=30,cognito=20,dynamodb=5,sts=30]
 *
 * Per-call latency is added by the stand-ins (default: the values above, roughly in-region AWS) so the
 * wall time is a realistic estimate; `--latency none` measures the stand-ins alone.
 */
import { performance } from 'node:perf_hooks';
import { addLobToAws, benchLob, type BenchLobSet } from './lib/seed-lobs';
import { parseBenchFlags, type Latency } from './lib/flags';
import { withInProcessStandIns } from './lib/in-process';
import { runAccessSweep, type SweepResult } from '../lib/access/sweep';
import { seedUserMappings } from '../lib/directory/users';
import { clearEndedAccess } from '../lib/directory/studio-access';
import { lobWrites } from '../lib/directory/lob-writes';
import { transactWrite } from '../lib/directory/writes';
import type { Lob, UserMapping } from '../lib/directory/types';
import { appKey } from '../local/aws/state';

interface Args {
  lobs: number;
  users: number;
  apps: number;
  endedPercent: number;
  latency: Latency;
}

function parseArgs(argv: string[]): Args {
  const latency: Latency = { sagemaker: 30, cognito: 20, dynamodb: 5, sts: 30 };
  const args = parseBenchFlags<Args>('sweep-bench', argv, {
    lobs: 50,
    users: 100_000,
    apps: 2_000,
    endedPercent: 5,
    latency,
  });
  if (![args.lobs, args.users, args.apps].every((n) => Number.isInteger(n) && n > 0) || args.apps > args.users)
    throw new Error('sweep-bench: --lobs, --users, --apps must be positive integers, apps <= users');
  return args;
}

const pad = (n: number) => String(n).padStart(6, '0');
const userName = (i: number) => `sweep-u-${pad(i)}`;
const lobName = (k: number) => `bench-lob-${String(k).padStart(2, '0')}`;

const SWEEP_LOBS: BenchLobSet = {
  name: lobName,
  displayName: 'Bench LOB',
  accountBase: 300_000_000_000,
  domainPrefix: 'd-bench',
};

interface RunReport {
  users: number;
  run: string;
  wallMs: number;
  calls: Record<string, number>;
  totalAwsCalls: number;
  ended: number;
  runningApps: number;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const log = (m: string) => console.error(m);
  // SNS included: each ended access publishes `access.ended`, one of the sweep's own AWS calls.
  await withInProcessStandIns(async ({ stand, deps }) => {
    const studio = deps.studio!;
    const seedStarted = performance.now();

    // LOBs: an account, a generator role and a VpcOnly domain each (stand-in state), and the LOBs-table rows.
    const lobs: Lob[] = [];
    for (let k = 0; k < args.lobs; k++) {
      const lob = benchLob(SWEEP_LOBS, k, { groups: [`${lobName(k)}-users`] });
      lobs.push(lob);
      addLobToAws(stand.aws, lob);
    }
    for (let k = 0; k < lobs.length; k += 25)
      await transactWrite(
        deps.ddb,
        lobs.slice(k, k + 25).map((l) => lobWrites.create(deps, l)),
      );

    // App owners: users 0..apps-1, one running JupyterLab each, spread over the LOBs; 10% reach their LOB
    // through its IdP group (no Users row), the rest through a membership; endedPercent of them lost it.
    const now = new Date();
    const past = new Date(now.getTime() - 86_400_000).toISOString();
    const appsPerLob = new Map<number, number>();
    const seedUsers = (from: number, to: number) => {
      const cognito: Array<{ username: string; password: string; groups: string[] }> = [];
      const rows: UserMapping[] = [];
      for (let i = from; i < to; i++) {
        const k = i % args.lobs;
        const owner = i < args.apps;
        const lost = owner && i % Math.round(100 / args.endedPercent) === 1;
        const viaGroup = i % 10 === 0;
        cognito.push({
          username: userName(i),
          password: 'SweepUser1!',
          groups: viaGroup && !lost ? [`${lobName(k)}-users`] : [],
        });
        if (!viaGroup) {
          const membership = { lob: lobName(k), via: 'admin' as const, ...(lost ? { until: past } : {}) };
          rows.push({
            username: userName(i),
            lobs: [lobName(k)],
            memberships: [membership],
            version: 1,
            createdAt: now.toISOString(),
            updatedAt: now.toISOString(),
            updatedBy: 'bench',
          });
        }
        if (owner) {
          const domain = stand.aws.domains.get(lobs[k].domainId)!;
          domain.profiles.set(userName(i), { name: userName(i), status: 'InService', createdAt: now, updatedAt: now });
          const app = {
            userProfile: userName(i),
            appType: 'JupyterLab' as const,
            appName: 'default',
            status: 'InService' as const,
            createdAt: now,
            instanceType: 'ml.t3.medium',
          };
          domain.apps.set(appKey(app), app);
          appsPerLob.set(k, (appsPerLob.get(k) ?? 0) + 1);
        }
      }
      for (let c = 0; c < cognito.length; c += 5000) stand.cognito.bulkCreateUsers(cognito.slice(c, c + 5000));
      return seedUserMappings(deps, rows, 8);
    };

    const reports: RunReport[] = [];
    const sweepOnce = async (users: number, run: string) => {
      stand.knobs.resetCounters();
      stand.knobs.setLatency(args.latency);
      const started = performance.now();
      const result: SweepResult = await runAccessSweep({ ...deps, studio });
      const wallMs = Math.round(performance.now() - started);
      stand.knobs.setLatency({ sagemaker: 0, cognito: 0, dynamodb: 0, sts: 0 });
      const calls = stand.knobs.getCounters();
      const aws = Object.fromEntries(Object.entries(calls).filter(([k]) => !k.startsWith('studio.')));
      const report: RunReport = {
        users,
        run,
        wallMs,
        calls: aws,
        totalAwsCalls: Object.values(aws).reduce((a, b) => a + b, 0),
        ended: result.lobs.reduce((n, l) => n + l.ended.length, 0),
        runningApps: result.lobs.reduce((n, l) => n + l.runningApps, 0),
      };
      const errors = result.lobs.filter((l) => l.error);
      if (errors.length)
        log(`sweep-bench: ${errors.length} LOB(s) reported errors, e.g. ${errors[0].lob}: ${errors[0].error}`);
      reports.push(report);
      log(
        `sweep-bench: ${run} with ${users} users: ${wallMs} ms, ${report.totalAwsCalls} AWS calls, ${report.ended} ended, ${report.runningApps} running apps`,
      );
    };

    // Phase 1: a tenth of the users. Phase 2: all of them; the same apps run again (the sweep stopped the lost ones).
    const firstUsers = Math.max(args.apps, Math.floor(args.users / 10));
    await seedUsers(0, firstUsers);
    log(
      `sweep-bench: seeded ${args.lobs} LOBs, ${firstUsers} users, ${args.apps} apps (${((performance.now() - seedStarted) / 1000).toFixed(1)} s)`,
    );
    await sweepOnce(firstUsers, 'first run (ends the lost ones)');
    await sweepOnce(firstUsers, 'steady state');
    const more = performance.now();
    await seedUsers(firstUsers, args.users);
    // Restart the apps the first run stopped, enable their profiles and forget the records, so phase 2
    // starts from the same Studio as phase 1.
    for (const [k, lob] of lobs.entries()) {
      const domain = stand.aws.domains.get(lob.domainId)!;
      for (const app of domain.apps.values()) app.status = 'InService';
      for (const p of domain.profiles.values()) {
        if (p.studioWebPortal === 'DISABLED') await clearEndedAccess(deps, p.name, lobName(k));
        p.studioWebPortal = undefined;
      }
    }
    log(
      `sweep-bench: seeded ${args.users - firstUsers} more users (${((performance.now() - more) / 1000).toFixed(1)} s)`,
    );
    await sweepOnce(args.users, 'first run (ends the lost ones)');
    await sweepOnce(args.users, 'steady state');

    console.log(
      '\nAccess sweep bench (lib/access/sweep.ts against the stand-ins; per-call latency added: ' +
        (Object.entries(args.latency)
          .map(([k, v]) => `${k} ${v} ms`)
          .join(', ') || 'none') +
        ')',
    );
    console.log(
      `${args.lobs} LOBs, ${args.apps} running apps (${[...appsPerLob.values()][0]} per LOB), ${args.endedPercent}% of app owners without access\n`,
    );
    console.log('| users | run | wall time | AWS calls | ended | calls by operation |');
    console.log('|---|---|---|---|---|---|');
    for (const r of reports) {
      const by = Object.entries(r.calls)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => `${k} ${v}`)
        .join(', ');
      console.log(
        `| ${r.users.toLocaleString('en')} | ${r.run} | ${(r.wallMs / 1000).toFixed(1)} s | ${r.totalAwsCalls} | ${r.ended} | ${by} |`,
      );
    }
    // The generator-role sessions are cached across runs (an hour): only the very first run pays AssumeRole.
    const withoutSts = (r: RunReport) =>
      JSON.stringify(
        Object.entries(r.calls)
          .filter(([k]) => !k.startsWith('sts.'))
          .sort(),
      );
    const same = withoutSts(reports[0]) === withoutSts(reports[2]) && withoutSts(reports[1]) === withoutSts(reports[3]);
    console.log(
      `\nAWS calls (besides the cached AssumeRole) with ${firstUsers.toLocaleString('en')} vs ${args.users.toLocaleString('en')} users: ${same ? 'identical (they grow with LOBs and apps, not users)' : 'DIFFERENT'}`,
    );
    const worst = Math.max(...reports.map((r) => r.wallMs));
    console.log(
      `Slowest run ${(worst / 1000).toFixed(1)} s of the 300 s period: ${worst < 150_000 ? 'well inside (under half)' : worst < 300_000 ? 'inside' : 'OUTSIDE'}`,
    );
  });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
