/**
 * Usage benchmarks (issue 16):
 * 1. The usage page with 1,000,000 launches recorded over 90 days (target p50 < 300 ms): the counters
 *    are seeded directly as the write-time ADDs leave them (per LOB-day counter items, per-user day
 *    shards and per-user month totals), then readUsage (lib, as the page calls it) and
 *    GET /admin/usage?days=90 (HTTP, signed-in admin) are timed.
 * 2. Counting adds no sequential round trip: DynamoDB calls per launch from the stand-in counters, and
 *    launch latency with 100 ms per DynamoDB call, for AUDIT_WRITE=after-response (default) and
 *    before-response (Lambda): the counters go out beside the audit write, so latency stays 1 x or
 *    2 x the DynamoDB latency, never 3 x; and the longest chain of AWS calls before the response
 *    (sequentialDepth over the stand-ins' call timeline) for a returning user's warm launch.
 *
 *   NEXT_DIST_DIR=.next npx tsx bench/usage-bench.ts [--launches 1000000] [--users 1000] [--samples 40]
 */
import { performance } from 'node:perf_hooks';
import { parseConfig } from '../lib/config';
import { createDynamoDocumentClient } from '../lib/aws/clients';
import { batchWriteAll, type TableWrite } from '../lib/directory/writes';
import { readUsage } from '../lib/usage/report';
import { periodDays } from '../lib/usage/report';
import { monthOf, userShard } from '../lib/usage/counters';
import { usageKeys } from '../lib/directory/usage';
import { DURATION_BUCKETS_MS, NO_LOB, USER_SHARDS } from '../lib/usage/schema';
import { control, startPortal, startStandIns } from '../local/stack';
import { adminCookie } from './admin-bench';
import { sequentialDepth } from './latency';
import { summarize, timeSamples } from './lib/stats';
import { fetchAccessToken } from './lib/tokens';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};

const LOBS = ['lob-a', 'lob-b'];
const OUTCOMES = ['aws.throttled', 'profile.not_found', 'lob.role_denied'];

/** Items equal to what `launches` recorded launches over 90 days leave in the Usage table. */
function seedItems(table: string, launches: number, users: number, today: Date): TableWrite[] {
  const days = periodDays(today, 90);
  const perLobDay = Math.floor(launches / days.length / LOBS.length);
  const writes: TableWrite[] = [];
  // Per LOB and month: the USER_SHARDS month-total items the day items add up to.
  const months = new Map<string, Record<string, unknown>[]>();
  let rng = 42;
  const random = () => (rng = (rng * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (const lob of LOBS) {
    for (const day of days) {
      const failures = Math.round(perLobDay * 0.02);
      const successes = perLobDay - failures;
      const counter: Record<string, unknown> = {
        ...usageKeys.counters(lob, day),
        n: perLobDay,
        'o:success': successes,
      };
      OUTCOMES.forEach(
        (o, i) =>
          (counter[`o:${o}`] = Math.floor(failures / OUTCOMES.length) + (i === 0 ? failures % OUTCOMES.length : 0)),
      );
      const buckets = Array.from({ length: DURATION_BUCKETS_MS.length + 1 }, () => 0);
      for (let i = 0; i < successes; i++)
        buckets[Math.min(buckets.length - 1, Math.floor(2 + random() * random() * 8))] += 1;
      buckets.forEach((b, i) => b && (counter[`h${i}`] = b));
      writes.push({ table, request: { PutRequest: { Item: counter } } });
      // Each LOB has `users / 2` users; every day ~80% of them launch, sharing the day's successes.
      const shards = Array.from(
        { length: USER_SHARDS },
        (_, s) => ({ ...usageKeys.users(lob, s, day) }) as Record<string, unknown>,
      );
      const active: string[] = [];
      for (let u = 0; u < users / 2; u++) if (random() < 0.8) active.push(`${lob}-user-${u}`);
      let left = successes;
      active.forEach((user, i) => {
        const count =
          i === active.length - 1
            ? left
            : Math.min(left, Math.max(1, Math.round((successes / active.length) * (0.5 + random()))));
        left -= count;
        if (count > 0) shards[userShard(user)][`u:${user}`] = count;
      });
      for (const item of shards) writes.push({ table, request: { PutRequest: { Item: item } } });
      for (const item of shards) {
        const month =
          months.get(`${lob}|${monthOf(day)}`) ??
          Array.from(
            { length: USER_SHARDS },
            (_, s) => ({ ...usageKeys.userMonth(lob, monthOf(day), s) }) as Record<string, unknown>,
          );
        months.set(`${lob}|${monthOf(day)}`, month);
        const monthShard = month[Number(String(item.sk).slice(1, String(item.sk).indexOf('#')))];
        for (const [k, v] of Object.entries(item))
          if (k.startsWith('u:')) monthShard[k] = Number(monthShard[k] ?? 0) + Number(v);
      }
    }
  }
  for (const month of months.values())
    for (const item of month) writes.push({ table, request: { PutRequest: { Item: item } } });
  return writes;
}

function timeLaunches(portalUrl: string, token: string, samples: number): Promise<number[]> {
  return timeSamples(samples, async () => {
    const res = await fetch(`${portalUrl}/api/studio/user-lob-a`, {
      headers: { authorization: `Bearer ${token}` },
      redirect: 'manual',
    });
    await res.arrayBuffer();
    if (res.status !== 302) throw new Error(`launch answered ${res.status}`);
  });
}

async function main() {
  const launches = arg('launches', 1_000_000);
  const users = arg('users', 1000);
  const samples = arg('samples', 40);
  const standIns = await startStandIns({});
  const ctl = control(standIns.urls.control);
  const stops: Array<() => Promise<void>> = [() => standIns.stop()];
  try {
    const env: Record<string, string> = {
      ...standIns.portalEnv,
      NEXTAUTH_URL: 'http://localhost:3000',
      NEXTAUTH_SECRET: 'b'.repeat(40),
    };
    const config = parseConfig(env);
    // The SDK's default credential chain reads the portal principal's keys from the environment.
    process.env.AWS_ACCESS_KEY_ID = env.AWS_ACCESS_KEY_ID;
    process.env.AWS_SECRET_ACCESS_KEY = env.AWS_SECRET_ACCESS_KEY;
    const doc = createDynamoDocumentClient(config);
    const today = new Date();
    const seedStarted = performance.now();
    const writes = seedItems(config.tables.usage, launches, users, today);
    await batchWriteAll(doc, writes, 4);
    console.error(
      `seeded ${writes.length} usage items (${launches.toLocaleString('en-US')} launches, ${users} users, 90 days) in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s`,
    );

    const lobs = [...LOBS, NO_LOB];
    const check = await readUsage({ doc, table: config.tables.usage }, { lobs, days: 90, today });
    const total = check.perLob.reduce((a, l) => a + l.launches, 0);
    const lib = await timeSamples(samples, () =>
      readUsage({ doc, table: config.tables.usage }, { lobs, days: 90, today }),
    );

    const portal = await startPortal({
      env: { ...standIns.portalEnv, LOG_LEVEL: 'warn' },
      distDir: process.env.NEXT_DIST_DIR,
    });
    stops.unshift(() => portal.stop());
    const cookie = await adminCookie(portal.url);
    for (let i = 0; i < 3; i++)
      await fetch(`${portal.url}/admin/usage?days=90`, { headers: { cookie } }).then((r) => r.text()); // warm up
    const http = await timeSamples(samples, async () => {
      const res = await fetch(`${portal.url}/admin/usage?days=90`, { headers: { cookie } });
      const html = await res.text();
      if (res.status !== 200 || !html.includes('launches-chart')) throw new Error(`usage page answered ${res.status}`);
    });

    // Round trips: DynamoDB calls per launch (after the after-response writes have settled).
    const token = await fetchAccessToken(standIns.portalEnv, 'user-lob-a', 'UserLobA1!');
    await timeLaunches(portal.url, token, 3);
    await new Promise((r) => setTimeout(r, 300));
    await ctl.resetCounters();
    await timeLaunches(portal.url, token, 10);
    await new Promise((r) => setTimeout(r, 500));
    const counters = await ctl.getCounters();
    const perLaunch = Object.fromEntries(
      Object.entries(counters)
        .filter(([k]) => k.startsWith('dynamodb.'))
        .map(([k, v]) => [k, v / 10]),
    );

    // Latency with 100 ms per DynamoDB call, after-response and before-response.
    const DYNAMO_MS = 100;
    const before = await startPortal({
      env: { ...standIns.portalEnv, LOG_LEVEL: 'warn', AUDIT_WRITE: 'before-response' },
      distDir: process.env.NEXT_DIST_DIR,
    });
    stops.unshift(() => before.stop());
    await timeLaunches(before.url, token, 3);
    await ctl.setLatency({ dynamodb: DYNAMO_MS });
    // AWS calls the user waits for one after another (a returning user's warm launch), from the stand-ins' timeline.
    const traced = async (url: string) => {
      const depths: number[] = [];
      const beforeResponse: Record<string, number> = {};
      for (let i = 0; i < 5; i++) {
        await ctl.resetCounters();
        const res = await fetch(`${url}/api/studio/user-lob-a`, {
          headers: { authorization: `Bearer ${token}` },
          redirect: 'manual',
        });
        // The response's head is the user's answer: after-response work may begin while its body is read.
        const respondedAt = performance.timeOrigin + performance.now();
        await res.arrayBuffer();
        if (res.status !== 302) throw new Error(`launch answered ${res.status}`);
        const calls = (await ctl.getCalls()).filter(
          (c) => !c.op.startsWith('cognito.') && !c.op.startsWith('studio.') && c.at < respondedAt,
        );
        for (const c of calls) beforeResponse[c.op] = Math.round(((beforeResponse[c.op] ?? 0) + 0.2) * 10) / 10;
        depths.push(sequentialDepth(calls));
        await new Promise((r) => setTimeout(r, 2 * DYNAMO_MS + 100)); // after-response writes land outside the next trace
      }
      return { sequentialBeforeResponseMax: Math.max(...depths), callsBeforeResponsePerLaunch: beforeResponse };
    };
    // The presign takes time too (as against AWS), so calls sent beside it start while it runs: a presign
    // answering in 0 ms would make every call after it look sequential to sequentialDepth.
    await ctl.setLatency({ dynamodb: DYNAMO_MS, sagemaker: DYNAMO_MS });
    const sequential = { afterResponse: await traced(portal.url), beforeResponse: await traced(before.url) };
    await ctl.setLatency({ dynamodb: DYNAMO_MS, sagemaker: 0 });
    const afterMode = summarize(await timeLaunches(portal.url, token, 20));
    const beforeMode = summarize(await timeLaunches(before.url, token, 20));
    await ctl.setLatency({ dynamodb: 0 });

    const result = {
      usagePage: {
        launchesRecorded: total,
        items: writes.length,
        readUsage: { ...summarize(lib), targetP50Ms: 300 },
        http: { ...summarize(http), targetP50Ms: 300, pass: summarize(http).p50Ms < 300 },
      },
      roundTrips: {
        dynamodbCallsPerLaunch: perLaunch,
        note: 'GetItem (Users) before the response; PutItem (audit) and UpdateItem (counters: day, user-day, user-month per success) together after it (after-response) or beside the presign (before-response)',
        sequential,
        withDynamoDbLatencyMs: DYNAMO_MS,
        afterResponse: { p50Ms: afterMode.p50Ms, expectedIfCountingWereSequential: 'no change (after the response)' },
        beforeResponse: {
          p50Ms: beforeMode.p50Ms,
          sequentialWouldBeAtLeastMs: 3 * DYNAMO_MS,
          concurrentIsAboutMs: 2 * DYNAMO_MS,
        },
      },
    };
    console.log(JSON.stringify(result, null, 2));
  } finally {
    for (const stop of stops) await stop().catch(() => undefined);
  }
}

void main().catch((error) => {
  console.error(error);
  process.exit(1);
});
