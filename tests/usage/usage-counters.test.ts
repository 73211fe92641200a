/**
 * lib/usage against the DynamoDB stand-in (AWS's DynamoDB Local) through the production SDK clients:
 * concurrent launches never lose a count (atomic ADD), the report sums days, outcomes, users and
 * durations as recorded, and only for the LOBs asked for.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Server } from 'node:http';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { createDynamoDbServer, seedDynamoDb, startDynamoDbLocal } from '@/local/dynamodb';
import { Knobs } from '@/local/knobs';
import { closeServer, listen } from '@/local/http-util';
import { DEMO_REGION } from '@/local/demo-data';
import { BatchingUsageRecorder, UsageRecorder, durationBucket, userShard } from '@/lib/usage/counters';
import { quantileFromHistogram, readUsage } from '@/lib/usage/report';
import { DURATION_BUCKETS_MS, NO_LOB, USER_SHARDS } from '@/lib/usage/schema';

const tables = {
  users: 'usage-t-users',
  lobs: 'usage-t-lobs',
  audit: 'usage-t-audit',
  requests: 'usage-t-requests',
  reviews: 'usage-t-reviews',
  usage: 'usage-t-usage',
};
let server: Server;
let doc: DynamoDBDocumentClient;
let knobs: Knobs;
const today = new Date('2026-11-30T12:00:00Z');
const daysAgo = (n: number) => new Date(today.getTime() - n * 86_400_000);

beforeAll(async () => {
  knobs = new Knobs();
  server = createDynamoDbServer(knobs, await startDynamoDbLocal());
  const port = await listen(server, 0, '127.0.0.1');
  const endpoint = `http://127.0.0.1:${port}`;
  await seedDynamoDb(endpoint, tables, DEMO_REGION, false);
  doc = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint, region: DEMO_REGION, credentials: { accessKeyId: 't', secretAccessKey: 't' } }),
  );
});

afterAll(async () => {
  if (server) await closeServer(server);
});

describe('Method: UsageRecorder.record', () => {
  it('counts 200 concurrent launches exactly (atomic ADD, no lost update)', async () => {
    // Prepare
    const recorder = new UsageRecorder(doc, tables.usage);
    // Act
    await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        recorder.record({ lob: 'lob-c', user: `u${i % 7}`, outcome: 'success', durationMs: 120, at: today }),
      ),
    );
    // Assess
    const report = await readUsage({ doc, table: tables.usage }, { lobs: ['lob-c'], days: 30, today });
    expect(report.launches['lob-c'].at(-1)).toBe(200);
    expect(report.perLob[0]).toMatchObject({
      lob: 'lob-c',
      launches: 200,
      failures: 0,
      activeUsers: 7,
      medianMs: 150,
      p95Ms: 150,
    });
    expect(report.topUsers.reduce((a, u) => a + u.launches, 0)).toBe(200);
  });

  it('makes one UpdateItem for a failure and three for a success (day counters, user-day, user-month), sent together', async () => {
    const recorder = new UsageRecorder(doc, tables.usage);
    knobs.resetCounters();
    await recorder.record({ lob: 'lob-d', user: 'x', outcome: 'profile.not_found', durationMs: 10, at: today });
    expect(knobs.getCounters()['dynamodb.UpdateItem']).toBe(1);
    knobs.setLatency({ dynamodb: 50 });
    await recorder.record({ lob: 'lob-d', user: 'x', outcome: 'success', durationMs: 10, at: today });
    knobs.setLatency({ dynamodb: 0 });
    expect(knobs.getCounters()['dynamodb.UpdateItem']).toBe(4);
    const updates = knobs
      .getCalls()
      .filter((c) => c.op === 'dynamodb.UpdateItem')
      .slice(1);
    // Concurrent: all three start before the first (50 ms) could have answered.
    expect(Math.max(...updates.map((c) => c.at)) - Math.min(...updates.map((c) => c.at))).toBeLessThan(40);
  });

  it('corrects a launch counted ahead as a success to its error code, off the user counters', async () => {
    const recorder = new UsageRecorder(doc, tables.usage);
    const ahead = { lob: 'lob-g', user: 'gina', outcome: 'success', at: today };
    await recorder.record(ahead);
    await recorder.correct({ ...ahead, outcome: 'lob.presign_denied' }, 'success');
    const report = await readUsage(
      { doc, table: tables.usage },
      { lobs: ['lob-g'], days: 30, today, perDayUsers: true },
    );
    expect(report.launches['lob-g'].at(-1)).toBe(1);
    expect(report.failures['lob-g'].at(-1)).toBe(1);
    expect(report.failuresByCode).toEqual([{ code: 'lob.presign_denied', count: 1 }]);
    // gina's only launch failed: not an active user, not a top user (her counters are back at 0).
    expect(report.perLob[0]).toMatchObject({ launches: 1, failures: 1, activeUsers: 0 });
    expect(report.activeUsersPerDay?.['lob-g'].at(-1)).toBe(0);
    expect(report.topUsers).toEqual([]);
  });

  it('adds a noted duration to the next write: merged into the same LOB-day item, or beside it for another', async () => {
    const recorder = new UsageRecorder(doc, tables.usage);
    recorder.noteDuration({ lob: 'lob-h', user: 'hal', outcome: 'success', durationMs: 60, at: today });
    recorder.noteDuration({ lob: 'lob-i', user: 'ida', outcome: 'success', durationMs: 2500, at: today });
    knobs.resetCounters();
    await recorder.record({ lob: 'lob-h', user: 'hal', outcome: 'success', at: today });
    // The lob-h sample merged into the day counter's ADD (3 writes of the launch), lob-i's beside them.
    expect(knobs.getCounters()['dynamodb.UpdateItem']).toBe(4);
    const report = await readUsage({ doc, table: tables.usage }, { lobs: ['lob-h', 'lob-i'], days: 30, today });
    expect(report.perLob).toMatchObject([
      { lob: 'lob-h', launches: 1, medianMs: 75, p95Ms: 75 },
      { lob: 'lob-i', launches: 0, medianMs: 3000, p95Ms: 3000 },
    ]);
    knobs.resetCounters();
    await recorder.record({ lob: 'lob-h', user: 'hal', outcome: 'success', at: today });
    expect(knobs.getCounters()['dynamodb.UpdateItem']).toBe(3); // sent once only
  });
});

describe('Method: BatchingUsageRecorder.record', () => {
  it('merges launches that end together: exact counts with far fewer UpdateItems than three per launch', async () => {
    // Prepare
    const recorder = new BatchingUsageRecorder(doc, tables.usage);
    knobs.resetCounters();
    // Act: 60 launches of 3 users (2 failures among them) at once, then one alone
    await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        recorder.record({
          lob: 'lob-batch',
          user: `b${i % 3}`,
          outcome: i < 2 ? 'aws.throttled' : 'success',
          durationMs: 120,
          at: today,
        }),
      ),
    );
    const together = knobs.getCounters()['dynamodb.UpdateItem'];
    await recorder.record({ lob: 'lob-batch', user: 'b9', outcome: 'success', durationMs: 120, at: today });
    // Assess: 3 rounds of at most 25 launches, each one counter item + at most 3 user-day and 3 user-month shards
    // (one at a time: 3 UpdateItems per successful launch, 180 for these 60)
    expect(together).toBeLessThanOrEqual(21);
    expect(knobs.getCounters()['dynamodb.UpdateItem'] - together).toBe(3);
    const report = await readUsage({ doc, table: tables.usage }, { lobs: ['lob-batch'], days: 30, today });
    expect(report.perLob[0]).toMatchObject({ lob: 'lob-batch', launches: 61, failures: 2, activeUsers: 4 });
    expect(report.topUsers.reduce((a, u) => a + u.launches, 0)).toBe(59);
  });

  it('fails every launch of a round whose write failed, and counts again once DynamoDB answers', async () => {
    const recorder = new BatchingUsageRecorder(doc, tables.usage);
    knobs.addFault({ service: 'dynamodb', operation: 'UpdateItem', error: 'ServiceUnavailable', rate: 1 });
    const results = await Promise.allSettled(
      [0, 1].map((i) =>
        recorder.record({ lob: 'lob-batch-fail', user: `f${i}`, outcome: 'success', durationMs: 5, at: today }),
      ),
    );
    knobs.clearFaults();
    expect(
      results.map((r) => r.status),
      JSON.stringify(results),
    ).toEqual(['rejected', 'rejected']);
    expect((results[0] as PromiseRejectedResult).reason).toMatchObject({ code: 'directory.unavailable' });
    await recorder.record({ lob: 'lob-batch-fail', user: 'f0', outcome: 'success', durationMs: 5, at: today });
    const report = await readUsage({ doc, table: tables.usage }, { lobs: ['lob-batch-fail'], days: 30, today });
    expect(report.perLob[0]).toMatchObject({ lob: 'lob-batch-fail', launches: 1 });
  });
});

describe('Method: readUsage', () => {
  it('reports launches per day, failures by code, active users, duration percentiles and top users', async () => {
    // Prepare: lob-e over three days; a launch without a LOB; another LOB that must not show.
    const recorder = new UsageRecorder(doc, tables.usage);
    const launches: Parameters<UsageRecorder['record']>[0][] = [
      ...Array.from({ length: 9 }, (_, i) => ({
        lob: 'lob-e',
        user: 'alice',
        outcome: 'success',
        durationMs: 40 + i,
        at: daysAgo(0),
      })),
      { lob: 'lob-e', user: 'bob', outcome: 'success', durationMs: 2500, at: daysAgo(0) },
      { lob: 'lob-e', user: 'bob', outcome: 'success', durationMs: 90, at: daysAgo(2) },
      { lob: 'lob-e', user: 'carol', outcome: 'aws.throttled', durationMs: 30, at: daysAgo(2) },
      { lob: 'lob-e', user: 'carol', outcome: 'profile.not_found', durationMs: 30, at: daysAgo(29) },
      { lob: 'lob-e', user: 'dave', outcome: 'success', durationMs: 90, at: daysAgo(30) }, // outside 30 days
      { user: 'erin', outcome: 'user.not_mapped', durationMs: 5, at: daysAgo(1) },
      { lob: 'lob-f', user: 'frank', outcome: 'aws.throttled', durationMs: 5, at: daysAgo(1) },
    ];
    for (const l of launches) await recorder.record(l);
    // Act
    const report = await readUsage(
      { doc, table: tables.usage },
      { lobs: ['lob-e', NO_LOB], days: 30, today, perDayUsers: true },
    );
    // Assess
    expect(report.days).toHaveLength(30);
    expect(report.days.at(-1)).toBe('2026-11-30');
    expect(report.launches['lob-e'].at(-1)).toBe(10);
    expect(report.launches['lob-e'].at(-3)).toBe(2);
    expect(report.launches['lob-e'][0]).toBe(1);
    expect(report.launches['lob-e'].reduce((a, b) => a + b, 0)).toBe(13);
    expect(report.launches[NO_LOB].at(-2)).toBe(1);
    expect(report.failuresByCode).toEqual([
      { code: 'aws.throttled', count: 1 },
      { code: 'profile.not_found', count: 1 },
      { code: 'user.not_mapped', count: 1 },
    ]);
    expect(report.perLob.find((l) => l.lob === 'lob-e')).toMatchObject({
      launches: 13,
      failures: 2,
      activeUsers: 2,
      medianMs: 50,
      p95Ms: 3000,
    });
    expect(report.activeUsersPerDay?.['lob-e'].at(-1)).toBe(2);
    expect(report.activeUsersPerDay?.['lob-e'].at(-3)).toBe(1);
    expect(report.userMonths).toEqual(['2026-11']);
    expect(report.topUsers.slice(0, 2)).toEqual([
      { user: 'alice', lob: 'lob-e', launches: 9 },
      { user: 'bob', lob: 'lob-e', launches: 2 },
    ]);
    expect(report.lobs).not.toContain('lob-f');
  });
});

describe('Method: readUsage, items it cannot read', () => {
  it('refuses a counter item that is not what the counters write (naming it) and translates a failed Query', async () => {
    await doc.send(
      new PutCommand({
        TableName: tables.usage,
        Item: { pk: 'lob#lob-bad', sk: 'c#2026-11-30', n: 'many', 'o:success': 1 },
      }),
    );
    const read = readUsage({ doc, table: tables.usage }, { lobs: ['lob-bad'], days: 30, today });
    await expect(read).rejects.toMatchObject({
      code: 'directory.item_invalid',
      message: expect.stringContaining('lob#lob-bad/c#2026-11-30'),
    });

    knobs.addFault({ service: 'dynamodb', operation: 'Query', error: 'ServiceUnavailable', rate: 1 });
    const failed = await readUsage({ doc, table: tables.usage }, { lobs: ['lob-e'], days: 30, today }).catch(
      (e: unknown) => e,
    );
    knobs.clearFaults();
    expect(failed).toMatchObject({ code: 'directory.unavailable' });
  });
});

describe('Method: readUsage, users per calendar month', () => {
  it('counts active and top users over the months the period touches, and reads no user item for the overview', async () => {
    const recorder = new UsageRecorder(doc, tables.usage);
    const dec = new Date('2026-12-03T08:00:00Z');
    for (const l of [
      { user: 'kim', at: new Date('2026-10-20T10:00:00Z') }, // before the 30 days, in a month they touch
      { user: 'kim', at: new Date('2026-11-20T10:00:00Z') },
      { user: 'lee', at: new Date('2026-12-02T10:00:00Z') },
      { user: 'lee', at: new Date('2026-12-03T07:00:00Z') },
      { user: 'max', at: new Date('2026-09-30T10:00:00Z') }, // a month the period does not touch
    ]) {
      await recorder.record({ lob: 'lob-j', outcome: 'success', durationMs: 100, ...l });
    }
    const report = await readUsage({ doc, table: tables.usage }, { lobs: ['lob-j'], days: 30, today: dec });
    expect(report.userMonths).toEqual(['2026-11', '2026-12']);
    expect(report.perLob[0]).toMatchObject({ launches: 3, activeUsers: 2 });
    expect(report.topUsers).toEqual([
      { user: 'lee', lob: 'lob-j', launches: 2 },
      { user: 'kim', lob: 'lob-j', launches: 1 },
    ]);
    expect(report.activeUsersPerDay).toBeUndefined();
    const ninety = await readUsage({ doc, table: tables.usage }, { lobs: ['lob-j'], days: 90, today: dec });
    expect(ninety.userMonths).toEqual(['2026-09', '2026-10', '2026-11', '2026-12']);
    expect(ninety.topUsers.find((u) => u.user === 'kim')?.launches).toBe(2);
    expect(ninety.perLob[0].activeUsers).toBe(3);
    knobs.resetCounters();
    const overview = await readUsage(
      { doc, table: tables.usage },
      { lobs: ['lob-j'], days: 8, today: dec, users: false },
    );
    expect(overview.launches['lob-j'].slice(-2)).toEqual([1, 1]);
    expect(overview.topUsers).toEqual([]);
    expect(knobs.getCounters()['dynamodb.Query']).toBe(1);
  });
});

describe('histogram helpers', () => {
  it('puts durations in their bucket and reads quantiles back', () => {
    expect(durationBucket(0)).toBe(0);
    expect(durationBucket(25)).toBe(0);
    expect(durationBucket(26)).toBe(1);
    expect(durationBucket(999_999)).toBe(DURATION_BUCKETS_MS.length);
    expect(quantileFromHistogram([0, 0, 0], 0.5)).toBeUndefined();
    expect(quantileFromHistogram([1, 1, 8], 0.5)).toBe(75);
    expect(userShard('alice')).toBeGreaterThanOrEqual(0);
    expect(userShard('alice')).toBeLessThan(USER_SHARDS);
  });
});
