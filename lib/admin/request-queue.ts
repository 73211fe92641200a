/**
 * An approver's queue (issue 27, "everyone is told"): the pending requests of their LOBs, as the pendingByLob
 * index lists them, re-read with one consistent BatchGetItem so a request another approver just decided
 * drops at once (a GSI is eventually consistent in DynamoDB). A request that waits for a second approval
 * stays in the others' queues but leaves the queue of whoever already approved it (listed apart).
 */
import { reshapeRequestItem, type AccessRequest } from '@/lib/directory/requests';
import { batchGetAll } from '@/lib/directory/writes';
import type { AdminDeps } from './deps';
import { listPendingRequests } from './requests';

export interface ApproverQueue {
  /** Pending requests this approver may still decide, newest first. */
  requests: AccessRequest[];
  /** Pending requests this approver already approved (waiting for another approver). */
  approvedByYou: AccessRequest[];
  nextToken?: string;
}

export const approvedBy = (request: Pick<AccessRequest, 'approvals'>, approver: string) =>
  (request.approvals ?? []).some((a) => a.by === approver);

/** The queue of `approver` over `lobs` (see the module comment). */
export async function approverQueue(
  deps: AdminDeps,
  approver: string,
  lobs: string[],
  options: { pageToken?: string } = {},
): Promise<ApproverQueue> {
  const page = await listPendingRequests(deps, lobs, options);
  const items = await batchGetAll(
    deps.ddb,
    deps.tables.requests,
    page.requests.map((r) => ({ id: r.id })),
    { consistentRead: true },
  );
  const current = new Map(
    items
      .map(reshapeRequestItem)
      .filter((r) => r.status === 'pending')
      .map((r) => [r.id, r]),
  );
  const open = page.requests.flatMap((r) => current.get(r.id) ?? []);
  return {
    requests: open.filter((r) => !approvedBy(r, approver)),
    approvedByYou: open.filter((r) => approvedBy(r, approver)),
    nextToken: page.nextToken,
  };
}
