/**
 * Instance hours and their estimated cost, from the counters the sweep ADDs (lib/cost/sweep.ts) priced with
 * the price table (lib/cost/prices.ts): per LOB and instance type for the usage page and its CSV, and one
 * user's month to date for the home page.
 */
import { readInstanceDays, readUserMonthSeconds } from '@/lib/directory/app-usage';
import type { TableAccess } from '@/lib/directory/access';
import type { Lob } from '@/lib/directory/types';
import { dayOf, monthOf, userShard } from '@/lib/usage/counters';
import { DAY_MS } from '@/lib/clock';
import type { RunningApp } from './apps';
import { listMyApps } from './stop-app';
import type { AppClients } from './clients';
import { costOf, hourlyPrice, type PriceTable } from './prices';

export interface InstanceUsageRow {
  lob: string;
  instanceType: string;
  hours: number;
  /** Price per hour in the LOB's region; undefined when the table has none. */
  hourlyPrice?: number;
  cost?: number;
}

export interface InstanceUsageReport {
  firstDay: string;
  lastDay: string;
  rows: InstanceUsageRow[];
  /** Per LOB: hours and the cost of the priced hours. */
  byLob: Array<{ lob: string; hours: number; cost: number; unpricedHours: number }>;
  /** Per instance type over all LOBs shown. */
  byType: Array<{ instanceType: string; hours: number; cost: number }>;
  prices: Pick<PriceTable, 'source' | 'asOf' | 'currency'>;
}

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;

/** The LOBs' instance hours and cost over the last `days` UTC days up to `today` (included). */
export async function readInstanceUsage(
  deps: TableAccess & { prices: PriceTable },
  lobs: Array<Pick<Lob, 'lob' | 'region'>>,
  days: number,
  today: Date,
): Promise<InstanceUsageReport> {
  const lastDay = dayOf(today);
  const firstDay = dayOf(new Date(today.getTime() - (days - 1) * DAY_MS));
  const usage = { doc: deps.ddb, table: deps.tables.usage };
  const perLob = await Promise.all(
    lobs.map(async (lob) => ({ lob, items: await readInstanceDays(usage, lob.lob, firstDay, lastDay) })),
  );
  const rows: InstanceUsageRow[] = [];
  for (const { lob, items } of perLob) {
    const seconds = new Map<string, number>();
    for (const item of items) for (const [type, s] of item.seconds) seconds.set(type, (seconds.get(type) ?? 0) + s);
    for (const [instanceType, s] of [...seconds].sort(([a], [b]) => a.localeCompare(b))) {
      const cost = costOf(deps.prices, lob.region, instanceType, s);
      rows.push({
        lob: lob.lob,
        instanceType,
        hours: round(s / 3600, 2),
        hourlyPrice: hourlyPrice(deps.prices, lob.region, instanceType),
        cost: cost === undefined ? undefined : round(cost, 2),
      });
    }
  }
  const byLob = lobs.map(({ lob }) => {
    const mine = rows.filter((r) => r.lob === lob);
    return {
      lob,
      hours: round(
        mine.reduce((a, r) => a + r.hours, 0),
        2,
      ),
      cost: round(
        mine.reduce((a, r) => a + (r.cost ?? 0), 0),
        2,
      ),
      unpricedHours: round(
        mine.filter((r) => r.cost === undefined).reduce((a, r) => a + r.hours, 0),
        2,
      ),
    };
  });
  const types = new Map<string, { hours: number; cost: number }>();
  for (const r of rows) {
    const t = types.get(r.instanceType) ?? { hours: 0, cost: 0 };
    t.hours += r.hours;
    t.cost += r.cost ?? 0;
    types.set(r.instanceType, t);
  }
  const byType = [...types]
    .map(([instanceType, t]) => ({ instanceType, hours: round(t.hours, 2), cost: round(t.cost, 2) }))
    .sort((a, b) => b.cost - a.cost || b.hours - a.hours);
  return {
    firstDay,
    lastDay,
    rows,
    byLob,
    byType,
    prices: { source: deps.prices.source, asOf: deps.prices.asOf, currency: deps.prices.currency },
  };
}

export const INSTANCE_CSV_COLUMNS = [
  'firstDay',
  'lastDay',
  'lob',
  'instanceType',
  'hours',
  'hourlyPrice',
  'estimatedCost',
  'currency',
] as const;

/** One CSV row per LOB and instance type (the numbers behind the charts). */
export function instanceCsvRows(
  report: InstanceUsageReport,
): Record<(typeof INSTANCE_CSV_COLUMNS)[number], string | number>[] {
  return report.rows.map((r) => ({
    firstDay: report.firstDay,
    lastDay: report.lastDay,
    lob: r.lob,
    instanceType: r.instanceType,
    hours: r.hours.toFixed(2),
    hourlyPrice: r.hourlyPrice === undefined ? '' : String(r.hourlyPrice),
    estimatedCost: r.cost === undefined ? '' : r.cost.toFixed(2),
    currency: report.prices.currency,
  }));
}

/** One user's month to date per LOB: hours and estimated cost (one GetItem per LOB, at once). */
export async function readMyMonth(
  deps: TableAccess & { prices: PriceTable },
  lobs: Array<Pick<Lob, 'lob' | 'region'>>,
  username: string,
  today: Date,
): Promise<{ month: string; hours: number; cost: number; unpricedHours: number }> {
  const month = monthOf(dayOf(today));
  const usage = { doc: deps.ddb, table: deps.tables.usage };
  const perLob = await Promise.all(
    lobs.map(async (lob) => ({
      lob,
      seconds: await readUserMonthSeconds(usage, lob.lob, month, userShard(username), username),
    })),
  );
  let hours = 0;
  let cost = 0;
  let unpricedHours = 0;
  for (const { lob, seconds } of perLob) {
    for (const [type, s] of seconds) {
      hours += s / 3600;
      const c = costOf(deps.prices, lob.region, type, s);
      if (c === undefined) unpricedHours += s / 3600;
      else cost += c;
    }
  }
  return { month, hours: round(hours, 2), cost: round(cost, 2), unpricedHours: round(unpricedHours, 2) };
}

/**
 * What "My Studio apps" shows, read at once per LOB (the user's own session: ListApps and ListSpaces side
 * by side; the month's counters beside them): one AWS call in a row for a returning user.
 */
export async function loadMyApps(
  deps: TableAccess & { prices: PriceTable; apps: AppClients },
  lobs: Lob[],
  username: string,
  now: Date,
): Promise<{
  perLob: Array<{ lob: Lob; apps: RunningApp[]; error?: unknown }>;
  month?: Awaited<ReturnType<typeof readMyMonth>>;
}> {
  const [perLob, month] = await Promise.all([
    Promise.all(
      lobs.map(async (lob) => {
        try {
          return { lob, apps: await listMyApps(deps, lob, username) };
        } catch (error) {
          return { lob, apps: [] as RunningApp[], error };
        }
      }),
    ),
    readMyMonth(deps, lobs, username, now).catch(() => undefined),
  ]);
  return { perLob, month };
}
