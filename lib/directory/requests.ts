/**
 * The access-requests table (REQUESTS_TABLE): request items (`id` = a UUID), one guard item per pending
 * (LOB, requester) (`id` = `pending#<lob>#<requester>`, written with `attribute_not_exists` beside its
 * request so a second pending one is refused) and one counter item per LOB (`id` = `count#<lob>`,
 * `pending` N, moved in the same transactions). Reads reshape items into AccessRequest at this border;
 * writes are built here and committed by the caller's transaction (lib/admin/requests.ts keeps the rules).
 */
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import type { TableAccessTo } from './access';
import { DirectoryItemError, issuesOf } from './items';
import { REQUESTS_TABLE, indexOf } from './schema';
import type { PageKey } from './types';
import { batchGetAll, queryNewestFirst, type DirectoryWrite } from './writes';
import { send } from './send';

/** `expired`: nobody decided it within its LOB's "Requests expire after (days)" (lib/admin/request-lapse.ts). */
export type RequestStatus = 'pending' | 'approved' | 'denied' | 'withdrawn' | 'expired';

/** What a request asks for: to join (the default) or to extend a membership that ends (lib/admin/extensions.ts). */
export type RequestKind = 'join' | 'extension';

export interface AccessRequest {
  id: string;
  lob: string;
  requester: string;
  justification: string;
  /** Days asked for. */
  days: number;
  status: RequestStatus;
  createdAt: string;
  decidedBy?: string;
  decidedAt?: string;
  /** Why it was denied. */
  reason?: string;
  /** Days granted (approval; at most `days`). */
  approvedDays?: number;
  /** End of the membership the approval granted. */
  until?: string;
  /** Approvals needed (the LOB's "Approvals required" when filed, raised if the LOB raised it meanwhile); absent = 1. */
  approvalsRequired?: number;
  /** Approvals given so far, oldest first (a request needing two keeps the first here until the second). */
  approvals?: RequestApproval[];
  /** The requester's user-pool `sub` when filed (identity binding, issue 23). */
  requesterSub?: string;
  /** `extension`: asks for `days` more after the membership's end (`extendsUntil` when filed); absent = join. */
  kind?: RequestKind;
  extendsUntil?: string;
  /** When a pending request lapses (createdAt + the LOB's requestExpiryDays); absent on requests filed before lapsing existed. */
  lapsesAt?: string;
}

/** One approver's approval of a request (approvalsRequired > 1 records each). */
export interface RequestApproval {
  by: string;
  at: string;
  /** Days this approver granted (the membership gets the fewest of all approvals). */
  days: number;
}

type Access = TableAccessTo<'requests'>;
type Item = Record<string, unknown>;

const guardKey = (lob: string, requester: string) => ({ id: `pending#${lob}#${requester}` });
const counterKey = (lob: string) => ({ id: `count#${lob}` });
/** Guards and counters share the table's key space with requests; no request id looks like theirs. */
const isBookkeepingId = (id: string) => id.startsWith('pending#') || id.startsWith('count#');

const optionalText = z.string().optional();
const requestItemSchema = z.object({
  id: z.string().min(1),
  lob: z.string().min(1),
  requester: z.string().min(1),
  justification: z.string().default(''),
  days: z.number().int().positive(),
  status: z.enum(['pending', 'approved', 'denied', 'withdrawn', 'expired']),
  createdAt: z.string().min(1),
  decidedBy: optionalText,
  decidedAt: optionalText,
  reason: optionalText,
  approvedDays: z.number().int().positive().optional(),
  until: optionalText,
  approvalsRequired: z.number().int().min(1).max(2).optional(),
  approvals: z
    .array(z.object({ by: z.string().min(1), at: z.string().min(1), days: z.number().int().positive() }))
    .optional(),
  requesterSub: optionalText,
  kind: z.enum(['join', 'extension']).optional(),
  extendsUntil: optionalText,
  lapsesAt: optionalText,
});

/** A request item as an AccessRequest (index keys and guard links dropped); a malformed item is refused. */
export function reshapeRequestItem(item: Item): AccessRequest {
  const parsed = requestItemSchema.safeParse(item);
  if (!parsed.success) throw new DirectoryItemError('Requests', String(item.id), issuesOf(parsed.error));
  return parsed.data;
}

/** The request (consistent read), or null when there is none (or `id` names a guard or counter item). */
export async function getAccessRequest(access: Access, id: string): Promise<AccessRequest | null> {
  if (isBookkeepingId(id)) return null;
  const out = await send('requests.get', () =>
    access.ddb.send(new GetCommand({ TableName: access.tables.requests, Key: { id }, ConsistentRead: true })),
  );
  return out.Item ? reshapeRequestItem(out.Item) : null;
}

/** The requester's newest `limit` requests (any status), from the byRequester index. */
export function queryRequestsOf(access: Access, requester: string, limit: number): Promise<AccessRequest[]> {
  return queryNewestFirst(access, REQUESTS_TABLE, 'byRequester', { value: requester, limit }, reshapeRequestItem);
}

/** One page of a LOB's pending requests, newest first, from the sparse pendingByLob index. */
export async function queryPendingRequests(
  access: Access,
  lob: string,
  page: { limit: number; startKey?: PageKey },
): Promise<{ requests: AccessRequest[]; nextKey?: PageKey }> {
  const query = new QueryCommand({
    TableName: access.tables.requests,
    IndexName: indexOf(REQUESTS_TABLE, 'pendingByLob').name,
    KeyConditionExpression: 'pendingLob = :lob',
    ExpressionAttributeValues: { ':lob': lob },
    ScanIndexForward: false,
    Limit: page.limit,
    ExclusiveStartKey: page.startKey,
  });
  const out = await send('requests.pending', () => access.ddb.send(query));
  return { requests: (out.Items ?? []).map(reshapeRequestItem), nextKey: out.LastEvaluatedKey };
}

/** The value of `lapseKind` on a pending request that can lapse (the lapsesDue index's only partition). */
export const LAPSE_KIND = 'pending';

/**
 * One page of pending requests whose `lapsesAt` is at or before `now`, oldest due first, from the sparse
 * lapsesDue index: only due requests are read (`scanned` = items read, for the bench).
 */
export async function queryDueRequests(
  access: Access,
  now: Date,
  page: { limit: number; startKey?: PageKey },
): Promise<{ requests: AccessRequest[]; nextKey?: PageKey; scanned: number }> {
  const query = new QueryCommand({
    TableName: access.tables.requests,
    IndexName: indexOf(REQUESTS_TABLE, 'lapsesDue').name,
    KeyConditionExpression: 'lapseKind = :kind AND lapsesAt <= :now',
    ExpressionAttributeValues: { ':kind': LAPSE_KIND, ':now': now.toISOString() },
    Limit: page.limit,
    ExclusiveStartKey: page.startKey,
  });
  const out = await send('requests.due', () => access.ddb.send(query));
  return {
    requests: (out.Items ?? []).map(reshapeRequestItem),
    nextKey: out.LastEvaluatedKey,
    scanned: out.ScannedCount ?? 0,
  };
}

/** How many requests wait in the given LOBs: the sum of their counter items (one BatchGetItem per 100 LOBs). */
export async function countPendingRequests(access: Access, lobs: readonly string[]): Promise<number> {
  if (!lobs.length) return 0;
  const items = await batchGetAll(access.ddb, access.tables.requests, lobs.map(counterKey), {
    projection: '#p',
    names: { '#p': 'pending' },
  });
  return items.reduce((sum, item) => sum + Math.max(Number(item.pending ?? 0), 0), 0);
}

/** The LOB's pending counter moved by `by` (+1 on a new request, -1 on its decision or withdrawal). */
function counterWrite(access: Access, lob: string, by: 1 | -1): DirectoryWrite {
  return {
    Update: {
      TableName: access.tables.requests,
      Key: counterKey(lob),
      UpdateExpression: 'ADD pending :by',
      ExpressionAttributeValues: { ':by': by },
    },
  };
}

/** The request still has exactly the `count` approvals that were read (approvals are only ever appended). */
function approvalsCondition(count: number, values: Record<string, unknown>): string {
  values[':approvalsRead'] = count;
  return count === 0
    ? '(attribute_not_exists(approvals) OR size(approvals) = :approvalsRead)'
    : 'size(approvals) = :approvalsRead';
}

/** Writes of access requests, for the caller's TransactWriteItems. */
export const requestWrites = {
  /**
   * A new pending request: its guard (item 0, refused with ConditionalCheckFailed while the requester has
   * a pending request for the LOB), the request itself and the LOB's counter +1.
   */
  create(access: Access, request: AccessRequest): DirectoryWrite[] {
    return [
      {
        Put: {
          TableName: access.tables.requests,
          Item: { ...guardKey(request.lob, request.requester), request: request.id },
          ConditionExpression: 'attribute_not_exists(id)',
        },
      },
      {
        Put: {
          TableName: access.tables.requests,
          Item: { ...request, pendingLob: request.lob, ...(request.lapsesAt ? { lapseKind: LAPSE_KIND } : {}) },
          ConditionExpression: 'attribute_not_exists(id)',
        },
      },
      counterWrite(access, request.lob, 1),
    ];
  },
  /**
   * A decision or withdrawal: `set` on the request (only while it is pending, and with `requesterOnly`
   * only while it is still the requester's), its removal from the pending index, the guard's removal and
   * the counter -1.
   */
  close(
    access: Access,
    request: Pick<AccessRequest, 'id' | 'lob' | 'requester'>,
    set: Record<string, unknown>,
    options: { requesterOnly?: boolean; approvalsBefore?: number } = {},
  ): DirectoryWrite[] {
    const names: Record<string, string> = { '#status': 'status' };
    const values: Record<string, unknown> = { ':pending': 'pending' };
    const approvals =
      options.approvalsBefore === undefined ? '' : ` AND ${approvalsCondition(options.approvalsBefore, values)}`;
    const assignments = Object.entries(set).map(([k, v], i) => {
      names[`#f${i}`] = k;
      values[`:v${i}`] = v;
      return `#f${i} = :v${i}`;
    });
    if (options.requesterOnly) values[':requester'] = request.requester;
    return [
      {
        Update: {
          TableName: access.tables.requests,
          Key: { id: request.id },
          UpdateExpression: `SET ${assignments.join(', ')} REMOVE pendingLob, lapseKind`,
          ConditionExpression: `#status = :pending${options.requesterOnly ? ' AND requester = :requester' : ''}${approvals}`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        },
      },
      { Delete: { TableName: access.tables.requests, Key: guardKey(request.lob, request.requester) } },
      counterWrite(access, request.lob, -1),
    ];
  },
  /**
   * An approval short of the last: the request stays pending with `approvals` (the list read plus one),
   * only while it is pending with exactly the approvals read, so two approvers deciding at once never
   * lose one (the later one is cancelled, re-reads and becomes the next approval).
   */
  addApproval(
    access: Access,
    request: Pick<AccessRequest, 'id'>,
    approvals: RequestApproval[],
    required: number,
  ): DirectoryWrite {
    const values: Record<string, unknown> = { ':pending': 'pending', ':approvals': approvals, ':required': required };
    return {
      Update: {
        TableName: access.tables.requests,
        Key: { id: request.id },
        UpdateExpression: 'SET approvals = :approvals, approvalsRequired = :required',
        ConditionExpression: `#status = :pending AND ${approvalsCondition(approvals.length - 1, values)}`,
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: values,
      },
    };
  },
};
