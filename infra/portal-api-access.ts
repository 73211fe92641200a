// The /api/v1 resource server of the portal's user pool: the scopes machine clients are granted
// (lib/api/scopes.ts). The clients themselves are created by platform admins in the console
// (CreateUserPoolClient with client credentials); their tokens come from the pool domain's /oauth2/token.
import * as aws from '@pulumi/aws';
import type * as pulumi from '@pulumi/pulumi';
import { API_SCOPES, RESOURCE_SERVER_ID, RESOURCE_SERVER_NAME } from '../lib/api/scopes';

export function createApiResourceServer(
  name: string,
  userPoolId: pulumi.Input<string>,
  opts: pulumi.CustomResourceOptions,
): aws.cognito.ResourceServer {
  return new aws.cognito.ResourceServer(
    `${name}-api`,
    {
      userPoolId,
      identifier: RESOURCE_SERVER_ID,
      name: RESOURCE_SERVER_NAME,
      scopes: Object.entries(API_SCOPES).map(([scopeName, scopeDescription]) => ({ scopeName, scopeDescription })),
    },
    opts,
  );
}
