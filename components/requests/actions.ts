'use server';

import { z } from 'zod';
import { getAdminDeps } from '@/lib/admin/deps';
import { createRequest, withdrawRequest, type RequestKind } from '@/lib/admin/requests';
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

/**
 * A request form's action: the signed-in user (identity from the session only) asks to join a LOB, or for an
 * extension of a membership in its last days (lib/admin/extensions.ts). `done` is the success message.
 */
const fileRequestAction = (name: string, kind: RequestKind, done: (lob: string) => string) =>
  serverAction({
    name,
    authorize: signedInUsers,
    read: (form): RequestFormValues => ({
      lob: String(form.get('lob') ?? ''),
      justification: String(form.get('justification') ?? ''),
      days: String(form.get('days') ?? ''),
    }),
    schema: z.object({ lob: lobNameSchema, justification: z.string(), days: z.string() }),
    act: async ({ lob, justification, days }, { user }, { values }) => {
      const request = await createRequest(
        getAdminDeps(),
        user.username,
        { lob, justification, days: Number(days), kind },
        user.sub,
      );
      return {
        message: done(request.lob),
        values: kind === 'join' ? { ...values, justification: '' } : values,
        revalidate: ['/'],
      };
    },
  });

/** "Submit request". */
export const requestAccessAction = fileRequestAction(
  'request.create',
  'join',
  (lob) => `Request sent: the owners of ${lob} decide. You see the answer here.`,
);

/** "Request extension". */
export const requestExtensionAction = fileRequestAction(
  'request.extend',
  'extension',
  (lob) => `Extension requested: the owners of ${lob} decide. You see the answer here.`,
);

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
