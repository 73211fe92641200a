'use server';

import { z } from 'zod';
import { requireConsoleRequest, requireLobManagerRequest } from '@/lib/admin/require-admin';
import { getAdminDeps } from '@/lib/admin/deps';
import { approvalProgress, approveRequest, denyRequest, getRequest } from '@/lib/admin/requests';
import { InputInvalidError } from '@/lib/errors';
import { formatUtcMinute } from '@/lib/time-format';
import type { ActionState } from '@/components/actions/action-state';
import { textFields } from '@/components/actions/define-action';
import { serverAction } from '@/components/actions/server-action';

const read = textFields('id', 'days', 'reason');
export type DecisionValues = ReturnType<typeof read>;
export type DecisionState = ActionState<DecisionValues>;

/**
 * The request's LOB comes from the stored request, never from the form: an owner of lob-a replaying a
 * decision POST with a lob-b request id gets 403.
 */
async function authorize(values: DecisionValues, name: string) {
  await requireConsoleRequest(name);
  const request = /^[0-9a-f-]{36}$/.test(values.id) ? await getRequest(getAdminDeps(), values.id) : null;
  const access = await requireLobManagerRequest(name, request?.lob ?? '');
  if (!request) throw new InputInvalidError('There is no such access request; reload the page.');
  return { ...access, request };
}

const decisionSchema = z.object({ days: z.string(), reason: z.string() });
type Decider = Awaited<ReturnType<typeof authorize>>;

/** A decision on a stored request: `decide` makes it and answers the success message. */
const decisionAction = (
  name: string,
  decide: (input: z.output<typeof decisionSchema>, access: Decider) => Promise<string>,
) =>
  serverAction({
    name,
    authorize,
    read,
    schema: decisionSchema,
    act: async (input, access, { values }) => ({
      message: await decide(input, access),
      values,
      revalidate: ['/admin/requests', `/admin/requests/${access.request.id}`],
    }),
  });

export const approveRequestAction = decisionAction('request.approve', async ({ days }, { user, request }) => {
  const decided = await approveRequest(getAdminDeps(), user.username, request.id, days ? Number(days) : undefined);
  if (decided.status === 'pending') {
    return `Approved: ${approvalProgress(decided)}. Another owner of ${decided.lob} or a platform admin has to approve too before ${decided.requester} gets access.`;
  }
  return `Approved: ${decided.requester} is a member of ${decided.lob} until ${formatUtcMinute(decided.until ?? '')}.`;
});

export const denyRequestAction = decisionAction('request.deny', async ({ reason }, { user, request }) => {
  const decided = await denyRequest(getAdminDeps(), user.username, request.id, reason);
  return `Denied the request of ${decided.requester} for ${decided.lob}.`;
});
