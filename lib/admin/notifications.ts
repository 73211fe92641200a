/**
 * Notifications about access requests and ending memberships. The portal publishes one message per
 * event to one SNS topic, with message attributes `lob` and `event` so subscribers filter (docs/admin.md).
 */
import { log } from '@/lib/log';

export type NotificationEvent =
  | 'request.created'
  | 'request.decided'
  // A pending request nobody decided within its LOB's "Requests expire after (days)" (lib/admin/request-lapse.ts).
  | 'request.expired'
  | 'membership.expiring'
  | 'review.opened'
  | 'review.member_removed'
  | 'review.reminder'
  | 'access.ended'
  // Studio apps (lib/cost): stopped by an owner, an admin or the LOB's running-time limit; stopping soon.
  | 'app.stopped'
  | 'app.stopping'
  // Emergency (break-glass) access taken (lib/access/emergency.ts); message attribute `user` too.
  | 'access.emergency';

export interface Notification {
  event: NotificationEvent;
  lob: string;
  /** More message attributes beside `lob` and `event` (e.g. `review`), for subscription filters. */
  attributes?: Record<string, string>;
  /** The person the event is about and for (a requester told of a decision or lapse, emergency access): attribute `user`. */
  user?: string;
  subject: string;
  /** Plain text; never secrets. */
  text: string;
  /** Structured details subscribers may parse (put beside `text` in the JSON message). */
  details: Record<string, unknown>;
}

/** Delivers a notification; failures are the caller's to log (a decision never fails for a message). */
export type Notifier = (notification: Notification) => Promise<void>;

/**
 * Sends a notification about something already stored: a lost message must not undo it, but it must not
 * vanish silently either (logged as notification.failed). Without a notifier (no topic) nothing is sent.
 */
export async function notifySafely(deps: { notify?: Notifier }, notification: Notification): Promise<void> {
  if (!deps.notify) return;
  try {
    await deps.notify(notification);
  } catch (error) {
    log.error('notification.failed', {
      event: notification.event,
      lob: notification.lob,
      error: error instanceof Error ? error.message : String(error),
    });
  }
}
