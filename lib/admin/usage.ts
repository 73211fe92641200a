import type { ConsoleAccess } from '@/lib/auth/roles';
import { readUsage, USAGE_PERIODS, type UsagePeriod, type UsageReport } from '@/lib/usage/report';
import { nowOf, type AdminDeps } from './deps';
import { listLobs } from './lobs';
import { visibleLobsFor } from './visible-lobs';

/** `?days=` as a period the page offers (30 unless 90 is asked for). */
export function parseUsagePeriod(raw: string | undefined): UsagePeriod {
  const n = Number(raw);
  return (USAGE_PERIODS as readonly number[]).includes(n) ? (n as UsagePeriod) : 30;
}

/**
 * The usage of the LOBs this person may see, over the last `days` UTC days (today included);
 * `perDayUsers` adds distinct users per day (the CSV's column, read from the per-user day items).
 */
export async function getUsageReport(
  deps: AdminDeps,
  access: ConsoleAccess,
  days: UsagePeriod,
  options: { perDayUsers?: boolean } = {},
): Promise<UsageReport> {
  const lobs = visibleLobsFor(
    access,
    (await listLobs(deps)).map((l) => l.lob),
  );
  return readUsage(
    { doc: deps.ddb, table: deps.tables.usage },
    { lobs, days, today: nowOf(deps), perDayUsers: options.perDayUsers },
  );
}

export const USAGE_CSV_COLUMNS = ['day', 'lob', 'launches', 'failures', 'activeUsers'] as const;

/** One CSV row per day and LOB (the numbers behind the charts). */
export function usageCsvRows(report: UsageReport): Record<(typeof USAGE_CSV_COLUMNS)[number], string | number>[] {
  return report.days.flatMap((day, i) =>
    report.lobs.map((lob) => ({
      day,
      lob,
      launches: report.launches[lob]?.[i] ?? 0,
      failures: report.failures[lob]?.[i] ?? 0,
      activeUsers: report.activeUsersPerDay?.[lob]?.[i] ?? 0,
    })),
  );
}
