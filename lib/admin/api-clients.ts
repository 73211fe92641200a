/**
 * Machine clients of /api/v1, registered by a platform admin: a Cognito app client with a secret, the
 * client-credentials grant and the portal's resource-server scopes (CreateUserPoolClient), plus the
 * portal's record of its LOBs (lib/directory/api-records.ts). The secret is answered once, never stored by
 * the portal. Both changes are audited (`api_client.create` / `api_client.delete`).
 */
import { CreateUserPoolClientCommand, DeleteUserPoolClientCommand } from '@aws-sdk/client-cognito-identity-provider';
import { z } from 'zod';
import { isResourceNotFound, translateCognitoError } from '@/lib/aws/errors';
import {
  deleteApiClient,
  getApiClient,
  listApiClients,
  putApiClient,
  type ApiClientRecord,
} from '@/lib/directory/api-records';
import { PortalError } from '@/lib/errors';
import { API_SCOPE_NAMES, fullScope, type ApiScope } from '@/lib/api/scopes';
import { writeAdminAudit } from './audit';
import type { AdminDeps } from './deps';
import { nowOf } from './deps';
import { listLobs } from './lobs';
import { lobNameSchema } from './validation';

export type { ApiClientRecord };

export const apiClientInputSchema = z
  .object({
    name: z
      .string()
      .trim()
      .regex(/^[a-z0-9](-*[a-z0-9]){0,62}$/, 'Name: use 1-63 lowercase letters, digits and hyphens.'),
    scopes: z.array(z.enum(API_SCOPE_NAMES as [ApiScope, ...ApiScope[]])).min(1, 'Scopes: choose at least one.'),
    lobs: z.array(lobNameSchema),
    allLobs: z.boolean(),
  })
  .refine((v) => v.allLobs || v.lobs.length > 0, {
    path: ['lobs'],
    message: 'LOBs: choose at least one, or every LOB.',
  });

export type ApiClientInput = z.infer<typeof apiClientInputSchema>;

export async function listRegisteredClients(deps: AdminDeps): Promise<ApiClientRecord[]> {
  return (await listApiClients(deps)).sort((a, b) => a.name.localeCompare(b.name));
}

/** Creates the app client and its record; answers the record and the secret (shown once). */
export async function registerApiClient(
  deps: AdminDeps,
  actor: string,
  input: ApiClientInput,
): Promise<{ client: ApiClientRecord; secret: string }> {
  const parsed = apiClientInputSchema.parse(input);
  const known = new Set((await listLobs(deps)).map((l) => l.lob));
  const unknown = parsed.lobs.find((l) => !known.has(l));
  if (unknown) throw new PortalError('lob.not_found', `There is no line of business named ${unknown}.`);
  if ((await listApiClients(deps)).some((c) => c.name === parsed.name)) {
    throw new PortalError('input.invalid', `Name: a client named ${parsed.name} exists already.`, {
      details: { field: 'name' },
    });
  }
  let created;
  try {
    created = await deps.cognito.send(
      new CreateUserPoolClientCommand({
        UserPoolId: deps.userPoolId,
        ClientName: `studio-portal-api-${parsed.name}`,
        GenerateSecret: true,
        AllowedOAuthFlows: ['client_credentials'],
        AllowedOAuthFlowsUserPoolClient: true,
        AllowedOAuthScopes: parsed.scopes.map(fullScope),
      }),
    );
  } catch (error) {
    throw translateCognitoError(error, 'CreateUserPoolClient');
  }
  const clientId = created.UserPoolClient?.ClientId;
  const secret = created.UserPoolClient?.ClientSecret;
  if (!clientId || !secret)
    throw new PortalError('aws.invalid_response', 'Cognito created the app client without an id or secret.');
  const client: ApiClientRecord = {
    clientId,
    name: parsed.name,
    scopes: parsed.scopes.map(fullScope),
    lobs: parsed.allLobs ? [] : [...new Set(parsed.lobs)].sort(),
    allLobs: parsed.allLobs,
    createdBy: actor,
    createdAt: nowOf(deps).toISOString(),
  };
  await putApiClient(deps, client);
  await writeAdminAudit(deps, {
    actor,
    action: 'api_client.create',
    target: parsed.name,
    before: null,
    after: { ...client },
  });
  return { client, secret };
}

/** Deletes the app client (its tokens stop working at once: the portal no longer knows the client). */
export async function removeApiClient(deps: AdminDeps, actor: string, clientId: string): Promise<void> {
  const client = await getApiClient(deps, clientId);
  if (!client) throw new PortalError('api_client.not_found');
  await deleteApiClient(deps, clientId);
  try {
    await deps.cognito.send(new DeleteUserPoolClientCommand({ UserPoolId: deps.userPoolId, ClientId: clientId }));
  } catch (error) {
    // Already gone in Cognito: the record was what mattered.
    if (!isResourceNotFound(error)) throw translateCognitoError(error, 'DeleteUserPoolClient');
  }
  await writeAdminAudit(deps, {
    actor,
    action: 'api_client.delete',
    target: client.name,
    before: { ...client },
    after: null,
  });
}
