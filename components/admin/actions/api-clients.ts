'use server';

import { z } from 'zod';
import { getAdminDeps } from '@/lib/admin/deps';
import { apiClientInputSchema, registerApiClient, removeApiClient } from '@/lib/admin/api-clients';
import type { ActionState } from '@/components/actions/action-state';
import { hiddenFields } from '@/components/actions/define-action';
import { platformAdmins, serverAction } from '@/components/actions/server-action';

export interface ApiClientValues {
  name: string;
  scopes: string[];
  lobs: string[];
  allLobs: boolean;
}
/** On success: the new client's id and its secret, shown once (the portal does not keep the secret). */
export type ApiClientState = ActionState<ApiClientValues> & {
  created?: { clientId: string; secret: string; name: string };
};

const readClient = (form: FormData): ApiClientValues => ({
  name: String(form.get('name') ?? ''),
  scopes: form.getAll('scopes').map(String),
  lobs: form.getAll('lobs').map(String),
  allLobs: form.get('allLobs') === 'on',
});

/** Registers a machine client: a Cognito app client (client credentials, the chosen scopes) and its LOBs. */
export const registerApiClientAction = serverAction({
  name: 'api_client.create',
  authorize: platformAdmins,
  read: readClient,
  schema: apiClientInputSchema,
  act: async (input, { user }): Promise<ApiClientState> => {
    const { client, secret } = await registerApiClient(getAdminDeps(), user.username, input);
    return {
      message: `Registered ${client.name}. Copy the secret now: it is not shown again.`,
      values: { name: '', scopes: [], lobs: [], allLobs: false },
      created: { clientId: client.clientId, secret, name: client.name },
      revalidate: ['/admin/clients'],
    } as ApiClientState & { revalidate: string[] };
  },
});

/** Deletes a machine client: its tokens are refused from now on. */
export const deleteApiClientAction = serverAction({
  name: 'api_client.delete',
  authorize: platformAdmins,
  read: (form) => ({ clientId: String(form.get('clientId') ?? '') }),
  schema: hiddenFields(z.object({ clientId: z.string().regex(/^[\w-]{1,128}$/) })),
  act: async ({ clientId }, { user }, { values }) => {
    await removeApiClient(getAdminDeps(), user.username, clientId);
    return { message: 'Deleted the client.', values, revalidate: ['/admin/clients'] };
  },
});
