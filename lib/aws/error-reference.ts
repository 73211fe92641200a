import { log } from '@/lib/log';
import { newRequestId } from '@/lib/request-id';

/**
 * An AWS failure a page reports: the page says what failed and gives a reference; the log keeps the
 * error's name and message (ARNs, account ids, policy names) under that reference. Raw AWS text never
 * reaches a page.
 */
export function logAwsFailure(event: string, error: unknown, fields: Record<string, unknown> = {}): string {
  const reference = newRequestId();
  log.warn(event, { requestId: reference, ...fields, error });
  return `details are in the portal logs under reference ${reference}`;
}
