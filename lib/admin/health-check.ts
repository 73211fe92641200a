import { saveLobHealth, type LobHealth } from '@/lib/usage/health';
import { testLobConnection } from './connection-test';
import type { AdminDeps } from './deps';
import { listLobs } from './lobs';

/**
 * The scheduled LOB health check: the admin connection test for every enabled LOB, each result stored
 * (last checked / ok / failing since) and published as the HealthCheckFailed metric that feeds the
 * LOB's alarm (infra/monitoring.ts).
 */
export async function checkAllLobs(deps: AdminDeps): Promise<LobHealth[]> {
  const lobs = (await listLobs(deps)).filter((l) => l.enabled);
  return Promise.all(
    lobs.map(async (lob) => {
      // The LOB account's CloudTrail names the scheduled check as the session's source identity.
      const report = await testLobConnection(deps, lob, 'portal-health-check');
      const failed = report.steps.find((s) => s.status === 'failed');
      deps.metrics?.healthCheck(lob.lob, report.ok);
      return saveLobHealth(
        { doc: deps.ddb, table: deps.tables.usage },
        {
          lob: lob.lob,
          ok: report.ok,
          summary: failed ? `${failed.label}: ${failed.detail}` : 'ok',
          checkedAt: report.testedAt,
        },
      );
    }),
  );
}
