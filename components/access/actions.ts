'use server';

import { forbidden } from 'next/navigation';
import { z } from 'zod';
import { getAdminDeps } from '@/lib/admin/deps';
import { lobNameSchema } from '@/lib/admin/validation';
import { decideEmergency, mayTakeEmergency, takeEmergencyAccess } from '@/lib/access/emergency';
import { lobReaderOf } from '@/lib/directory/lob-writes';
import { formatUtcMinute } from '@/lib/time-format';
import { log } from '@/lib/log';
import type { ActionState } from '@/components/actions/action-state';
import { hiddenFields, textFields } from '@/components/actions/define-action';
import { managersOf, serverAction, signedInUsers } from '@/components/actions/server-action';

const readTake = textFields('lob', 'reason');
export type EmergencyFormState = ActionState<ReturnType<typeof readTake>>;

/**
 * Only members of the LOB's emergency access group, and only for a LOB that allows it, reach the action
 * (403 for anyone else, as for a replayed POST); takeEmergencyAccess checks it all again with the rest.
 */
async function emergencyTakers(values: { lob: string }, name: string) {
  const { user } = await signedInUsers();
  const lob = lobNameSchema.safeParse(values.lob);
  const row = lob.success ? await lobReaderOf(getAdminDeps()).getLob(lob.data) : undefined;
  if (!row || !mayTakeEmergency(user, row)) {
    log.warn('emergency.refused', { action: name, user: user.username, lob: values.lob });
    forbidden();
  }
  return { user };
}

/** "Emergency access": granted at once for the LOB's fixed hours, loudly (lib/access/emergency.ts). */
export const takeEmergencyAction = serverAction({
  name: 'access.emergency',
  authorize: emergencyTakers,
  read: readTake,
  schema: z.object({ lob: lobNameSchema, reason: z.string() }),
  act: async ({ lob, reason }, { user }, { values, requestId }) => {
    const grant = await takeEmergencyAccess(getAdminDeps(), user, { lob, reason }, requestId);
    return {
      message: `Emergency access to ${grant.lob} until ${formatUtcMinute(grant.until)}: open Studio above. Its owners have been told and will confirm or reject it.`,
      values: { ...values, reason: '' },
      revalidate: ['/', '/admin'],
    };
  },
});

const readDecision = textFields('lob', 'id', 'decision');
export type EmergencyDecisionState = ActionState<ReturnType<typeof readDecision>>;

/** "Confirm" / "Reject" on an emergency grant: the LOB's owners and platform admins, never the person who took it. */
export const decideEmergencyAction = serverAction({
  name: 'access.emergency.decide',
  authorize: managersOf((v: ReturnType<typeof readDecision>) => v.lob),
  read: readDecision,
  schema: hiddenFields(
    z.object({ lob: lobNameSchema, id: z.string().startsWith('grant#'), decision: z.enum(['confirm', 'reject']) }),
  ),
  act: async (input, { user }, { values, requestId }) => {
    const { message } = await decideEmergency(getAdminDeps(), user.username, input, requestId);
    return { message, values, revalidate: ['/admin', '/admin/audit'] };
  },
});
