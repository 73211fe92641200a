import { requireAdminRequest } from '@/lib/admin/require-admin';
import { getAdminDeps } from '@/lib/admin/deps';
import { iterateMappedUsers } from '@/lib/admin/users';
import { toCsv } from '@/lib/admin/csv';
import { csvResponse } from '@/lib/admin/csv-response';

const COLUMNS = ['username', 'lobs', 'version', 'updatedAt', 'updatedBy'] as const;

/** Every explicit mapping as CSV (same `username,lobs` columns the import takes, plus bookkeeping). */
export async function GET() {
  await requireAdminRequest('users.export');
  const deps = getAdminDeps();
  return csvResponse(`user-lob-mappings-${new Date().toISOString().slice(0, 10)}.csv`, async function* () {
    let header = true;
    for await (const page of iterateMappedUsers(deps)) {
      yield toCsv(page as unknown as Record<(typeof COLUMNS)[number], unknown>[], COLUMNS, { header });
      header = false;
    }
    if (header) yield toCsv([], COLUMNS, { header: true });
  });
}
