'use server';

import { z } from 'zod';
import { getAdminDeps } from '@/lib/admin/deps';
import { createRequest, withdrawRequest } from '@/lib/admin/requests';
import { lobNameSchema } from '@/lib/admin/validation';
import type { ActionState } from '@/components/actions/action-state';
import { serverAction, signedInUsers } from '@/components/actions/server-action';

export interface RequestFormValues {
  lob: string;
  justification: string;
  days: string;
  /** The request a Withdraw form is about. */
  id?: string;
}
export type RequestFormState = ActionState<RequestFormValues>;

const readRequestForm = (form: FormData): RequestFormValues => ({
  lob: String(form.get('lob') ?? ''),
  justification: String(form.get('justification') ?? ''),
  days: String(form.get('days') ?? ''),
});
const requestFormSchema = z.object({ lob: lobNameSchema, justification: z.string(), days: z.string() });

/** "Submit request": the signed-in user asks to join a LOB (identity from the session only). */
export const requestAccessAction = serverAction({
  name: 'request.create',
  authorize: signedInUsers,
  read: readRequestForm,
  schema: requestFormSchema,
  act: async ({ lob, justification, days }, { user }, { values }) => {
    const request = await createRequest(getAdminDeps(), user.username, { lob, justification, days: Number(days) }, user.sub);
    return {
      message: `Request sent: the owners of ${request.lob} decide. You see the answer here.`,
      values: { ...values, justification: '' },
      revalidate: ['/'],
    };
  },
});

/** "Request extension": the signed-in member asks for more days of a membership in its last days (lib/admin/extensions.ts). */
export const requestExtensionAction = serverAction({
  name: 'request.extend',
  authorize: signedInUsers,
  read: readRequestForm,
  schema: requestFormSchema,
  act: async ({ lob, justification, days }, { user }, { values }) => {
    const request = await createRequest(getAdminDeps(), user.username, { lob, justification, days: Number(days), kind: 'extension' }, user.sub);
    return { message: `Extension requested: the owners of ${request.lob} decide. You see the answer here.`, values, revalidate: ['/'] };
  },
});

/** "Withdraw": the requester takes their pending request back. */
export const withdrawRequestAction = serverAction({
  name: 'request.withdraw',
  authorize: signedInUsers,
  read: (form): RequestFormValues => ({ lob: '', justification: '', days: '', id: String(form.get('id') ?? '') }),
  schema: z.object({ id: z.string() }),
  act: async ({ id }, { user }, { values }) => {
    const request = await withdrawRequest(getAdminDeps(), user.username, id);
    return { message: `Withdrew your request for ${request.lob}.`, values, revalidate: ['/'] };
  },
});
