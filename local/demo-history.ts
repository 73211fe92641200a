/**
 * Demo history (LOCAL_DEMO_HISTORY=true, what `npm run local` sets): the last 30 days of plausible launches
 * and Studio app hours for the demo LOBs and users, counted back from the stand-ins' start, plus a few apps
 * running now, so a newcomer's /admin/usage and "My Studio apps" are not empty on the first start.
 * Written through the portal's own counters (lib/usage, lib/directory/app-usage), so the pages read it as
 * they read real counts. Every number comes from a fixed pseudo-random sequence: the same on every start.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { appUsageKeys, userTypeAttribute } from '../lib/directory/app-usage';
import { addUsageCount } from '../lib/directory/usage';
import { mapConcurrent } from '../lib/concurrency';
import { DAY_MS } from '../lib/clock';
import { dayOf, monthOf, userShard, UsageRecorder, type LaunchUsage } from '../lib/usage/counters';
import { USAGE_TTL_DAYS } from '../lib/usage/schema';
import { appKey, DEFAULT_APP_INSTANCE_TYPE, type AwsState } from './aws/state';
import { DEMO_LOBS, DEMO_USERS } from './demo-data';

export const DEMO_HISTORY_DAYS = 30;

/** Instance types the demo users work on (most on the default, one GPU user). */
const INSTANCE_OF: Record<string, string> = { 'user-multi': 'ml.g4dn.xlarge', 'portal-admin': 'ml.m5.large' };

/** A small deterministic generator (mulberry32), so the demo looks the same on every start. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface DemoHistorySummary {
  launches: number;
  appHours: number;
  runningApps: number;
}

/** Seeds the Usage table and the SageMaker stand-in's running apps; `now` is the stand-ins' start. */
export async function seedDemoHistory(
  doc: DynamoDBDocumentClient,
  usageTable: string,
  aws: AwsState,
  now = new Date(),
): Promise<DemoHistorySummary> {
  const next = random(20261207);
  const recorder = new UsageRecorder(doc, usageTable);
  const summary: DemoHistorySummary = { launches: 0, appHours: 0, runningApps: 0 };
  const launches: LaunchUsage[] = [];
  for (let back = DEMO_HISTORY_DAYS - 1; back >= 1; back--) {
    const dayStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - back * DAY_MS);
    const weekend = [0, 6].includes(dayStart.getUTCDay());
    const day = dayOf(dayStart);
    const ttl = Math.floor(dayStart.getTime() / 1000) + USAGE_TTL_DAYS * 86_400;
    for (const lob of DEMO_LOBS) {
      const byType = new Map<string, number>();
      const byShard = new Map<number, Map<string, number>>();
      for (const user of DEMO_USERS.filter(
        (u) => u.profiles.includes(lob.lob) && (u.lobs.includes(lob.lob) || u.groups.length),
      )) {
        if (next() < (weekend ? 0.8 : 0.25)) continue; // a day off
        const count = 1 + Math.floor(next() * 3);
        for (let i = 0; i < count; i++) {
          const at = new Date(dayStart.getTime() + (8 + next() * 9) * 3600_000);
          launches.push({
            lob: lob.lob,
            user: user.username,
            outcome: next() < 0.04 ? 'lob.presign_denied' : 'success',
            durationMs: 80 + Math.floor(next() * 400),
            at,
          });
        }
        const seconds = Math.round((1 + next() * 6) * 3600);
        const type = INSTANCE_OF[user.username] ?? DEFAULT_APP_INSTANCE_TYPE;
        byType.set(`t:${type}`, (byType.get(`t:${type}`) ?? 0) + seconds);
        const shard = userShard(user.username);
        const users = byShard.get(shard) ?? new Map<string, number>();
        users.set(
          userTypeAttribute(user.username, type),
          (users.get(userTypeAttribute(user.username, type)) ?? 0) + seconds,
        );
        byShard.set(shard, users);
        summary.appHours += seconds / 3600;
      }
      if (byType.size)
        await addUsageCount({ doc, table: usageTable }, { key: appUsageKeys.day(lob.lob, day), adds: byType, ttl });
      for (const [shard, adds] of byShard)
        await addUsageCount(
          { doc, table: usageTable },
          { key: appUsageKeys.userMonth(lob.lob, monthOf(day), shard), adds, ttl },
        );
    }
  }
  await mapConcurrent(launches, 16, (usage) => recorder.record(usage));
  summary.launches = launches.length;
  // Apps running now (counted by the first sweep from their start).
  const running = [
    {
      lob: 'lob-a',
      userProfile: 'user-lob-a',
      spaceName: 'user-lob-a-ds',
      appType: 'JupyterLab' as const,
      hours: 2.5,
      instanceType: DEFAULT_APP_INSTANCE_TYPE,
    },
    {
      lob: 'lob-b',
      userProfile: 'user-multi',
      spaceName: 'user-multi-gpu',
      appType: 'JupyterLab' as const,
      hours: 6,
      instanceType: 'ml.g4dn.xlarge',
    },
    {
      lob: 'lob-a',
      userProfile: 'user-group-a',
      spaceName: 'user-group-a-ds',
      appType: 'CodeEditor' as const,
      hours: 26,
      instanceType: 'ml.m5.large',
    },
  ];
  for (const r of running) {
    const lob = DEMO_LOBS.find((l) => l.lob === r.lob);
    const domain = lob && aws.domains.get(lob.domainId);
    if (!domain || !domain.profiles.has(r.userProfile)) continue;
    const createdAt = new Date(aws.now().getTime() - r.hours * 3600_000);
    domain.spaces.set(r.spaceName, {
      name: r.spaceName,
      ownerUserProfile: r.userProfile,
      sharingType: 'Private',
      createdAt,
    });
    const app = {
      userProfile: r.userProfile,
      spaceName: r.spaceName,
      appType: r.appType,
      appName: 'default',
      status: 'InService' as const,
      createdAt,
      instanceType: r.instanceType,
    };
    domain.apps.set(appKey(app), app);
    summary.runningApps++;
  }
  summary.appHours = Math.round(summary.appHours);
  return summary;
}
