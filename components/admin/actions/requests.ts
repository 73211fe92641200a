'use server';

import { revalidatePath } from 'next/cache';
import { requireConsoleRequest, requireLobManagerRequest } from '@/lib/admin/require-admin';
import { getAdminDeps } from '@/lib/admin/deps';
import { approveRequest, denyRequest, getRequest } from '@/lib/admin/requests';
import { formatUtc } from '@/lib/launch';
import { failureState, type ActionState } from '../action-state';

export interface DecisionValues {
  id: string;
  days: string;
  reason: string;
}
export type DecisionState = ActionState<DecisionValues>;

function read(form: FormData): DecisionValues {
  return { id: String(form.get('id') ?? ''), days: String(form.get('days') ?? ''), reason: String(form.get('reason') ?? '') };
}

/**
 * The request's LOB comes from the stored request, never from the form: an owner of lob-a replaying a
 * decision POST with a lob-b request id gets 403.
 */
async function authorize(values: DecisionValues, what: string) {
  await requireConsoleRequest(what);
  const request = /^[0-9a-f-]{36}$/.test(values.id) ? await getRequest(getAdminDeps(), values.id) : null;
  const access = await requireLobManagerRequest(what, request?.lob ?? '');
  return { access, request: request! };
}

export async function approveRequestAction(_prev: DecisionState, form: FormData): Promise<DecisionState> {
  const values = read(form);
  const { access, request } = await authorize(values, 'request.approve');
  try {
    const decided = await approveRequest(getAdminDeps(), access.user.username, request.id, values.days ? Number(values.days) : undefined);
    revalidatePath('/admin/requests');
    return { ok: true, message: `Approved: ${decided.requester} is a member of ${decided.lob} until ${formatUtc(decided.until ?? '')}.`, values };
  } catch (error) {
    return failureState(error, values, 'request.approve');
  }
}

export async function denyRequestAction(_prev: DecisionState, form: FormData): Promise<DecisionState> {
  const values = read(form);
  const { access, request } = await authorize(values, 'request.deny');
  try {
    const decided = await denyRequest(getAdminDeps(), access.user.username, request.id, values.reason);
    revalidatePath('/admin/requests');
    return { ok: true, message: `Denied the request of ${decided.requester} for ${decided.lob}.`, values };
  } catch (error) {
    const state = failureState(error, values, 'request.deny');
    if (state.error?.startsWith('Reason')) state.fieldErrors = { reason: state.error };
    return state;
  }
}
