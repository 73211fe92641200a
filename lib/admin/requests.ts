/**
 * Access requests: a signed-in user asks to join a LOB for a while, its owners (or a platform admin)
 * approve or deny. One pending request per user and LOB is held by a guard item written with
 * `attribute_not_exists` in the same transaction as the request; a decision closes the request, drops the
 * guard, writes the membership (approval) and the audit record in one TransactWriteItems. A counter item
 * per LOB (`id` = `count#<lob>`, `pending` N) moves in the same transactions, so the navigation's count
 * is one BatchGetItem, not a COUNT over the queue.
 */
import { randomUUID } from 'node:crypto';
import { freeText } from '@/lib/free-text';
import { InputInvalidError, PortalError } from '@/lib/errors';
import { isMembershipActive } from '@/lib/directory/items';
import {
  getAccessRequest,
  queryPendingRequests,
  queryRequestsOf,
  requestWrites,
  type AccessRequest,
  type RequestKind,
} from '@/lib/directory/requests';
import type { Lob, Membership } from '@/lib/directory/types';
import { TransactionCancelledError, transactWrite } from '@/lib/directory/writes';
import { formatUtcMinute } from '@/lib/time-format';
import { auditWritesFor, writeWithAudit, writeAdminAudit } from './audit';
import { SELF_GRANT_REFUSED } from './grants';
import type { AdminDeps } from './deps';
import { nowOf } from './deps';
import { commitMembershipWrite } from './memberships';
import { studioFollows } from './studio-follows';
import { notifySafely, type Notification } from './notifications';
import { getLob } from './lobs';
import { getUserMapping } from '@/lib/directory/users';
import { REQUEST_CHANGES_PER_HOUR, requestRateWrite } from '@/lib/directory/request-rate';
import { boundSub } from './sub-binding';
import { poolSubOf } from './pool-lookup';
import { decodePageToken, encodePageToken } from './page-token';
import { approvedUntil, extensionOf } from './extensions';
import { lapsesAtOf } from './request-lapse';
import { DEFAULT_REQUEST_EXPIRY_DAYS } from '@/lib/directory/types';

export type { AccessRequest, RequestKind, RequestStatus } from '@/lib/directory/requests';
export { countPendingRequests } from '@/lib/directory/requests';

export const JUSTIFICATION_MIN = 10;
export const JUSTIFICATION_MAX = 500;

export const justificationSchema = freeText('', { multiLine: true })
  .min(JUSTIFICATION_MIN, `Write at least ${JUSTIFICATION_MIN} characters: say what you need the access for.`)
  .max(JUSTIFICATION_MAX, `Use at most ${JUSTIFICATION_MAX} characters.`);

export const denyReasonSchema = freeText('')
  .min(3, 'Give a reason (at least 3 characters): the requester sees it.')
  .max(500, 'Use at most 500 characters.');

/** Thrown when a request is decided (or withdrawn) a second time: says by whom and when. */
export class RequestAlreadyDecidedError extends PortalError {
  constructor(readonly request: AccessRequest) {
    const what =
      request.status === 'withdrawn'
        ? 'withdrawn by the requester'
        : request.status === 'expired'
          ? 'not decided in time: it expired'
          : `already ${request.status} by ${request.decidedBy ?? 'someone'}`;
    super(
      'request.already_decided',
      `This request was ${what} at ${request.decidedAt ? formatUtcMinute(request.decidedAt) : 'an unknown time'}. Nothing was changed.`,
    );
    this.name = 'RequestAlreadyDecidedError';
  }
}

/** Thrown when a user asks again while their request for the LOB is still pending. */
export class RequestDuplicateError extends PortalError {
  constructor(lob: string) {
    super(
      'request.duplicate',
      `You already have a pending request for ${lob}. Wait for its decision, or withdraw it first.`,
    );
    this.name = 'RequestDuplicateError';
  }
}

export async function getRequest(deps: AdminDeps, id: string): Promise<AccessRequest | null> {
  return getAccessRequest(deps, id);
}

export async function requireRequest(deps: AdminDeps, id: string): Promise<AccessRequest> {
  const found = await getRequest(deps, id);
  if (!found) throw new PortalError('input.invalid', 'There is no such access request.');
  return found;
}

export interface NewRequestInput {
  lob: string;
  justification: string;
  days: number;
  /** `extension`: more days for a membership in its last days (lib/admin/extensions.ts); absent = join. */
  kind?: RequestKind;
}

/** Validates a request against the LOB's settings; throws InputInvalidError naming the field. */
export function validateNewRequest(lob: Lob | null, input: NewRequestInput): { justification: string; days: number } {
  if (!lob || !lob.acceptsRequests || !lob.enabled)
    throw new InputInvalidError(`${input.lob} does not accept access requests.`);
  const justification = justificationSchema.safeParse(input.justification);
  if (!justification.success)
    throw new InputInvalidError(`Justification: ${justification.error.issues[0].message}`, {
      details: { field: 'justification' },
    });
  if (!Number.isInteger(input.days) || input.days < 1 || input.days > lob.maxRequestDays) {
    throw new InputInvalidError(`Duration: choose between 1 and ${lob.maxRequestDays} days for ${lob.lob}.`, {
      details: { field: 'days' },
    });
  }
  return { justification: justification.data, days: input.days };
}

/** The refusal when the transaction's last write (requestRateWrite) failed its condition: the person's hour is full. */
function rateLimited(error: unknown, now: Date): PortalError | undefined {
  if (!(error instanceof TransactionCancelledError) || error.reasons.at(-1) !== 'ConditionalCheckFailed')
    return undefined;
  const next = new Date(Math.floor(now.getTime() / 3_600_000 + 1) * 3_600_000);
  return new PortalError(
    'request.rate_limited',
    `You have filed or withdrawn ${REQUEST_CHANGES_PER_HOUR} access requests this hour, the most the portal takes. Try again after ${formatUtcMinute(next.toISOString())}.`,
  );
}

/**
 * Files a request; refused while the user has a pending one for the LOB (a condition, not a read), and
 * once they have filed or withdrawn REQUEST_CHANGES_PER_HOUR this hour (each filing notifies owners).
 */
export async function createRequest(
  deps: AdminDeps,
  requester: string,
  input: NewRequestInput,
  requesterSub?: string,
): Promise<AccessRequest> {
  const lob = await getLob(deps, input.lob);
  const { justification, days } = validateNewRequest(lob, input);
  const mapping = await getUserMapping(deps, requester);
  const now = nowOf(deps);
  const current = mapping?.memberships.find((m) => m.lob === input.lob && isMembershipActive(m, now));
  if (current && !current.until) throw new InputInvalidError(`You are already a member of ${input.lob}.`);
  const request: AccessRequest = {
    id: randomUUID(),
    lob: input.lob,
    requester,
    justification,
    days,
    status: 'pending',
    createdAt: now.toISOString(),
    lapsesAt: lapsesAtOf(now, lob?.requestExpiryDays ?? DEFAULT_REQUEST_EXPIRY_DAYS),
    ...(input.kind === 'extension' ? extensionOf(current, input.lob, now) : {}),
    ...((lob?.approvalsRequired ?? 1) > 1 ? { approvalsRequired: lob?.approvalsRequired } : {}),
    ...(requesterSub ? { requesterSub } : {}),
  };
  try {
    await transactWrite(deps.ddb, [...requestWrites.create(deps, request), requestRateWrite(deps, requester, now)]);
  } catch (error) {
    // Item 0 is the guard: the user has a pending request for the LOB.
    if (error instanceof TransactionCancelledError && error.reasons[0] === 'ConditionalCheckFailed')
      throw new RequestDuplicateError(input.lob);
    throw rateLimited(error, now) ?? error;
  }
  await notifySafely(deps, {
    event: 'request.created',
    lob: request.lob,
    subject: `Access request: ${requester} asks to join ${request.lob}`,
    text: `${requester} asks for ${request.kind === 'extension' ? 'an extension of their access' : 'access'} to ${request.lob} for ${days} days: "${justification}". Decide at /admin/requests/${request.id}.`,
    details: {
      request: request.id,
      requester,
      days,
      justification,
      createdAt: request.createdAt,
      kind: request.kind ?? 'join',
      lapsesAt: request.lapsesAt,
    },
  });
  return request;
}

/** The user's own requests, newest first. */
export async function listRequestsOf(deps: AdminDeps, requester: string, limit = 20): Promise<AccessRequest[]> {
  return queryRequestsOf(deps, requester, limit);
}

export interface PendingPage {
  requests: AccessRequest[];
  nextToken?: string;
}

/**
 * Pending requests of the given LOBs, newest first. One LOB pages with a token; several LOBs give the
 * newest `limit` across them (one query each).
 */
export async function listPendingRequests(
  deps: AdminDeps,
  lobs: string[],
  options: { limit?: number; pageToken?: string } = {},
): Promise<PendingPage> {
  const limit = Math.min(Math.max(options.limit ?? 50, 1), 200);
  if (lobs.length === 1) {
    const page = await queryPendingRequests(deps, lobs[0], {
      limit,
      startKey: decodePageToken<Record<string, unknown>>(options.pageToken),
    });
    return { requests: page.requests, nextToken: encodePageToken(page.nextKey) };
  }
  const pages = await Promise.all(lobs.map((lob) => queryPendingRequests(deps, lob, { limit })));
  const requests = pages.flatMap((p) => p.requests);
  requests.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  return { requests: requests.slice(0, limit) };
}

/** After a cancelled decision: the request as it is now, as the "already decided" error when it is closed. */
async function decidedMeanwhile(deps: AdminDeps, id: string): Promise<RequestAlreadyDecidedError | null> {
  const now = await requireRequest(deps, id);
  return now.status === 'pending' ? null : new RequestAlreadyDecidedError(now);
}

/** Nobody decides a request that names themselves: refused, the refusal audited, nothing else written. */
async function refuseSelfDecision(
  deps: AdminDeps,
  request: AccessRequest,
  actor: string,
  action: string,
): Promise<void> {
  if (request.requester === actor) {
    await writeAdminAudit(deps, {
      actor,
      action: SELF_GRANT_REFUSED,
      target: actor,
      lob: request.lob,
      before: null,
      after: { refused: action, request: request.id },
    });
    throw new PortalError(
      'request.self_approval',
      `You asked for this access yourself, so you cannot decide it; another owner of ${request.lob} or a platform admin has to.`,
    );
  }
}

const MAX_ATTEMPTS = 4;

/** Thrown when an approver approves a request a second time (it needs another approver). */
export class AlreadyApprovedError extends PortalError {
  constructor(request: AccessRequest, actor: string) {
    const required = request.approvalsRequired ?? 1;
    super(
      'request.already_approved_by_you',
      `You already approved this request (${request.approvals?.length ?? 1} of ${required} approvals); ${required > 1 ? `another owner of ${request.lob} or a platform admin has to approve it too` : 'nothing was changed'}.`,
      { details: { request: request.id, actor } },
    );
    this.name = 'AlreadyApprovedError';
  }
}

/** "1 of 2 approvals": what the requester and the approvers see while a request waits for its second approval. */
export function approvalProgress(request: Pick<AccessRequest, 'approvals' | 'approvalsRequired'>): string | null {
  const required = request.approvalsRequired ?? 1;
  return required > 1 ? `${request.approvals?.length ?? 0} of ${required} approvals` : null;
}

/**
 * Approves a pending request, optionally for fewer days than asked. With the LOB's "Approvals required" at
 * 2, the first approval is recorded on the request (which stays pending) and the membership is written only
 * with the second, by another approver; the membership gets the fewest days any approver granted. The last
 * approval writes membership, closed request and audit record in one transaction, conditioned on the
 * approvals read: a concurrent decision makes this one fail with RequestAlreadyDecidedError, a concurrent
 * first approval makes this one the second, a concurrent edit of the user's memberships is retried.
 */
export async function approveRequest(
  deps: AdminDeps,
  actor: string,
  id: string,
  days?: number,
): Promise<AccessRequest> {
  let request = await requireRequest(deps, id);
  if (request.status !== 'pending') throw new RequestAlreadyDecidedError(request);
  await refuseSelfDecision(deps, request, actor, 'request.approve');
  const asked = days ?? request.days;
  if (!Number.isInteger(asked) || asked < 1 || asked > request.days) {
    throw new InputInvalidError(`Duration: approve for 1 to ${request.days} days (what was asked for).`, {
      details: { field: 'days' },
    });
  }
  const lob = await getLob(deps, request.lob);
  const lobRequires = lob?.approvalsRequired ?? 1;
  for (let attempt = 1; ; attempt++) {
    const approvals = request.approvals ?? [];
    if (approvals.some((a) => a.by === actor)) throw new AlreadyApprovedError(request, actor);
    const required = Math.max(request.approvalsRequired ?? 1, lobRequires);
    const now = nowOf(deps);
    const at = now.toISOString();
    const all = [...approvals, { by: actor, at, days: asked }];
    try {
      if (all.length < required) {
        const progress = {
          request: request.id,
          approvals: all.length,
          approvalsRequired: required,
          approvedDays: asked,
        };
        await transactWrite(deps.ddb, [
          requestWrites.addApproval(deps, request, all, required),
          ...auditWritesFor(
            deps,
            {
              actor,
              action: 'request.approval',
              target: request.requester,
              lob: request.lob,
              before: { request: request.id, approvals: approvals.length },
              after: progress,
            },
            now,
          ),
        ]);
        return { ...request, approvals: all, approvalsRequired: required };
      }
      const granted = Math.min(...all.map((a) => a.days));
      const before = await getUserMapping(deps, request.requester);
      const kept = (before?.memberships ?? []).filter((m) => m.lob !== request.lob && isMembershipActive(m, now));
      const existing = before?.memberships.find((m) => m.lob === request.lob && isMembershipActive(m, now));
      // An extension counts from the current end (lib/admin/extensions.ts).
      const until = approvedUntil(request, existing, granted, now, lob);
      // A permanent membership stays permanent; a shorter one is extended to the approved end.
      const membership: Membership =
        existing && (!existing.until || existing.until > until)
          ? existing
          : { lob: request.lob, until, via: 'request', grantedBy: actor, grantedAt: at };
      // Bound to the `sub` that asked (requests filed before binding: the pool's current one).
      const sub = boundSub(
        request.requester,
        before,
        request.requesterSub ?? (await poolSubOf(deps, request.requester)),
      );
      const twoStep = required > 1 ? { approvals: all, approvalsRequired: required } : {};
      const decided: AccessRequest = {
        ...request,
        ...twoStep,
        status: 'approved',
        decidedBy: actor,
        decidedAt: at,
        approvedDays: granted,
        until: membership.until,
      };
      const after = await commitMembershipWrite(
        deps,
        {
          actor,
          username: request.requester,
          before,
          sub,
          memberships: [...kept, membership],
          action: 'request.approve',
          lob: request.lob,
          context: {
            request: request.id,
            justification: request.justification,
            askedDays: request.days,
            approvedDays: granted,
            ...(required > 1 ? { approvers: all.map((a) => a.by) } : {}),
          },
        },
        requestWrites.close(
          deps,
          request,
          {
            ...twoStep,
            status: 'approved',
            decidedBy: actor,
            decidedAt: at,
            approvedDays: granted,
            ...(membership.until ? { until: membership.until } : {}),
          },
          { approvalsBefore: approvals.length },
        ),
      );
      await notifySafely(deps, decidedNotification(decided));
      // A grant enables the profile again where the portal had disabled it (a failure waits for the next launch).
      await studioFollows(deps, { actor, username: request.requester, before, after, reason: 'removed' }, 'Approved.', {
        assert: false,
      });
      return decided;
    } catch (error) {
      if (!(error instanceof TransactionCancelledError)) throw error;
      const closed = await decidedMeanwhile(deps, id);
      if (closed) throw closed;
      if (attempt >= MAX_ATTEMPTS)
        throw new PortalError(
          'conflict.version',
          'The request or the memberships changed several times while approving; try again.',
          { cause: error },
        );
      request = await requireRequest(deps, id);
    }
  }
}

/** Denies a pending request with a reason (shown to the requester); closed request and audit record in one transaction. */
export async function denyRequest(deps: AdminDeps, actor: string, id: string, reason: string): Promise<AccessRequest> {
  const request = await requireRequest(deps, id);
  if (request.status !== 'pending') throw new RequestAlreadyDecidedError(request);
  await refuseSelfDecision(deps, request, actor, 'request.deny');
  const parsed = denyReasonSchema.safeParse(reason);
  if (!parsed.success)
    throw new InputInvalidError(`Reason: ${parsed.error.issues[0].message}`, { details: { field: 'reason' } });
  const now = nowOf(deps);
  const at = now.toISOString();
  try {
    await writeWithAudit(
      deps,
      requestWrites.close(deps, request, { status: 'denied', decidedBy: actor, decidedAt: at, reason: parsed.data }),
      {
        actor,
        action: 'request.deny',
        target: request.requester,
        lob: request.lob,
        before: { request: request.id, status: 'pending', justification: request.justification, days: request.days },
        after: { request: request.id, status: 'denied', reason: parsed.data },
      },
      now,
      { metric: false },
    );
  } catch (error) {
    if (error instanceof TransactionCancelledError)
      throw (
        (await decidedMeanwhile(deps, id)) ??
        new PortalError('conflict.version', 'The request changed meanwhile; reload and try again.')
      );
    throw error;
  }
  const decided: AccessRequest = { ...request, status: 'denied', decidedBy: actor, decidedAt: at, reason: parsed.data };
  await notifySafely(deps, decidedNotification(decided));
  return decided;
}

/** The requester takes back a pending request. */
export async function withdrawRequest(deps: AdminDeps, requester: string, id: string): Promise<AccessRequest> {
  const request = await requireRequest(deps, id);
  if (request.requester !== requester)
    throw new PortalError('auth.forbidden', 'Only the person who asked can withdraw a request.');
  if (request.status !== 'pending') throw new RequestAlreadyDecidedError(request);
  const at = nowOf(deps).toISOString();
  try {
    const now = nowOf(deps);
    const writes = requestWrites.close(
      deps,
      request,
      { status: 'withdrawn', decidedBy: requester, decidedAt: at },
      { requesterOnly: true },
    );
    await transactWrite(deps.ddb, [...writes, requestRateWrite(deps, requester, now)]);
  } catch (error) {
    const limited = rateLimited(error, nowOf(deps));
    if (limited) throw limited;
    if (error instanceof TransactionCancelledError)
      throw (
        (await decidedMeanwhile(deps, id)) ??
        new PortalError('conflict.version', 'The request changed meanwhile; reload and try again.')
      );
    throw error;
  }
  return { ...request, status: 'withdrawn', decidedBy: requester, decidedAt: at };
}

function decidedNotification(request: AccessRequest): Notification {
  const outcome =
    request.status === 'approved'
      ? `approved for ${request.approvedDays} days (until ${formatUtcMinute(request.until ?? '')})`
      : `denied: ${request.reason ?? ''}`;
  return {
    event: 'request.decided',
    lob: request.lob,
    user: request.requester,
    subject: `Access request ${request.status}: ${request.requester} in ${request.lob}`,
    text: `${request.decidedBy} ${outcome}. Request by ${request.requester}.`,
    details: {
      request: request.id,
      requester: request.requester,
      status: request.status,
      decidedBy: request.decidedBy,
      decidedAt: request.decidedAt,
      approvedDays: request.approvedDays,
      until: request.until,
      reason: request.reason,
    },
  };
}
