/**
 * The request-lapse job at scale (issue 27): 100,000 users (Users rows) and 10,000 pending access requests
 * (with their guard items and per-LOB counters) in DynamoDB Local, a small fraction of them due. Runs the
 * production job (lib/admin/request-lapse.ts) against the stand-ins in this process and reports the items it
 * read against the requests that were due, the DynamoDB calls by operation (the stand-ins' counters) and the
 * wall time per run. A second run (nothing due any more) shows the job's floor: one empty index query.
 *
 *   npx tsx bench/lapse-bench.ts [--users 100000] [--pending 10000] [--due-percent 1] [--lobs 50]
 *                                [--latency dynamodb=5,sns=20]
 *
 * Not part of `npm test`. Per-call latency is added by the stand-ins (default: roughly in-region AWS);
 * `--latency none` measures the stand-ins alone.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { parseConfig } from '../lib/config';
import { createDynamoDocumentClient } from '../lib/aws/clients';
import { createAdminDeps } from '../lib/admin/deps';
import { lapseDueRequests, type LapseResult } from '../lib/admin/request-lapse';
import { countPendingRequests, LAPSE_KIND, type AccessRequest } from '../lib/directory/requests';
import { seedUserMappings } from '../lib/directory/users';
import { batchWriteAll, type TableWrite } from '../lib/directory/writes';
import type { UserMapping } from '../lib/directory/types';
import { configFromEnv, startStandInsInProcess } from '../local/stand-ins';

interface Args {
  users: number;
  pending: number;
  duePercent: number;
  lobs: number;
  latency: Record<string, number>;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { users: 100_000, pending: 10_000, duePercent: 1, lobs: 50, latency: { dynamodb: 5, sns: 20 } };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1] ?? ''];
    if (flag === '--users') args.users = Number(value);
    else if (flag === '--pending') args.pending = Number(value);
    else if (flag === '--due-percent') args.duePercent = Number(value);
    else if (flag === '--lobs') args.lobs = Number(value);
    else if (flag === '--latency') args.latency = value === 'none' ? {} : Object.fromEntries(value.split(',').map((kv) => [kv.split('=')[0], Number(kv.split('=')[1])]));
    else throw new Error(`lapse-bench: unknown option ${flag}`);
  }
  const ok = [args.users, args.pending, args.lobs].every((n) => Number.isInteger(n) && n > 0) && args.pending <= args.users && args.duePercent > 0 && args.duePercent <= 100;
  if (!ok) throw new Error('lapse-bench: --users, --pending, --lobs must be positive integers (pending <= users), 0 < --due-percent <= 100');
  return args;
}

const DAY_MS = 24 * 3600 * 1000;
const userName = (i: number) => `lapse-u-${String(i).padStart(6, '0')}`;
const lobName = (k: number) => `bench-lob-${String(k).padStart(2, '0')}`;

interface RunReport {
  run: string;
  due: number;
  expired: number;
  read: number;
  wallMs: number;
  calls: Record<string, number>;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const log = (m: string) => console.error(m);
  const stand = await startStandInsInProcess(configFromEnv({ LOCAL_DYNAMODB_PORT: '0', LOCAL_COGNITO_PORT: '0', LOCAL_AWS_PORT: '0', LOCAL_BIND_HOST: '127.0.0.1' }));
  try {
    for (const key of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_EC2_METADATA_DISABLED']) process.env[key] = stand.portalEnv[key];
    const config = parseConfig({ ...stand.portalEnv, NEXTAUTH_URL: 'http://localhost:3000', NEXTAUTH_SECRET: 'x'.repeat(32) });
    // SNS included: each lapse publishes `request.expired`, one of the job's own AWS calls.
    const deps = createAdminDeps(config, createDynamoDocumentClient(config));
    const seedStarted = performance.now();
    const now = new Date();

    // Users rows (BatchWriteItem): the table the job must not touch.
    const rows: UserMapping[] = [];
    for (let i = 0; i < args.users; i++) {
      const lob = lobName(i % args.lobs);
      rows.push({ username: userName(i), lobs: [lob], memberships: [{ lob, via: 'admin' }], version: 1, createdAt: now.toISOString(), updatedAt: now.toISOString(), updatedBy: 'bench' });
    }
    await seedUserMappings(deps, rows, 8);
    log(`lapse-bench: seeded ${args.users} users (${((performance.now() - seedStarted) / 1000).toFixed(1)} s)`);

    // Pending requests as requestWrites.create stores them (request with both sparse index keys, guard), the
    // first due-percent of them an hour past their lapse time, the rest due within 1 to 13 days; counters per LOB.
    const dueCount = Math.max(1, Math.round((args.pending * args.duePercent) / 100));
    const writes: TableWrite[] = [];
    const perLob = new Map<string, number>();
    for (let i = 0; i < args.pending; i++) {
      const lob = lobName(i % args.lobs);
      const lapsesAt = i < dueCount ? new Date(now.getTime() - 3_600_000) : new Date(now.getTime() + (1 + (i % 13)) * DAY_MS);
      const createdAt = new Date(lapsesAt.getTime() - 14 * DAY_MS).toISOString();
      const request: AccessRequest = { id: randomUUID(), lob, requester: userName(i), justification: 'Bench request for the lapse job', days: 30, status: 'pending', createdAt, lapsesAt: lapsesAt.toISOString() };
      writes.push({ table: deps.tables.requests, request: { PutRequest: { Item: { ...request, pendingLob: lob, lapseKind: LAPSE_KIND } } } });
      writes.push({ table: deps.tables.requests, request: { PutRequest: { Item: { id: `pending#${lob}#${request.requester}`, request: request.id } } } });
      perLob.set(lob, (perLob.get(lob) ?? 0) + 1);
    }
    for (const [lob, n] of perLob) writes.push({ table: deps.tables.requests, request: { PutRequest: { Item: { id: `count#${lob}`, pending: n } } } });
    await batchWriteAll(deps.ddb, writes, 8);
    const lobs = [...perLob.keys()];
    const pendingBefore = await countPendingRequests(deps, lobs);
    log(`lapse-bench: seeded ${args.pending} pending requests (${dueCount} due) and ${lobs.length} counters (${((performance.now() - seedStarted) / 1000).toFixed(1)} s in all)`);

    const reports: RunReport[] = [];
    const runOnce = async (run: string, due: number) => {
      stand.knobs.resetCounters();
      stand.knobs.setLatency(args.latency);
      const started = performance.now();
      const result: LapseResult = await lapseDueRequests(deps);
      const wallMs = Math.round(performance.now() - started);
      stand.knobs.setLatency(Object.fromEntries(Object.keys(args.latency).map((k) => [k, 0])));
      const calls = Object.fromEntries(Object.entries(stand.knobs.getCounters()).filter(([k]) => !k.startsWith('studio.')));
      reports.push({ run, due, expired: result.expired.length, read: result.read, wallMs, calls });
      log(`lapse-bench: ${run}: ${result.expired.length} expired of ${due} due, ${result.read} items read, ${wallMs} ms`);
    };
    await runOnce('first run', dueCount);
    await runOnce('second run (nothing due)', 0);
    const pendingAfter = await countPendingRequests(deps, lobs);

    console.log('\nRequest-lapse bench (lib/admin/request-lapse.ts against the stand-ins; per-call latency added: ' + (Object.entries(args.latency).map(([k, v]) => `${k} ${v} ms`).join(', ') || 'none') + ')');
    console.log(`${args.users.toLocaleString('en')} users, ${args.pending.toLocaleString('en')} pending requests in ${args.lobs} LOBs, ${dueCount} due (${args.duePercent}%)\n`);
    console.log('| run | due | expired | items read | wall time | per expired request | AWS calls by operation |');
    console.log('|---|---|---|---|---|---|---|');
    for (const r of reports) {
      const by = Object.entries(r.calls).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k} ${v}`).join(', ');
      const per = r.expired ? `${(r.wallMs / r.expired).toFixed(1)} ms` : '-';
      console.log(`| ${r.run} | ${r.due} | ${r.expired} | ${r.read} | ${(r.wallMs / 1000).toFixed(2)} s | ${per} | ${by} |`);
    }
    const onlyDue = reports[0].read === dueCount && reports[1].read === 0;
    console.log(`\nItems read = items due: ${onlyDue ? 'yes (the lapsesDue index; nothing else of the table or the Users table is read)' : 'NO'}`);
    console.log(`Pending counters: ${pendingBefore} before, ${pendingAfter} after (${pendingBefore - pendingAfter === dueCount ? 'down by exactly the expired ones' : 'MISMATCH'})`);
  } finally {
    await stand.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
