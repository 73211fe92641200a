import { getAdminDeps } from '@/lib/admin/deps';
import { checkAllLobs } from '@/lib/admin/health-check';
import { isHealthCheckToken } from '@/lib/health-check-token';
import { getConfig } from '@/lib/config';
import { log } from '@/lib/log';

/**
 * The scheduled LOB health check (infra/health-check.ts: EventBridge Scheduler -> the function -> the
 * Lambda Web Adapter posts the event here). The event carries `token` (lib/health-check-token.ts); anything else is refused, since this path is reachable through the API too.
 */
export async function POST(request: Request): Promise<Response> {
  const body = (await request.json().catch(() => null)) as { token?: unknown } | null;
  if (!isHealthCheckToken(body?.token, getConfig().nextAuthSecret)) {
    log.warn('health_check.refused', {});
    return Response.json({ code: 'auth.forbidden', message: 'Not a health-check event.' }, { status: 403 });
  }
  const results = await checkAllLobs(getAdminDeps());
  log.info('health_check.done', { lobs: results.map((r) => ({ lob: r.lob, ok: r.ok })) });
  return Response.json({ checked: results.map((r) => ({ lob: r.lob, ok: r.ok, checkedAt: r.checkedAt, failingSince: r.failingSince })) });
}
