/**
 * Notifications about access requests and ending memberships. The portal publishes one message per
 * event to one SNS topic, with message attributes `lob` and `event` so subscribers filter (docs/admin.md).
 */
export type NotificationEvent = 'request.created' | 'request.decided' | 'membership.expiring' | 'review.opened' | 'review.member_removed';

export interface Notification {
  event: NotificationEvent;
  lob: string;
  subject: string;
  /** Plain text; never secrets. */
  text: string;
  /** Structured details subscribers may parse (put beside `text` in the JSON message). */
  details: Record<string, unknown>;
}

/** Delivers a notification; failures are the caller's to log (a decision never fails for a message). */
export type Notifier = (notification: Notification) => Promise<void>;
