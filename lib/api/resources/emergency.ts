/**
 * /api/v1 emergency (break-glass) access (issue 27, lib/access/emergency.ts): a person in a LOB's emergency
 * access group takes it ("Emergency access" on the home page), its owners and platform admins list the open
 * grants (the /admin banner) and confirm or reject them ("Confirm" / "Reject"), nobody their own.
 */
import { z } from 'zod';
import {
  decideEmergency,
  emergencyReasonSchema,
  listOpenEmergencies,
  refuseEmergencyOutsiders,
  takeEmergencyAccess,
} from '@/lib/access/emergency';
import type { AdminDeps } from '@/lib/admin/deps';
import { lobNameSchema } from '@/lib/admin/validation';
import { lobReaderOf } from '@/lib/directory/lob-writes';
import { PortalError } from '@/lib/errors';
import { log } from '@/lib/log';
import type { ApiCaller } from '../callers';
import { managersOf, requireConsole, requireManagerOf, requirePerson } from '../authorize';
import { operationsOf } from '../operation';
import { decisionStamp, lobParam, pageOf } from '../schemas';

const op = operationsOf('Emergency access', { read: 'emergency.read', write: 'emergency.decide' });

export const emergencyGrantSchema = z
  .object({
    id: z.string().meta({
      description: 'The grant within its LOB: `grant#<takenAt>#<user>` (URL-encode it in a path: `%23` for `#`).',
    }),
    lob: z.string(),
    user: z.string(),
    reason: z.string(),
    takenAt: z.string(),
    until: z.string().meta({ description: 'The fixed end of the access (taken + the LOB’s emergency hours).' }),
    status: z.enum(['open', 'confirmed', 'rejected']).meta({ description: 'open until an owner decides.' }),
    ...decisionStamp,
  })
  .meta({ id: 'EmergencyGrant' });

const openGrantSchema = emergencyGrantSchema
  .extend({
    dueAt: z.string().meta({ description: 'The owners’ follow-up is due (24 hours after it was taken).' }),
    overdue: z.boolean(),
    active: z.boolean().meta({ description: 'The access still runs (its end is ahead).' }),
  })
  .meta({ id: 'OpenEmergencyGrant' });

const decisionSchema = emergencyGrantSchema
  .extend({ message: z.string().meta({ description: 'What the console shows (a reject: what was ended).' }) })
  .meta({ id: 'EmergencyDecision' });

const grantParams = lobParam.extend({
  id: z.string().startsWith('grant#').max(300).meta({ description: 'The grant id (`grant#<takenAt>#<user>`).' }),
});

/**
 * Only people in the LOB's emergency access group, for a LOB that allows it (403 naming why, before the body
 * is read, as the home page's action refuses); their groups are the user pool's current ones (callers.ts).
 */
async function requireEmergencyTaker(caller: ApiCaller, lob: string, deps: AdminDeps): Promise<void> {
  requirePerson(caller, 'emergency.take');
  const row = await lobReaderOf(deps).getLob(lob);
  try {
    if (!row) throw new PortalError('emergency.not_allowed', `There is no line of business ${lob}.`);
    refuseEmergencyOutsiders(caller.access.user, row);
  } catch (error) {
    log.warn('api.forbidden', { caller: caller.actor, operation: 'emergency.take', lob });
    throw error;
  }
}

export const takeEmergencyOp = op('post /lobs/{lob}/emergency', 'takeEmergency', {
  summary: 'Take emergency access to a LOB (break-glass: people in its emergency access group)',
  description:
    'As "Emergency access" on the home page: granted at once for the LOB’s fixed hours, without approval, loudly (SNS `access.emergency`, audit, the owners’ follow-up). 409 while one lasts or after a reject within its window; taking it again extends nothing.',
  scope: 'requests.write',
  params: lobParam,
  authorize: (caller, params, deps) => requireEmergencyTaker(caller, params.lob, deps),
  body: z
    .object({ reason: emergencyReasonSchema.meta({ description: 'What broke and why you need access (10-500).' }) })
    .meta({ id: 'EmergencyTake' }),
  idempotent: true,
  success: { status: 201, description: 'Granted.', schema: emergencyGrantSchema },
  errors: [409],
  handle: async ({ caller, params, body, deps, requestId }) => {
    const grant = await takeEmergencyAccess(
      deps,
      caller.access.user,
      { lob: params.lob, reason: body.reason },
      requestId,
    );
    return { body: grant, location: `/api/v1/emergency?lob=${grant.lob}` };
  },
});

export const listEmergenciesOp = op('get /emergency', 'listEmergencies', {
  summary: 'List open (undecided) emergency grants of your LOBs, newest first',
  description: 'The /admin banner: the LOBs the caller manages (or `lob`); overdue after 24 hours, kept until decided.',
  query: z.object({ lob: lobNameSchema.optional() }),
  success: {
    status: 200,
    description: 'The open grants.',
    schema: pageOf(openGrantSchema, 'OpenEmergencyGrantPage'),
  },
  handle: async ({ caller, query, deps }) => {
    requireConsole(caller, 'emergency.list');
    if (query.lob) requireManagerOf(caller, query.lob, 'emergency.list');
    return { body: { items: await listOpenEmergencies(deps, query.lob ? [query.lob] : caller.access.lobs) } };
  },
});

const decideOp = (decision: 'confirm' | 'reject', id: string, summary: string) =>
  op(`post /lobs/{lob}/emergency/{id}/${decision}`, id, {
    summary,
    ...managersOf(grantParams, `emergency.${decision}`),
    success: { status: 200, description: 'Decided.', schema: decisionSchema },
    errors: [404, 409],
    handle: async ({ caller, params, deps, requestId }) => {
      const { grant, message } = await decideEmergency(deps, caller.actor, { ...params, decision }, requestId);
      return { body: { ...grant, message } };
    },
  });

export const confirmEmergencyOp = decideOp(
  'confirm',
  'confirmEmergency',
  'Confirm an emergency grant: it keeps running until its fixed end (not your own)',
);

export const rejectEmergencyOp = decideOp(
  'reject',
  'rejectEmergency',
  'Reject an emergency grant: the access and its Studio apps end now (not your own)',
);

export const EMERGENCY_OPERATIONS = [takeEmergencyOp, listEmergenciesOp, confirmEmergencyOp, rejectEmergencyOp];
