/**
 * The request-lapse job at scale (issue 27): 100,000 users (Users rows) and 10,000 pending access requests
 * (with their guard items and per-LOB counters) seeded with BatchWriteItem into DynamoDB Local, a small
 * fraction of them due. Runs the production job (lib/admin/request-lapse.ts) against the stand-ins and
 * reports the items it read against the requests that were due, the AWS calls by operation (the stand-ins'
 * counters) and the wall time per run. A second run (nothing due any more) shows the job's floor.
 *
 *   npx tsx bench/lapse-bench.ts [--users 100000] [--pending 10000] [--due-percent 1] [--lobs 50]
 *
 * Not part of `npm test`. The stand-ins add per-call latency (DynamoDB 5 ms, SNS 20 ms: roughly in-region AWS).
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { lapseDueRequests } from '../lib/admin/request-lapse';
import { countPendingRequests, LAPSE_KIND } from '../lib/directory/requests';
import { batchWriteAll, type TableWrite } from '../lib/directory/writes';
import { memberWrites, numberArg, pendingRequestWrites, withBenchStandIns } from './lib/seed-members';

const DAY_MS = 24 * 3600 * 1000;
const LATENCY = { dynamodb: 5, sns: 20 };

async function main() {
  const users = numberArg('users', 100_000);
  const pending = numberArg('pending', 10_000);
  const duePercent = numberArg('due-percent', 1);
  const lobCount = numberArg('lobs', 50);
  const due = Math.max(1, Math.round((pending * duePercent) / 100));
  await withBenchStandIns(async ({ config, deps, standIns }) => {
    const control = (path: string, body?: unknown) =>
      fetch(
        `${standIns.urls.control}/${path}`,
        body === undefined
          ? {}
          : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
      );
    const now = Date.now();
    const seedStart = performance.now();
    // Users rows (the table the job must not read), then the pending requests: the first `due` an hour past
    // their lapse time, the rest due within 1 to 13 days; one counter per LOB as the transactions leave it.
    const writes: TableWrite[] = memberWrites(config.tables.users, users, now);
    const perLob = new Map<string, number>();
    for (let i = 0; i < pending; i++) {
      const lob = `bench-lob-${String(i % lobCount).padStart(2, '0')}`;
      const lapsesAt = now + (i < due ? -3_600_000 : (1 + (i % 13)) * DAY_MS);
      const request = {
        id: randomUUID(),
        lob,
        requester: `lapse-r-${String(i).padStart(6, '0')}`,
        createdAt: new Date(lapsesAt - 14 * DAY_MS).toISOString(),
      };
      writes.push(
        ...pendingRequestWrites(config.tables.requests, request, {
          lapseKind: LAPSE_KIND,
          lapsesAt: new Date(lapsesAt).toISOString(),
        }),
      );
      perLob.set(lob, (perLob.get(lob) ?? 0) + 1);
    }
    for (const [lob, n] of perLob)
      writes.push({
        table: config.tables.requests,
        request: { PutRequest: { Item: { id: `count#${lob}`, pending: n } } },
      });
    await batchWriteAll(deps.ddb, writes, 8);
    const lobs = [...perLob.keys()];
    const before = await countPendingRequests(deps, lobs);
    console.error(
      `lapse-bench: seeded ${users} users, ${pending} pending requests (${due} due) in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`,
    );

    const rows: string[] = [];
    const reads: number[] = [];
    for (const [run, dueNow] of [
      ['first run', due],
      ['second run (nothing due)', 0],
    ] as const) {
      await control('counters/reset', {});
      await control('latency', LATENCY);
      const started = performance.now();
      const result = await lapseDueRequests(deps);
      const ms = Math.round(performance.now() - started);
      await control('latency', { dynamodb: 0, sns: 0 });
      const calls = Object.entries((await (await control('counters')).json()) as Record<string, number>).filter(
        ([k]) => !k.startsWith('studio.'),
      );
      reads.push(result.read);
      const per = result.expired.length ? `${(ms / result.expired.length).toFixed(1)} ms` : '-';
      rows.push(
        `| ${run} | ${dueNow} | ${result.expired.length} | ${result.read} | ${(ms / 1000).toFixed(2)} s | ${per} | ${calls.map(([k, v]) => `${k} ${v}`).join(', ')} |`,
      );
    }
    const after = await countPendingRequests(deps, lobs);

    console.log(
      `\nRequest-lapse bench (lib/admin/request-lapse.ts against the stand-ins; latency added: DynamoDB ${LATENCY.dynamodb} ms, SNS ${LATENCY.sns} ms)`,
    );
    console.log(
      `${users.toLocaleString('en')} users, ${pending.toLocaleString('en')} pending requests in ${lobCount} LOBs, ${due} due (${duePercent}%)\n`,
    );
    console.log('| run | due | expired | items read | wall time | per expired request | AWS calls by operation |');
    console.log('|---|---|---|---|---|---|---|');
    for (const row of rows) console.log(row);
    console.log(
      `\nItems read = items due: ${reads[0] === due && reads[1] === 0 ? 'yes (the lapsesDue index only; no Scan, no Users-table read)' : 'NO'}`,
    );
    console.log(
      `Pending counters: ${before} before, ${after} after (${before - after === due ? 'down by exactly the expired ones' : 'MISMATCH'})`,
    );
  });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
