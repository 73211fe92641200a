import { getConfig } from '@/lib/config';
import { isJobToken, type InternalJob } from '@/lib/job-tokens';
import { log } from '@/lib/log';

/**
 * The 403 for a POST to an internal job route without the job's `{ "token": … }` (lib/job-tokens.ts), or
 * null when the caller is the scheduler. These paths are reachable through the API too.
 */
export async function refusalOfJobRequest(request: Request, job: InternalJob): Promise<Response | null> {
  const body = (await request.json().catch(() => null)) as { token?: unknown } | null;
  if (isJobToken(job, body?.token, getConfig().nextAuthSecret)) return null;
  log.warn(`${job.replace('-', '_')}.refused`, {});
  return Response.json({ code: 'auth.forbidden', message: `Not a ${job} event.` }, { status: 403 });
}
