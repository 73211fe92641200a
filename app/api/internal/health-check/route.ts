import { getAdminDeps } from '@/lib/admin/deps';
import { checkAllLobs } from '@/lib/admin/health-check';
import { refusalOfJobRequest } from '@/lib/http/internal-job';
import { log } from '@/lib/log';

/**
 * The scheduled LOB health check (infra/health-check.ts: EventBridge Scheduler -> the function -> the
 * Lambda Web Adapter posts the event here). The event carries `token` (lib/job-tokens.ts); anything else is refused, since this path is reachable through the API too.
 */
export async function POST(request: Request): Promise<Response> {
  const refused = await refusalOfJobRequest(request, 'health-check');
  if (refused) return refused;
  const results = await checkAllLobs(getAdminDeps());
  log.info('health_check.done', { lobs: results.map((r) => ({ lob: r.lob, ok: r.ok })) });
  return Response.json({ checked: results.map((r) => ({ lob: r.lob, ok: r.ok, checkedAt: r.checkedAt, failingSince: r.failingSince })) });
}
