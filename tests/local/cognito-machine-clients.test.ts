/**
 * Machine clients in the Cognito stand-in through the production SDK and plain OAuth: CreateUserPoolClient
 * with client credentials, the domain's /oauth2/token (HTTP Basic, scopes), Describe / Delete, and Cognito's
 * refusals.
 */
import { describe, expect, it } from 'vitest';
import {
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  DeleteUserPoolClientCommand,
  DescribeUserPoolClientCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { errorOf, useLocalStack } from './helpers';
import { createVerifier } from './jwt';
import { PORTAL_PRINCIPAL, USER_POOL_ID } from '../../local/demo-data';

const stack = useLocalStack();
const UserPoolId = USER_POOL_ID;
const cognito = () =>
  new CognitoIdentityProviderClient({
    endpoint: stack().urls.cognito,
    region: 'us-east-1',
    credentials: PORTAL_PRINCIPAL,
    maxAttempts: 1,
  });
const tokenUrl = () => `${stack().urls.cognito}/oauth2/token`;

function token(form: Record<string, string>, basic?: string) {
  return fetch(tokenUrl(), {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(basic ? { authorization: `Basic ${Buffer.from(basic).toString('base64')}` } : {}),
    },
    body: new URLSearchParams(form),
  });
}

async function created(scopes = ['studio-portal/members.read', 'studio-portal/members.write']) {
  const out = await cognito().send(
    new CreateUserPoolClientCommand({
      UserPoolId,
      ClientName: 'pipeline',
      GenerateSecret: true,
      AllowedOAuthFlows: ['client_credentials'],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: scopes,
    }),
  );
  return out.UserPoolClient!;
}

describe('machine clients (client credentials)', () => {
  it('issues Cognito-shaped access tokens for the requested scopes, without a username', async () => {
    const client = await created();
    expect(client.ClientSecret).toBeTruthy();
    const res = await token(
      { grant_type: 'client_credentials', scope: 'studio-portal/members.read' },
      `${client.ClientId}:${client.ClientSecret}`,
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as { access_token: string; token_type: string; expires_in: number };
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    const claims = await createVerifier(stack().urls.issuer, stack().urls.jwks, 'access', null).verify(
      body.access_token,
    );
    expect(claims).toMatchObject({
      token_use: 'access',
      client_id: client.ClientId,
      sub: client.ClientId,
      scope: 'studio-portal/members.read',
    });
    expect(claims).not.toHaveProperty('username');
    const all = (await (
      await token({
        grant_type: 'client_credentials',
        client_id: client.ClientId!,
        client_secret: client.ClientSecret!,
      })
    ).json()) as { access_token: string };
    expect(JSON.parse(Buffer.from(all.access_token.split('.')[1], 'base64url').toString()).scope).toBe(
      'studio-portal/members.read studio-portal/members.write',
    );
    const described = await cognito().send(
      new DescribeUserPoolClientCommand({ UserPoolId, ClientId: client.ClientId }),
    );
    expect(described.UserPoolClient?.AllowedOAuthScopes).toEqual([
      'studio-portal/members.read',
      'studio-portal/members.write',
    ]);
  });

  it('refuses a wrong secret, a scope the client lacks, other grants and deleted clients', async () => {
    const client = await created(['studio-portal/audit.read']);
    expect((await token({ grant_type: 'client_credentials' }, `${client.ClientId}:wrong`)).status).toBe(401);
    const scope = await token(
      { grant_type: 'client_credentials', scope: 'studio-portal/members.write' },
      `${client.ClientId}:${client.ClientSecret}`,
    );
    expect(scope.status).toBe(400);
    expect(await scope.json()).toEqual({ error: 'invalid_scope' });
    const grant = await token(
      { grant_type: 'password', username: 'x', password: 'y' },
      `${client.ClientId}:${client.ClientSecret}`,
    );
    expect(await grant.json()).toEqual({ error: 'unsupported_grant_type' });
    await cognito().send(new DeleteUserPoolClientCommand({ UserPoolId, ClientId: client.ClientId }));
    expect(
      (await token({ grant_type: 'client_credentials' }, `${client.ClientId}:${client.ClientSecret}`)).status,
    ).toBe(401);
    const gone = await errorOf(
      cognito().send(new DescribeUserPoolClientCommand({ UserPoolId, ClientId: client.ClientId })),
    );
    expect(gone.name).toBe('ResourceNotFoundException');
  });

  it('refuses what Cognito refuses when creating a client', async () => {
    const base = { UserPoolId, ClientName: 'bad', AllowedOAuthFlowsUserPoolClient: true };
    const unknownScope = await errorOf(
      cognito().send(
        new CreateUserPoolClientCommand({
          ...base,
          GenerateSecret: true,
          AllowedOAuthFlows: ['client_credentials'],
          AllowedOAuthScopes: ['studio-portal/nope'],
        }),
      ),
    );
    expect(unknownScope.name).toBe('ScopeDoesNotExistException');
    const noSecret = await errorOf(
      cognito().send(
        new CreateUserPoolClientCommand({
          ...base,
          AllowedOAuthFlows: ['client_credentials'],
          AllowedOAuthScopes: ['studio-portal/audit.read'],
        }),
      ),
    );
    expect(noSecret.name).toBe('InvalidOAuthFlowException');
    const unsigned = await errorOf(
      new CognitoIdentityProviderClient({
        endpoint: stack().urls.cognito,
        region: 'us-east-1',
        credentials: { accessKeyId: 'nobody', secretAccessKey: 'x' },
        maxAttempts: 1,
      }).send(
        new CreateUserPoolClientCommand({
          ...base,
          GenerateSecret: true,
          AllowedOAuthFlows: ['client_credentials'],
          AllowedOAuthScopes: ['studio-portal/audit.read'],
        }),
      ),
    );
    expect(unsigned.name).toBe('UnrecognizedClientException');
  });
});
