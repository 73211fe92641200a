import { requireAdminRequest } from '@/lib/admin/require-admin';
import { getAdminDeps, nowOf } from '@/lib/admin/deps';
import { iterateMappedUsers } from '@/lib/admin/user-lobs';
import { EXPORT_COLUMNS, toExportRow, type ExportRow } from '@/lib/admin/user-import';
import { toCsv } from '@/lib/admin/csv';
import { csvResponse } from '@/lib/admin/csv-response';

/** Every explicit membership in force as CSV (the `username,lobs,expiresAt` columns the import takes, plus bookkeeping). */
export async function GET() {
  await requireAdminRequest('users.export');
  const deps = getAdminDeps();
  const now = nowOf(deps);
  return csvResponse(`user-lob-mappings-${now.toISOString().slice(0, 10)}.csv`, async function* () {
    let header = true;
    for await (const page of iterateMappedUsers(deps)) {
      const rows = page.map((user) => toExportRow(user, now)).filter((row): row is ExportRow => row !== null);
      if (!rows.length) continue;
      yield toCsv(rows, EXPORT_COLUMNS, { header });
      header = false;
    }
    if (header) yield toCsv([], EXPORT_COLUMNS, { header: true });
  });
}
