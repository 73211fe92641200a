import type { NextRequest } from 'next/server';
import { requireConsoleRequest } from '@/lib/admin/require-admin';
import { getAdminDeps, nowOf } from '@/lib/admin/deps';
import { parseUsagePeriod } from '@/lib/admin/usage';
import { emergencyUsage, EMERGENCY_CSV_COLUMNS } from '@/lib/access/emergency';
import { toCsv } from '@/lib/admin/csv';
import { csvResponse } from '@/lib/admin/csv-response';

/** Emergency access of the period as CSV: one row per grant, with the successful launches under it (docs/admin.md). */
export async function GET(request: NextRequest) {
  const access = await requireConsoleRequest('usage.emergency.export');
  const deps = getAdminDeps();
  const days = parseUsagePeriod(request.nextUrl.searchParams.get('days') ?? undefined);
  // The caller's LOBs, from the LOB list the gate has just read (all of them for a platform admin).
  const rows = await emergencyUsage(deps, access.lobs, days);
  return csvResponse(`emergency-access-${days}d-${nowOf(deps).toISOString().slice(0, 10)}.csv`, async function* () {
    yield toCsv(
      rows.map((r) => ({ ...r, decidedBy: r.decidedBy ?? '' })),
      EMERGENCY_CSV_COLUMNS,
      { header: true },
    );
  });
}
