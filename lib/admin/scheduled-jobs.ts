import type { AdminDeps } from './deps';
import { notifyExpiringMemberships } from './expiry-notices';
import { runReviewJobs, type ReviewJobResult } from './reviews';
import type { ExpiringMembership } from '@/lib/directory/expiring-memberships';
import { lapseDueRequests, type LapseResult } from './request-lapse';

export interface ScheduledJobsResult extends ReviewJobResult {
  /** "Ends in 7 days" notices published in this run. */
  expiring: ExpiringMembership[];
  /** Pending requests that lapsed in this run (lib/admin/request-lapse.ts). */
  lapse: LapseResult;
}

/** The periodic jobs (schedule and in-process timer): review schedules and due dates, expiry notices, lapsed requests. */
export async function runScheduledJobs(deps: AdminDeps): Promise<ScheduledJobsResult> {
  const reviews = await runReviewJobs(deps);
  return { ...reviews, expiring: await notifyExpiringMemberships(deps), lapse: await lapseDueRequests(deps) };
}
