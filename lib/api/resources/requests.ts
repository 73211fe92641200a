/** /api/v1/requests: access requests as on the home page (one's own) and in the console (deciders). */
import { z } from 'zod';
import {
  approveRequest,
  createRequest,
  denyRequest,
  getRequest,
  listPendingRequests,
  listRequestsOf,
  withdrawRequest,
  type AccessRequest,
} from '@/lib/admin/requests';
import type { AdminDeps } from '@/lib/admin/deps';
import { nowOf } from '@/lib/admin/deps';
import { extensionOf } from '@/lib/admin/extensions';
import { lobNameSchema } from '@/lib/admin/validation';
import { getUserMapping } from '@/lib/directory/users';
import { InputInvalidError, PortalError } from '@/lib/errors';
import type { ApiCaller } from '../callers';
import { requireConsole, requireManagerOf, requirePerson, requireStored } from '../authorize';
import { operationsOf } from '../operation';
import { decisionStamp, pageOf, pageQuery } from '../schemas';
import { activeMembershipOf } from './members';

const op = operationsOf('Access requests', { read: 'requests.read', write: 'requests.write' });

export const requestSchema = z
  .object({
    id: z.string(),
    lob: z.string(),
    requester: z.string(),
    justification: z.string(),
    days: z.number().int(),
    status: z.enum(['pending', 'approved', 'denied', 'withdrawn', 'expired']),
    createdAt: z.string(),
    ...decisionStamp,
    reason: z.string().optional(),
    approvedDays: z.number().int().optional(),
    until: z.string().optional(),
    approvalsRequired: z.number().int().optional().meta({ description: 'A LOB that needs two approvals: 2.' }),
    approvals: z
      .array(z.object({ by: z.string(), at: z.string(), days: z.number().int() }))
      .optional()
      .meta({ description: 'The approvals so far (a LOB that needs two).' }),
    kind: z
      .enum(['join', 'extension'])
      .optional()
      .meta({ description: 'extension: more days after the current end (absent: join).' }),
    extendsUntil: z.string().optional().meta({ description: 'An extension: the membership end when it was filed.' }),
    lapsesAt: z.string().optional().meta({ description: 'When the request expires if nobody decides it.' }),
  })
  .meta({ id: 'AccessRequest' });

/** A request as documented: the requester's stored user-pool `sub` (the account it is bound to) stays inside. */
const shown = ({ requesterSub: _sub, ...request }: AccessRequest) => request;

const idParam = z.object({ id: z.uuid().meta({ description: 'The request id.' }) });

/**
 * The stored request, authorized on its own LOB (never on anything the caller sent): its requester (for
 * reading and withdrawing) or the LOB's owners and platform admins. Unknown ids: 403 unless one could
 * see every LOB (then 404), as the console answers.
 */
async function storedRequest(deps: AdminDeps, caller: ApiCaller, id: string, what: string, requesterMay: boolean) {
  const own = (r: { requester: string }) => requesterMay && caller.kind === 'person' && r.requester === caller.actor;
  return requireStored(caller, what, await getRequest(deps, id), () => new PortalError('request.not_found'), own);
}

export const listRequestsOp = op('get /requests', 'listRequests', {
  summary: 'List pending requests you decide, or (`mine=true`) your own requests',
  description:
    'Deciders: pending requests of their LOBs (or of `lob`), newest first; `next` pages when one LOB is chosen. `mine=true`: the caller’s own requests.',
  query: pageQuery(200).extend({
    lob: lobNameSchema.optional(),
    mine: z.enum(['true', 'false']).optional().meta({ description: 'Your own requests instead (people only).' }),
  }),
  success: { status: 200, description: 'A page of requests.', schema: pageOf(requestSchema, 'AccessRequestPage') },
  handle: async ({ caller, query, deps }) => {
    if (query.mine === 'true') {
      requirePerson(caller, 'request.list_mine');
      return { body: { items: (await listRequestsOf(deps, caller.actor, query.limit)).map(shown) } };
    }
    requireConsole(caller, 'request.list');
    if (query.lob) requireManagerOf(caller, query.lob, 'request.list');
    const page = await listPendingRequests(deps, query.lob ? [query.lob] : caller.access.lobs, {
      limit: query.limit,
      pageToken: query.lob ? query.next : undefined,
    });
    return { body: { items: page.requests.map(shown), ...(page.nextToken ? { next: page.nextToken } : {}) } };
  },
});

/**
 * `kind: "extension"`: the home page's rule (lib/admin/extensions.ts extensionOf) on the caller's membership,
 * answered as 422 `request.not_extendable` naming `kind` (createRequest applies it again when filing).
 */
async function refuseUnextendable(deps: AdminDeps, requester: string, lob: string): Promise<void> {
  const current = activeMembershipOf(deps, await getUserMapping(deps, requester, { consistent: true }), lob);
  try {
    extensionOf(current, lob, nowOf(deps));
  } catch (error) {
    if (!(error instanceof InputInvalidError)) throw error;
    throw new PortalError('request.not_extendable', error.message, { details: { field: 'kind' }, cause: error });
  }
}

export const createRequestOp = op('post /requests', 'createRequest', {
  summary: 'Ask for access to a LOB, or for an extension of your access (for yourself)',
  description:
    '`kind: "extension"` ("Request extension" on the home page): more `days` after the current end of your membership of `lob`, only in its last 14 days (else 422 `request.not_extendable`); decided like any request.',
  body: z
    .object({
      lob: lobNameSchema,
      justification: z.string(),
      days: z.number().int(),
      kind: z
        .enum(['join', 'extension'])
        .optional()
        .meta({ description: 'join (default): access to the LOB; extension: more days for your membership.' }),
    })
    .meta({ id: 'NewAccessRequest' }),
  idempotent: true,
  success: { status: 201, description: 'Filed.', schema: requestSchema },
  errors: [409, 422],
  handle: async ({ caller, body, deps }) => {
    requirePerson(caller, 'request.create');
    if (body.kind === 'extension') await refuseUnextendable(deps, caller.actor, body.lob);
    // As the home page files it: the requester's user-pool `sub` binds the request to this account.
    const request = await createRequest(deps, caller.actor, body, caller.access.user.sub);
    return { body: shown(request), location: `/api/v1/requests/${request.id}` };
  },
});

export const getRequestOp = op('get /requests/{id}', 'getRequest', {
  summary: 'Get one request (its requester, the LOB’s owners, platform admins)',
  params: idParam,
  success: { status: 200, description: 'The request.', schema: requestSchema },
  errors: [404],
  handle: async ({ caller, params, deps }) => ({
    body: shown(await storedRequest(deps, caller, params.id, 'request.get', true)),
  }),
});

export const withdrawRequestOp = op('post /requests/{id}/withdraw', 'withdrawRequest', {
  summary: 'Withdraw your pending request',
  params: idParam,
  authorize: (caller) => requirePerson(caller, 'request.withdraw'),
  success: { status: 200, description: 'Withdrawn.', schema: requestSchema },
  errors: [404, 409],
  handle: async ({ caller, params, deps }) => {
    await storedRequest(deps, caller, params.id, 'request.withdraw', true);
    return { body: shown(await withdrawRequest(deps, caller.actor, params.id)) };
  },
});

export const approveRequestOp = op('post /requests/{id}/approve', 'approveRequest', {
  summary: 'Approve a pending request (optionally for fewer days)',
  scope: 'requests.decide',
  params: idParam,
  body: z
    .object({ days: z.number().int().min(1).optional() })
    .strict()
    .meta({ id: 'Approval' }),
  success: { status: 200, description: 'Approved: the member’s end date is `until`.', schema: requestSchema },
  errors: [404, 409],
  handle: async ({ caller, params, body, deps }) => {
    await storedRequest(deps, caller, params.id, 'request.approve', false);
    return { body: shown(await approveRequest(deps, caller.actor, params.id, body.days)) };
  },
});

export const denyRequestOp = op('post /requests/{id}/deny', 'denyRequest', {
  summary: 'Deny a pending request with a reason (the requester sees it)',
  scope: 'requests.decide',
  params: idParam,
  body: z.object({ reason: z.string() }).strict().meta({ id: 'Denial' }),
  success: { status: 200, description: 'Denied.', schema: requestSchema },
  errors: [404, 409],
  handle: async ({ caller, params, body, deps }) => {
    await storedRequest(deps, caller, params.id, 'request.deny', false);
    return { body: shown(await denyRequest(deps, caller.actor, params.id, body.reason)) };
  },
});

export const REQUEST_OPERATIONS = [
  listRequestsOp,
  createRequestOp,
  getRequestOp,
  withdrawRequestOp,
  approveRequestOp,
  denyRequestOp,
];
