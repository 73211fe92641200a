'use server';

import { z } from 'zod';
import { getAdminDeps } from '@/lib/admin/deps';
import { createRequest } from '@/lib/admin/requests';
import { lobNameSchema } from '@/lib/admin/validation';
import { serverAction, signedInUsers } from '@/components/actions/server-action';
import type { RequestFormValues } from './actions';

/** "Request extension": the signed-in member asks for more days of a membership in its last days (identity from the session only). */
export const requestExtensionAction = serverAction({
  name: 'request.extend',
  authorize: signedInUsers,
  read: (form): RequestFormValues => ({
    lob: String(form.get('lob') ?? ''),
    justification: String(form.get('justification') ?? ''),
    days: String(form.get('days') ?? ''),
  }),
  schema: z.object({ lob: lobNameSchema, justification: z.string(), days: z.string() }),
  act: async ({ lob, justification, days }, { user }, { values }) => {
    const request = await createRequest(getAdminDeps(), user.username, { lob, justification, days: Number(days), kind: 'extension' }, user.sub);
    return {
      message: `Extension requested: the owners of ${request.lob} decide. You see the answer here.`,
      values,
      revalidate: ['/'],
    };
  },
});
