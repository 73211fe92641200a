import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  AdminRemoveUserFromGroupCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
  ListUsersCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { errorOf, useLocalStack } from './helpers';
import { createVerifier } from './jwt';
import { DEMO_USERS, OTHER_PRINCIPAL, PORTAL_CLIENT, PORTAL_PRINCIPAL, USER_POOL_ID } from '../../local/demo-data';

const stack = useLocalStack();
const UserPoolId = USER_POOL_ID;

function cognito(credentials: { accessKeyId: string; secretAccessKey: string } = PORTAL_PRINCIPAL) {
  return new CognitoIdentityProviderClient({
    endpoint: stack().urls.cognito,
    region: 'us-east-1',
    credentials,
    maxAttempts: 1,
  });
}

function secretHash(username: string): string {
  return createHmac('sha256', PORTAL_CLIENT.clientSecret)
    .update(username + PORTAL_CLIENT.clientId)
    .digest('base64');
}

async function login(username: string, password: string, clientId = 'portal-cli') {
  return cognito().send(
    new InitiateAuthCommand({
      ClientId: clientId,
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: username, PASSWORD: password },
    }),
  );
}

describe('InitiateAuth', () => {
  it('USER_PASSWORD_AUTH returns Cognito-shaped tokens that JwtRsaVerifier accepts', async () => {
    const out = await login('portal-admin', 'PortalAdmin1!');
    const result = out.AuthenticationResult!;
    expect(result.TokenType).toBe('Bearer');
    expect(result.ExpiresIn).toBe(3600);
    const access = await createVerifier(stack().urls.issuer, stack().urls.jwks, 'access', null).verify(
      result.AccessToken!,
    );
    expect(access).toMatchObject({
      token_use: 'access',
      client_id: 'portal-cli',
      username: 'portal-admin',
      'cognito:groups': ['portal-admins'],
    });
    expect(access.iss).toBe(`${stack().urls.cognito}/${USER_POOL_ID}`);
    for (const claim of ['sub', 'scope', 'auth_time', 'exp', 'iat', 'jti']) expect(access).toHaveProperty(claim);
    const id = await createVerifier(stack().urls.issuer, stack().urls.jwks, 'id', 'portal-cli').verify(result.IdToken!);
    expect(id).toMatchObject({
      token_use: 'id',
      aud: 'portal-cli',
      'cognito:username': 'portal-admin',
      'cognito:groups': ['portal-admins'],
      email: 'portal-admin@example.com',
      email_verified: true,
      sub: access.sub,
    });
  });

  it('answers NotAuthorizedException for a wrong password and UserNotFoundException for an unknown user', async () => {
    const wrong = await errorOf(login('user-lob-a', 'nope'));
    expect(wrong.name).toBe('NotAuthorizedException');
    expect(wrong.message).toBe('Incorrect username or password.');
    expect((await errorOf(login('nobody', 'Whatever1!'))).name).toBe('UserNotFoundException');
    expect((await errorOf(login('user-lob-a', 'UserLobA1!', 'no-such-client'))).name).toBe('ResourceNotFoundException');
  });

  it('requires SECRET_HASH for the client with a secret', async () => {
    const missing = await errorOf(login('user-lob-a', 'UserLobA1!', PORTAL_CLIENT.clientId));
    expect(missing.name).toBe('NotAuthorizedException');
    expect(missing.message).toContain('SECRET_HASH');
    const out = await cognito().send(
      new InitiateAuthCommand({
        ClientId: PORTAL_CLIENT.clientId,
        AuthFlow: 'USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: 'user-lob-a', PASSWORD: 'UserLobA1!', SECRET_HASH: secretHash('user-lob-a') },
      }),
    );
    expect(out.AuthenticationResult?.AccessToken).toBeTruthy();
  });

  it('REFRESH_TOKEN_AUTH issues new access and ID tokens; a bad refresh token is NotAuthorizedException', async () => {
    const first = await login('user-lob-b', 'UserLobB1!');
    const refreshed = await cognito().send(
      new InitiateAuthCommand({
        ClientId: 'portal-cli',
        AuthFlow: 'REFRESH_TOKEN_AUTH',
        AuthParameters: { REFRESH_TOKEN: first.AuthenticationResult!.RefreshToken! },
      }),
    );
    expect(refreshed.AuthenticationResult?.RefreshToken).toBeUndefined();
    const access = await createVerifier(stack().urls.issuer, stack().urls.jwks, 'access', null).verify(
      refreshed.AuthenticationResult!.AccessToken!,
    );
    expect(access.username).toBe('user-lob-b');
    const bad = await errorOf(
      cognito().send(
        new InitiateAuthCommand({
          ClientId: 'portal-cli',
          AuthFlow: 'REFRESH_TOKEN_AUTH',
          AuthParameters: { REFRESH_TOKEN: 'forged' },
        }),
      ),
    );
    expect(bad.name).toBe('NotAuthorizedException');
  });
});

describe('Admin API', () => {
  it('refuses unsigned-by-a-known-key and badly signed calls', async () => {
    expect((await errorOf(cognito(OTHER_PRINCIPAL).send(new ListUsersCommand({ UserPoolId })))).name).toBe(
      'UnrecognizedClientException',
    );
    expect(
      (
        await errorOf(
          cognito({ ...PORTAL_PRINCIPAL, secretAccessKey: 'wrong' }).send(new ListUsersCommand({ UserPoolId })),
        )
      ).name,
    ).toBe('InvalidSignatureException');
    expect((await errorOf(cognito().send(new ListUsersCommand({ UserPoolId: 'us-east-1_Other' })))).name).toBe(
      'ResourceNotFoundException',
    );
  });

  it('creates a user, sets a permanent password, manages groups, and deletes it', async () => {
    const client = cognito();
    const created = await client.send(
      new AdminCreateUserCommand({
        UserPoolId,
        Username: 'scripted-user',
        TemporaryPassword: 'Temporary1!',
        MessageAction: 'SUPPRESS',
        UserAttributes: [{ Name: 'email', Value: 'scripted@example.com' }],
      }),
    );
    expect(created.User?.UserStatus).toBe('FORCE_CHANGE_PASSWORD');
    const challenge = await login('scripted-user', 'Temporary1!');
    expect(challenge.ChallengeName).toBe('NEW_PASSWORD_REQUIRED');
    expect(
      (await errorOf(client.send(new AdminCreateUserCommand({ UserPoolId, Username: 'scripted-user' })))).name,
    ).toBe('UsernameExistsException');
    expect(
      (
        await errorOf(
          client.send(
            new AdminSetUserPasswordCommand({
              UserPoolId,
              Username: 'scripted-user',
              Password: 'short',
              Permanent: true,
            }),
          ),
        )
      ).name,
    ).toBe('InvalidPasswordException');
    await client.send(
      new AdminSetUserPasswordCommand({
        UserPoolId,
        Username: 'scripted-user',
        Password: 'Scripted1!',
        Permanent: true,
      }),
    );
    await client.send(
      new AdminAddUserToGroupCommand({ UserPoolId, Username: 'scripted-user', GroupName: 'lob-b-users' }),
    );
    expect(
      (
        await errorOf(
          client.send(new AdminAddUserToGroupCommand({ UserPoolId, Username: 'scripted-user', GroupName: 'nope' })),
        )
      ).name,
    ).toBe('ResourceNotFoundException');
    const groups = await client.send(new AdminListGroupsForUserCommand({ UserPoolId, Username: 'scripted-user' }));
    expect(groups.Groups?.map((g) => g.GroupName)).toEqual(['lob-b-users']);
    const got = await client.send(new AdminGetUserCommand({ UserPoolId, Username: 'scripted-user' }));
    expect(got.UserStatus).toBe('CONFIRMED');
    expect(got.UserAttributes).toContainEqual({ Name: 'email', Value: 'scripted@example.com' });
    const tokens = await login('scripted-user', 'Scripted1!');
    const access = await createVerifier(stack().urls.issuer, stack().urls.jwks, 'access', null).verify(
      tokens.AuthenticationResult!.AccessToken!,
    );
    expect(access['cognito:groups']).toEqual(['lob-b-users']);
    await client.send(
      new AdminRemoveUserFromGroupCommand({ UserPoolId, Username: 'scripted-user', GroupName: 'lob-b-users' }),
    );
    expect(
      (await client.send(new AdminListGroupsForUserCommand({ UserPoolId, Username: 'scripted-user' }))).Groups,
    ).toEqual([]);
    await client.send(new AdminDeleteUserCommand({ UserPoolId, Username: 'scripted-user' }));
    expect((await errorOf(client.send(new AdminGetUserCommand({ UserPoolId, Username: 'scripted-user' })))).name).toBe(
      'UserNotFoundException',
    );
  });

  it('ListUsers filters by username prefix and equality, pages sorted by username, and caps Limit at 60', async () => {
    const client = cognito();
    const prefix = await client.send(new ListUsersCommand({ UserPoolId, Filter: 'username ^= "user-"' }));
    // The demo pool (local/demo-data.ts), sorted by username (as ListUsers pages it).
    const demo = DEMO_USERS.map((u) => u.username).sort();
    expect(prefix.Users?.map((u) => u.Username)).toEqual(demo.filter((u) => u.startsWith('user-')));
    expect(prefix.Users?.map((u) => u.Username)).toContain('user-no-profile');
    const exact = await client.send(new ListUsersCommand({ UserPoolId, Filter: 'username = "user-lob-a"' }));
    expect(exact.Users?.map((u) => u.Username)).toEqual(['user-lob-a']);
    const page1 = await client.send(new ListUsersCommand({ UserPoolId, Limit: 3 }));
    const page2 = await client.send(
      new ListUsersCommand({ UserPoolId, Limit: 3, PaginationToken: page1.PaginationToken }),
    );
    expect(page1.Users?.map((u) => u.Username)).toEqual(demo.slice(0, 3));
    expect(page2.Users?.map((u) => u.Username)).toEqual(demo.slice(3, 6));
    expect(page1.Users?.map((u) => u.Username)).toContain('new-user');
    expect((await errorOf(client.send(new ListUsersCommand({ UserPoolId, Limit: 61 })))).name).toBe(
      'InvalidParameterException',
    );
    expect((await errorOf(client.send(new ListUsersCommand({ UserPoolId, Filter: 'username ~ "x"' })))).name).toBe(
      'InvalidParameterException',
    );
  });

  it('pages a prefix filter and finds an exact name among 100,000 users (speed: bench/admin-bench.ts)', async () => {
    const users = Array.from({ length: 100_000 }, (_, i) => ({
      username: `bulk-${String(i).padStart(6, '0')}`,
      password: 'BulkUser1!',
    }));
    const res = await fetch(`${stack().urls.control}/cognito/users:bulk`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ users }),
    });
    expect(res.status).toBe(200);
    expect((await res.json()).total).toBeGreaterThanOrEqual(100_000);
    const client = cognito();
    let token: string | undefined;
    const seen: string[] = [];
    for (let i = 0; i < 20; i += 1) {
      const page = await client.send(
        new ListUsersCommand({ UserPoolId, Filter: 'username ^= "bulk-0999"', Limit: 60, PaginationToken: token }),
      );
      seen.push(...page.Users!.map((u) => u.Username!));
      token = page.PaginationToken;
      if (!token) break;
    }
    const last = await client.send(new ListUsersCommand({ UserPoolId, Filter: 'username = "bulk-099999"' }));
    expect(seen).toHaveLength(100);
    expect(seen[0]).toBe('bulk-099900');
    expect(seen.at(-1)).toBe('bulk-099999');
    expect(last.Users?.[0]?.Username).toBe('bulk-099999');
  });
});
