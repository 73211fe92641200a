/**
 * Access requests as the HTTP suites read them: a LOB's pendingByLob index (through the production SDK, not the
 * portal) and the scheduled jobs' route (the review-jobs token). Shared by tests/requests and tests/admin.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { jobToken } from '@/lib/job-tokens';
import { directoryClient } from './directory';

type StackEnv = { env: Record<string, string> };

/** The items of a LOB's pendingByLob index (the approvers' queue). */
export async function pendingItems(stack: StackEnv, lob: string): Promise<Record<string, unknown>[]> {
  const query = {
    TableName: stack.env.TABLE_REQUESTS,
    IndexName: 'pendingByLob',
    KeyConditionExpression: 'pendingLob = :l',
    ExpressionAttributeValues: { ':l': lob },
  };
  return (await directoryClient(stack.env).doc.send(new QueryCommand(query))).Items ?? [];
}

/** The id of `requester`'s pending request for `lob`; throws "no pending request" when there is none. */
export async function pendingIdOf(stack: StackEnv, requester: string, lob: string): Promise<string> {
  const item = (await pendingItems(stack, lob)).find((i) => i.requester === requester);
  if (!item) throw new Error(`no pending request of ${requester} for ${lob}`);
  return String(item.id);
}

/** POSTs the review-jobs token to /api/internal/jobs (what the schedule does) and answers the JSON. */
export async function runReviewJobs<T>(stack: StackEnv & { url: string }): Promise<{ status: number; body: T }> {
  const res = await fetch(`${stack.url}/api/internal/jobs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: jobToken('review-jobs', stack.env.NEXTAUTH_SECRET) }),
  });
  return { status: res.status, body: (await res.json()) as T };
}
