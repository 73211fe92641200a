import type { AdminDeps } from './deps';
import { notifyExpiringMemberships } from './expiry-notices';
import { runReviewJobs, type ReviewJobResult } from './reviews';
import { runReviewReminders, type ReminderJobResult } from './review-reminders';
import type { ExpiringMembership } from '@/lib/directory/expiring-memberships';

export interface ScheduledJobsResult extends ReviewJobResult {
  /** "Ends in 7 days" notices published in this run. */
  expiring: ExpiringMembership[];
  /** Review reminders (D-3, D) sent in this run. */
  reminders: ReminderJobResult;
}

/** The periodic jobs (schedule and in-process timer): review schedules and due dates, then expiry notices and review reminders. */
export async function runScheduledJobs(deps: AdminDeps): Promise<ScheduledJobsResult> {
  const reviews = await runReviewJobs(deps);
  return { ...reviews, expiring: await notifyExpiringMemberships(deps), reminders: await runReviewReminders(deps) };
}
