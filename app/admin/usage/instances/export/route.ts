import type { NextRequest } from 'next/server';
import { requireConsoleRequest } from '@/lib/admin/require-admin';
import { getAdminDeps } from '@/lib/admin/deps';
import { listLobs } from '@/lib/admin/lobs';
import { parseUsagePeriod } from '@/lib/admin/usage';
import { visibleLobsFor } from '@/lib/admin/visible-lobs';
import { toCsv } from '@/lib/admin/csv';
import { csvResponse } from '@/lib/admin/csv-response';
import { getClock } from '@/lib/clock';
import { getCostDeps } from '@/lib/cost/deps';
import { INSTANCE_CSV_COLUMNS, instanceCsvRows, readInstanceUsage } from '@/lib/cost/report';

/** Instance hours and estimated cost as CSV: one row per line of business and instance type (the LOBs the caller may see). */
export async function GET(request: NextRequest) {
  const access = await requireConsoleRequest('usage.instances.export');
  const days = parseUsagePeriod(request.nextUrl.searchParams.get('days') ?? undefined);
  const all = await listLobs(getAdminDeps());
  const visible = new Set(
    visibleLobsFor(
      access,
      all.map((l) => l.lob),
    ),
  );
  const report = await readInstanceUsage(
    getCostDeps(),
    all.filter((l) => visible.has(l.lob)),
    days,
    getClock()(),
  );
  return csvResponse(`instance-hours-${days}d-${report.lastDay}.csv`, async function* () {
    yield toCsv(instanceCsvRows(report), INSTANCE_CSV_COLUMNS, { header: true });
  });
}
