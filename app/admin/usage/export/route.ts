import type { NextRequest } from 'next/server';
import { requireConsoleRequest } from '@/lib/admin/require-admin';
import { getAdminDeps } from '@/lib/admin/deps';
import { getUsageReport, parseUsagePeriod, usageCsvRows, USAGE_CSV_COLUMNS } from '@/lib/admin/usage';
import { toCsv } from '@/lib/admin/csv';
import { csvResponse } from '@/lib/admin/csv-response';

/** The usage page's numbers as CSV: one row per UTC day and line of business. */
export async function GET(request: NextRequest) {
  const access = await requireConsoleRequest('usage.export');
  const days = parseUsagePeriod(request.nextUrl.searchParams.get('days') ?? undefined);
  const report = await getUsageReport(getAdminDeps(), access, days, { perDayUsers: true });
  return csvResponse(`usage-${days}d-${report.days[report.days.length - 1]}.csv`, async function* () {
    yield toCsv(usageCsvRows(report), USAGE_CSV_COLUMNS, { header: true });
  });
}
