/**
 * Reviews that chase their reviewers (issue 27): an SNS event `review.reminder` 3 days before a review's
 * due date ("D-3") and on the due date ("D"), each once, naming how many rows are still undecided.
 *
 * An open review's header carries `remindAt`, the time its next reminder is due, and `remindKind` while one
 * is left: the sparse remindersDue index (lib/directory/schema.ts) holds exactly the reviews with a
 * reminder to send, so a run reads only what is due (not every open or overdue review). Sending is
 * claimed first with a conditional update of the header (`remindAt` still the slot read, review open)
 * that records the marker (remindedBeforeAt / remindedDueAt): two runs at once, or a run repeated, send
 * each reminder once. A review with nothing undecided spends its slot without a message.
 */
import { claimReminder, queryDueReminders, type DueReminder, type Review } from '@/lib/directory/reviews';
import { mapConcurrent } from '@/lib/concurrency';
import { formatUtcMinute } from '@/lib/time-format';
import type { AdminDeps } from './deps';
import { nowOf } from './deps';
import { notifySafely } from './notifications';
import { DAY_MS } from '@/lib/clock';

/** The first reminder goes out this many days before the due date. */
export const REMIND_BEFORE_DAYS = 3;
/** Reviews read from the index per page, and reminders claimed and published at once. */
const PAGE = 100;
const SENDERS = 8;

export type ReminderStage = 'D-3' | 'D';

export interface SentReminder {
  review: string;
  lob: string;
  stage: ReminderStage;
  undecided: number;
  dueAt: string;
}

export interface ReminderJobResult {
  /** Reminders published in this run. */
  reminded: SentReminder[];
  /** Reviews the index returned (all of them had a reminder due). */
  read: number;
}

/**
 * Where a new review's first reminder slot lies: 3 days before `dueAt`, or the due date itself when the
 * review is opened less than 3 days before it (its "review.opened" message already says when it is due).
 */
export function firstReminderAt(dueAt: string, now: Date): string {
  const before = Date.parse(dueAt) - REMIND_BEFORE_DAYS * DAY_MS;
  return before > now.getTime() ? new Date(before).toISOString() : dueAt;
}

/** Which reminder a due slot stands for: the due-date one once the due date has come (a late run sends only that). */
function stageOf(review: Review, now: Date): ReminderStage {
  return Date.parse(review.dueAt) <= now.getTime() ? 'D' : 'D-3';
}

/** Claims and sends one review's due reminder; null when another run took it first or nothing is undecided. */
async function remind(deps: AdminDeps, { review, remindAt }: DueReminder, now: Date): Promise<SentReminder | null> {
  const stage = stageOf(review, now);
  const claimed = await claimReminder(deps, review.id, {
    seen: remindAt,
    marker: stage === 'D' ? 'remindedDueAt' : 'remindedBeforeAt',
    at: now.toISOString(),
    next: stage === 'D' ? undefined : review.dueAt,
  });
  if (!claimed) return null;
  const undecided = Math.max(claimed.total - claimed.decided, 0);
  if (!undecided) return null;
  const due = formatUtcMinute(claimed.dueAt);
  const when = stage === 'D' ? `was due ${due}` : `is due ${due}`;
  await notifySafely(deps, {
    event: 'review.reminder',
    lob: claimed.lob,
    attributes: { review: claimed.id },
    subject: `Reminder: access review of ${claimed.lob}, ${undecided} undecided`,
    text: `The access review of ${claimed.lob} ${when}; ${undecided} of ${claimed.total} members are undecided. Decide at /admin/reviews/${claimed.id}.`,
    details: {
      review: claimed.id,
      stage,
      undecided,
      total: claimed.total,
      dueAt: claimed.dueAt,
      reviewers: claimed.reviewers,
    },
  });
  return { review: claimed.id, lob: claimed.lob, stage, undecided, dueAt: claimed.dueAt };
}

/** The reminder job (part of the scheduled jobs): every review whose reminder is due, from the index only. */
export async function runReviewReminders(deps: AdminDeps): Promise<ReminderJobResult> {
  const now = nowOf(deps);
  const result: ReminderJobResult = { reminded: [], read: 0 };
  for await (const page of queryDueReminders(deps, now.toISOString(), PAGE)) {
    result.read += page.length;
    const sent = await mapConcurrent(page, SENDERS, (due) => remind(deps, due, now));
    result.reminded.push(...sent.filter((s): s is SentReminder => s !== null));
  }
  return result;
}
