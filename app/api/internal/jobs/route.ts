import { getAdminDeps } from '@/lib/admin/deps';
import { checkAllLobs } from '@/lib/admin/health-check';
import { runScheduledJobs } from '@/lib/admin/scheduled-jobs';
import { appLabel } from '@/lib/access/end-access';
import { endAccessStep, runAccessSweep } from '@/lib/access/sweep';
import { getCostDeps } from '@/lib/cost/deps';
import { costSweepStep } from '@/lib/cost/sweep';
import { getConfig } from '@/lib/config';
import { isJobToken } from '@/lib/job-tokens';
import { log } from '@/lib/log';

/**
 * The scheduled jobs, one route (infra/health-check.ts: EventBridge Scheduler -> the function -> the
 * Lambda Web Adapter posts the event here). The event's `token` (lib/job-tokens.ts) names the job:
 * `health-check` runs the LOB health check; `review-jobs` runs the review schedule, overdue reviews and
 * the "membership ends in 7 days" notices (also what the in-process timer runs); `access-sweep` ends the
 * Studio access of people in Studio who may no longer be (lib/access/sweep.ts). Anything else is
 * refused, since this path is reachable through the API too.
 */
export async function POST(request: Request): Promise<Response> {
  const body = (await request.json().catch(() => null)) as { token?: unknown } | null;
  const secret = getConfig().nextAuthSecret;
  if (isJobToken('health-check', body?.token, secret)) {
    const results = await checkAllLobs(getAdminDeps());
    log.info('health_check.done', { lobs: results.map((r) => ({ lob: r.lob, ok: r.ok })) });
    return Response.json({
      checked: results.map((r) => ({ lob: r.lob, ok: r.ok, checkedAt: r.checkedAt, failingSince: r.failingSince })),
    });
  }
  if (isJobToken('review-jobs', body?.token, secret)) {
    const result = await runScheduledJobs(getAdminDeps());
    log.info('review_jobs.done', {
      opened: result.opened.map((r) => r.lob),
      closed: result.closed.map((r) => r.lob),
      expiringNotices: result.expiring.length,
      reminders: result.reminders.reminded.length,
    });
    return Response.json({
      opened: result.opened.map((r) => ({ id: r.id, lob: r.lob, total: r.total, dueAt: r.dueAt })),
      closed: result.closed.map((r) => ({ id: r.id, lob: r.lob })),
      expiring: result.expiring,
      reminders: result.reminders,
      lapsed: {
        requests: result.lapse.expired.map((r) => ({ id: r.id, lob: r.lob, requester: r.requester })),
        read: result.lapse.read,
      },
    });
  }
  if (isJobToken('access-sweep', body?.token, secret)) {
    const deps = getAdminDeps();
    if (!deps.studio)
      return Response.json(
        { code: 'config.invalid', message: 'No access-control sessions configured.' },
        { status: 500 },
      );
    // Cost control (issue 25) is one more step per LOB: app hours, running-time limits (lib/cost/sweep.ts).
    const result = await runAccessSweep(
      { ...deps, studio: deps.studio },
      { steps: [endAccessStep, costSweepStep(getCostDeps())] },
    );
    const ended = result.lobs.flatMap((l) =>
      l.ended.map((e) => ({
        lob: e.lob,
        user: e.username,
        reason: e.reason,
        stopped: e.stopped.map(appLabel),
        failed: e.failed.length,
        profile: e.profile,
      })),
    );
    log.info('access_sweep.done', {
      lobs: result.lobs.length,
      ended: ended.length,
      cognitoCalls: result.cognitoCalls,
      durationMs: result.durationMs,
    });
    return Response.json({
      lobs: result.lobs.map((l) => ({
        lob: l.lob,
        runningApps: l.runningApps,
        checkedUsers: l.checkedUsers,
        ended: l.ended.length,
        steps: l.steps,
        ...(l.error ? { error: l.error } : {}),
      })),
      ended,
      durationMs: result.durationMs,
    });
  }
  log.warn('jobs.refused', {});
  return Response.json({ code: 'auth.forbidden', message: 'Not a scheduled-job event.' }, { status: 403 });
}
