/**
 * Access requests at scale (issue 13): the request queue with 10,000 pending requests and a LOB owner's
 * member list with 100,000 users in the Users table, and the pending count every admin page's navigation
 * shows, through the same lib calls the pages make, against DynamoDB Local. Target: p50 < 300 ms each.
 *
 *   npx tsx bench/requests-bench.ts [--users 100000] [--pending 10000] [--samples 40]
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { batchWriteAll, type TableWrite } from '../lib/directory/writes';
import { countPendingRequests, listPendingRequests } from '../lib/admin/requests';
import { listMembers } from '../lib/admin/members';
import { findExpiringMemberships } from '../lib/directory/expiring-memberships';
import { summarize as stats, timeSamples as time } from './lib/stats';
import { memberWrites, numberArg, pendingRequestWrites, withBenchStandIns } from './lib/seed-members';

const TARGET_P50_MS = 300;

async function main() {
  const users = numberArg('users', 100_000);
  const pending = numberArg('pending', 10_000);
  const samples = numberArg('samples', 40);
  await withBenchStandIns(async ({ config, deps }) => {
    const now = Date.now();
    const seedStart = performance.now();
    const writes: TableWrite[] = memberWrites(config.tables.users, users, now);
    for (let i = 0; i < pending; i++) {
      const requester = `bench-r-${String(i).padStart(6, '0')}`;
      const id = randomUUID();
      const createdAt = new Date(now - i * 1000).toISOString();
      writes.push(...pendingRequestWrites(config.tables.requests, { id, lob: 'lob-a', requester, createdAt }));
    }
    // The LOB's pending counter, as the requests' transactions would have left it.
    writes.push({ table: config.tables.requests, request: { PutRequest: { Item: { id: 'count#lob-a', pending } } } });
    await batchWriteAll(deps.ddb, writes, 8);
    const seedSeconds = (performance.now() - seedStart) / 1000;

    const queue = stats(await time(samples, () => listPendingRequests(deps, ['lob-a'])));
    const count = stats(await time(samples, () => countPendingRequests(deps, ['lob-a'])));
    const counted = await countPendingRequests(deps, ['lob-a', 'lob-b']);
    if (counted !== pending) throw new Error(`pending count ${counted}, expected ${pending}`);
    const members = stats(await time(samples, () => listMembers(deps, 'lob-a')));
    const expiring = stats(
      await time(Math.min(samples, 10), () => listMembers(deps, 'lob-a', { expiringWithinDays: 14 })),
    );
    // The members page's "Search members" (username prefix): one user among the 10,000 lob-a members.
    const search = stats(
      await time(samples, (i) =>
        listMembers(deps, 'lob-a', { prefix: `bench-u-${String((i * 30) % users).padStart(6, '0')}` }),
      ),
    );
    // The review jobs' expiry scan (runs hourly, not per page view): the whole Users table.
    const scanStart = performance.now();
    const ending = await findExpiringMemberships(
      deps.ddb,
      config.tables.users,
      new Date(now),
      new Date(now + 7 * 86400_000),
    );
    const expiryScanMs = Math.round(performance.now() - scanStart);
    const first = await listMembers(deps, 'lob-a');
    const report = {
      users,
      pending,
      seedSeconds: Math.round(seedSeconds),
      requestQueue: { ...queue, targetP50Ms: TARGET_P50_MS, pass: queue.p50Ms < TARGET_P50_MS },
      navPendingCount: { ...count, counted, targetP50Ms: TARGET_P50_MS, pass: count.p50Ms < TARGET_P50_MS },
      ownerMemberList: {
        ...members,
        pageSize: first.members.length,
        targetP50Ms: TARGET_P50_MS,
        pass: members.p50Ms < TARGET_P50_MS,
      },
      expiringIn14Days: expiring,
      memberSearch: { ...search, targetP50Ms: TARGET_P50_MS, pass: search.p50Ms < TARGET_P50_MS },
      expiryNoticeScan: { ms: expiryScanMs, endingWithin7Days: ending.length },
    };
    console.log(JSON.stringify(report, null, 2));
  });
}

void main().catch((error) => {
  console.error(error);
  process.exit(1);
});
