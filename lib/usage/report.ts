import { readDayCounters, readUserDays, readUserMonths, type UsageTable, type UserCounts } from '@/lib/directory/usage';
import { DAY_MS } from '@/lib/clock';
import { dayOf, monthOf } from './counters';
import { DURATION_BUCKETS_MS, USER_SHARDS } from './schema';

export const USAGE_PERIODS = [30, 90] as const;
export type UsagePeriod = (typeof USAGE_PERIODS)[number];

export interface LobUsage {
  lob: string;
  launches: number;
  failures: number;
  /** Distinct users with a successful launch in the calendar months the period touches (`userMonths`). */
  activeUsers: number;
  /** Estimated from the duration histogram: the upper bound of the bucket holding the percentile (ms). */
  medianMs?: number;
  p95Ms?: number;
}

export interface UsageReport {
  days: string[];
  lobs: string[];
  /** launches[lob][i] = launches into `lob` on days[i] (every outcome). */
  launches: Record<string, number[]>;
  /** failures[lob][i] = failed launches into `lob` on days[i]. */
  failures: Record<string, number[]>;
  /** failures by error code, summed over the period and the LOBs, largest first. */
  failuresByCode: { code: string; count: number }[];
  perLob: LobUsage[];
  /** activeUsersPerDay[lob][i] = distinct users launching into `lob` on days[i] (only when asked for: `perDayUsers`). */
  activeUsersPerDay?: Record<string, number[]>;
  /** The UTC calendar months (`YYYY-MM`, oldest first) that active and top users are counted over: those the period touches. */
  userMonths: string[];
  /** Users with the most successful launches in `userMonths`. */
  topUsers: { user: string; lob: string; launches: number }[];
}

/** The UTC days of the period ending today, oldest first. */
export function periodDays(today: Date, length: number): string[] {
  const days: string[] = [];
  for (let i = length - 1; i >= 0; i--) days.push(dayOf(new Date(today.getTime() - i * DAY_MS)));
  return days;
}

/** The duration at a quantile of a histogram (upper bound of the bucket it falls in; the open bucket reports its lower bound). */
export function quantileFromHistogram(buckets: number[], q: number): number | undefined {
  const total = buckets.reduce((a, b) => a + b, 0);
  if (!total) return undefined;
  const rank = Math.ceil(q * total);
  let seen = 0;
  for (let i = 0; i < buckets.length; i++) {
    seen += buckets[i];
    if (seen >= rank) return DURATION_BUCKETS_MS[Math.min(i, DURATION_BUCKETS_MS.length - 1)];
  }
  return DURATION_BUCKETS_MS[DURATION_BUCKETS_MS.length - 1];
}

/** Per-user counters of items, summed; corrected-away launches leave zeros, which do not count. */
function sumUsers(items: UserCounts[], into = new Map<string, number>()): Map<string, number> {
  for (const item of items) {
    for (const [user, n] of item.launches) if (n > 0) into.set(user, (into.get(user) ?? 0) + n);
  }
  return into;
}

/**
 * Usage of the given LOBs over the period ending `today`, read from the write-time counters. Per LOB, all
 * at once: one Query for the day counters (one small item a day) and one for the per-user month totals
 * (USER_SHARDS items a month); the per-user day items only for `perDayUsers` (the CSV export), and no
 * per-user item at all with `users: false` (the overview).
 */
export async function readUsage(
  deps: UsageTable,
  input: { lobs: string[]; days: number; today: Date; topUsers?: number; users?: boolean; perDayUsers?: boolean },
): Promise<UsageReport> {
  const days = periodDays(input.today, input.days);
  const index = new Map(days.map((d, i) => [d, i]));
  const first = days[0];
  const last = days[days.length - 1];
  const userMonths = [...new Set(days.map(monthOf))];
  const launches: Record<string, number[]> = {};
  const failuresPerDay: Record<string, number[]> = {};
  const activeUsersPerDay: Record<string, number[]> = {};
  const failures = new Map<string, number>();
  const perLob: LobUsage[] = [];
  const top: { user: string; lob: string; launches: number }[] = [];
  const none = Promise.resolve([] as UserCounts[]);
  await Promise.all(
    input.lobs.map(async (lob) => {
      const [counters, months, ...shards] = await Promise.all([
        readDayCounters(deps, lob, first, last),
        input.users === false ? none : readUserMonths(deps, lob, userMonths[0], userMonths[userMonths.length - 1]),
        ...(input.perDayUsers
          ? Array.from({ length: USER_SHARDS }, (_, shard) => readUserDays(deps, lob, shard, first, last))
          : []),
      ]);
      const perDay = days.map(() => 0);
      const failedPerDay = days.map(() => 0);
      const histogram = Array.from({ length: DURATION_BUCKETS_MS.length + 1 }, () => 0);
      let lobFailures = 0;
      for (const item of counters) {
        const i = index.get(item.day);
        if (i === undefined) continue;
        perDay[i] = item.launches;
        for (const [code, n] of item.outcomes) {
          if (code === 'success') continue;
          failures.set(code, (failures.get(code) ?? 0) + n);
          lobFailures += n;
          failedPerDay[i] += n;
        }
        for (const [bucket, n] of item.buckets) histogram[bucket] += n;
      }
      if (input.perDayUsers) {
        const usersPerDay = days.map(() => 0);
        for (const item of shards.flat()) {
          const i = index.get(item.period);
          if (i !== undefined) usersPerDay[i] += sumUsers([item]).size;
        }
        activeUsersPerDay[lob] = usersPerDay;
      }
      const byUser = sumUsers(months);
      launches[lob] = perDay;
      failuresPerDay[lob] = failedPerDay;
      for (const [user, count] of byUser) top.push({ user, lob, launches: count });
      perLob.push({
        lob,
        launches: perDay.reduce((a, b) => a + b, 0),
        failures: lobFailures,
        activeUsers: byUser.size,
        medianMs: quantileFromHistogram(histogram, 0.5),
        p95Ms: quantileFromHistogram(histogram, 0.95),
      });
    }),
  );
  const order = new Map(input.lobs.map((l, i) => [l, i]));
  perLob.sort((a, b) => order.get(a.lob)! - order.get(b.lob)!);
  top.sort((a, b) => b.launches - a.launches || a.user.localeCompare(b.user));
  return {
    days,
    lobs: input.lobs,
    launches,
    failures: failuresPerDay,
    ...(input.perDayUsers ? { activeUsersPerDay } : {}),
    userMonths,
    failuresByCode: [...failures]
      .map(([code, count]) => ({ code, count }))
      .sort((a, b) => b.count - a.count || a.code.localeCompare(b.code)),
    perLob,
    topUsers: top.slice(0, input.topUsers ?? 10),
  };
}
