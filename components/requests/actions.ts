'use server';

import { revalidatePath } from 'next/cache';
import { getSessionUser } from '@/lib/auth/session';
import { getAdminDeps } from '@/lib/admin/deps';
import { createRequest, withdrawRequest } from '@/lib/admin/requests';
import { isPortalError, PortalError } from '@/lib/errors';
import { lobNameSchema } from '@/lib/admin/validation';
import { log } from '@/lib/log';

export interface RequestFormState {
  ok?: boolean;
  message?: string;
  error?: string;
  /** Which field the error is about (justification, days). */
  field?: string;
  values: { lob: string; justification: string; days: string };
}

function failure(error: unknown, values: RequestFormState['values']): RequestFormState {
  if (isPortalError(error)) {
    const field = typeof error.details?.field === 'string' ? error.details.field : undefined;
    return { error: error.message, field, values };
  }
  log.error('request.action_failed', { error: error instanceof Error ? error.message : String(error) });
  return { error: 'Something went wrong on our side; nothing was saved. Try again.', values };
}

async function requireUser() {
  const user = await getSessionUser();
  if (!user) throw new PortalError('auth.unauthenticated', 'Your session has ended. Sign in again.');
  return user;
}

/** "Submit request": the signed-in user asks to join a LOB (identity from the session only). */
export async function requestAccessAction(_prev: RequestFormState, form: FormData): Promise<RequestFormState> {
  const values = { lob: String(form.get('lob') ?? ''), justification: String(form.get('justification') ?? ''), days: String(form.get('days') ?? '') };
  try {
    const user = await requireUser();
    const lob = lobNameSchema.parse(values.lob);
    const request = await createRequest(getAdminDeps(), user.username, { lob, justification: values.justification, days: Number(values.days) });
    revalidatePath('/');
    return { ok: true, message: `Request sent: the owners of ${request.lob} decide. You see the answer here.`, values: { ...values, justification: '' } };
  } catch (error) {
    return failure(error, values);
  }
}

export async function withdrawRequestAction(_prev: RequestFormState, form: FormData): Promise<RequestFormState> {
  const values = { lob: '', justification: '', days: '', id: String(form.get('id') ?? '') };
  try {
    const user = await requireUser();
    const request = await withdrawRequest(getAdminDeps(), user.username, values.id);
    revalidatePath('/');
    return { ok: true, message: `Withdrew your request for ${request.lob}.`, values };
  } catch (error) {
    return failure(error, values);
  }
}
