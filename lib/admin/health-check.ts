import { createHmac, timingSafeEqual } from 'node:crypto';
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
      const report = await testLobConnection(deps, lob);
      const failed = report.steps.find((s) => s.status === 'failed');
      deps.metrics?.healthCheck(lob.lob, report.ok);
      return saveLobHealth(
        { doc: deps.ddb, table: deps.tables.usage },
        { lob: lob.lob, ok: report.ok, summary: failed ? `${failed.label}: ${failed.detail}` : 'ok', checkedAt: report.testedAt },
      );
    }),
  );
}

/**
 * The token the scheduler sends to the internal health-check route: derived from the session secret
 * (HMAC, so the secret itself never leaves the function's environment) - infra computes the same value.
 */
export function healthCheckToken(nextAuthSecret: string): string {
  return createHmac('sha256', nextAuthSecret).update('studio-portal/health-check').digest('base64url');
}

export function isHealthCheckToken(candidate: unknown, nextAuthSecret: string): boolean {
  if (typeof candidate !== 'string') return false;
  const expected = Buffer.from(healthCheckToken(nextAuthSecret));
  const given = Buffer.from(candidate);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
