import type { AdminDeps } from './deps';
import { notifyExpiringMemberships } from './expiry-notices';
import { runReviewJobs, type ReviewJobResult } from './reviews';
import { runReviewReminders, type ReminderJobResult } from './review-reminders';
import type { ExpiringMembership } from '@/lib/directory/expiring-memberships';
import { lapseDueRequests, type LapseResult } from './request-lapse';

export interface ScheduledJobsResult extends ReviewJobResult {
  /** "Ends in 7 days" notices published in this run. */
  expiring: ExpiringMembership[];
  /** Review reminders (D-3, D) sent in this run. */
  reminders: ReminderJobResult;
  /** Pending requests that lapsed in this run (lib/admin/request-lapse.ts). */
  lapse: LapseResult;
}

/** The periodic jobs (schedule and in-process timer): review schedules and due dates, expiry notices, review reminders, lapsed requests. */
export async function runScheduledJobs(deps: AdminDeps): Promise<ScheduledJobsResult> {
  const reviews = await runReviewJobs(deps);
  const expiring = await notifyExpiringMemberships(deps);
  return { ...reviews, expiring, reminders: await runReviewReminders(deps), lapse: await lapseDueRequests(deps) };
}
