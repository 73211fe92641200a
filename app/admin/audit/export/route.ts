import type { NextRequest } from 'next/server';
import { forbidden } from 'next/navigation';
import { requireConsoleRequest } from '@/lib/admin/require-admin';
import { getAdminDeps } from '@/lib/admin/deps';
import { AUDIT_CSV_COLUMNS, iterateAudit } from '@/lib/admin/audit';
import { parseAuditFilter, scopeAuditFilter } from '@/lib/admin/audit-filter';
import { toCsv } from '@/lib/admin/csv';
import { csvResponse } from '@/lib/admin/csv-response';

/** The audit log as CSV, same filters as the page, newest first. */
export async function GET(request: NextRequest) {
  const access = await requireConsoleRequest('audit.export');
  const filter =
    scopeAuditFilter(parseAuditFilter(Object.fromEntries(request.nextUrl.searchParams)), access) ?? forbidden();
  const deps = getAdminDeps();
  return csvResponse(`audit-${new Date().toISOString().slice(0, 10)}.csv`, async function* () {
    let header = true;
    for await (const page of iterateAudit(deps, filter)) {
      // The lob column names every LOB a change touched (several for some user changes), `;`-separated.
      const rows = page.map((entry) => ({ ...entry, lob: entry.lobs.join(';') }));
      yield toCsv(rows as unknown as Record<(typeof AUDIT_CSV_COLUMNS)[number], unknown>[], AUDIT_CSV_COLUMNS, {
        header,
      });
      header = false;
    }
    if (header) yield toCsv([], AUDIT_CSV_COLUMNS, { header: true });
  });
}
