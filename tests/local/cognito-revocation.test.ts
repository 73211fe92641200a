/**
 * The Cognito stand-in's token revocation, through the production SDK client: RevokeToken, GlobalSignOut,
 * AdminUserGlobalSignOut and AdminDisableUser revoke what Cognito documents (refresh tokens refused at
 * REFRESH_TOKEN_AUTH, access tokens refused by GetUser with "Access Token has been revoked"), and
 * nothing else (another sign-in of the same user, other users).
 */
import { describe, expect, it } from 'vitest';
import {
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminUserGlobalSignOutCommand,
  CognitoIdentityProviderClient,
  GetUserCommand,
  GlobalSignOutCommand,
  InitiateAuthCommand,
  RevokeTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { errorOf, useLocalStack } from './helpers';
import { USER_POOL_ID } from '../../local/demo-data';
import { createPoolUser, poolAdminClient } from '../support/pool-admin';

const stack = useLocalStack();
const UserPoolId = USER_POOL_ID;
const CLIENT = 'portal-cli';
const PASSWORD = 'Revoke-Me-1!';

const cognito = () => poolAdminClient(stack().urls.cognito);
const createUser = (username: string) => createPoolUser(cognito(), username, PASSWORD);

async function signIn(username: string) {
  const out = await cognito().send(
    new InitiateAuthCommand({
      ClientId: CLIENT,
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: username, PASSWORD: PASSWORD },
    }),
  );
  const r = out.AuthenticationResult!;
  return { access: r.AccessToken!, refresh: r.RefreshToken! };
}

const getUser = (access: string) => cognito().send(new GetUserCommand({ AccessToken: access }));
const refresh = (token: string) =>
  cognito().send(
    new InitiateAuthCommand({
      ClientId: CLIENT,
      AuthFlow: 'REFRESH_TOKEN_AUTH',
      AuthParameters: { REFRESH_TOKEN: token },
    }),
  );

async function expectRevoked(access: string) {
  const error = await errorOf(getUser(access));
  expect(error.name).toBe('NotAuthorizedException');
  expect(error.message).toBe('Access Token has been revoked');
}

describe('Cognito stand-in: token revocation', () => {
  it('GetUser answers the token’s user; refreshed tokens keep the sign-in’s origin_jti', async () => {
    await createUser('rev-getuser');
    const tokens = await signIn('rev-getuser');
    const me = await getUser(tokens.access);
    expect(me.Username).toBe('rev-getuser');
    expect(me.UserAttributes?.find((a) => a.Name === 'email')?.Value).toBe('rev-getuser@example.com');
    const refreshed = (await refresh(tokens.refresh)).AuthenticationResult!.AccessToken!;
    const origin = (t: string) => JSON.parse(Buffer.from(t.split('.')[1], 'base64url').toString()).origin_jti;
    expect(origin(refreshed)).toBe(origin(tokens.access));
  });

  it('RevokeToken revokes that sign-in only: its refresh token and its access tokens, not another sign-in’s', async () => {
    await createUser('rev-revoketoken');
    const first = await signIn('rev-revoketoken');
    const second = await signIn('rev-revoketoken');
    const refreshedFirst = (await refresh(first.refresh)).AuthenticationResult!.AccessToken!;
    await cognito().send(new RevokeTokenCommand({ ClientId: CLIENT, Token: first.refresh }));
    const refused = await errorOf(refresh(first.refresh));
    expect(refused.name).toBe('NotAuthorizedException');
    expect(refused.message).toBe('Refresh Token has been revoked');
    await expectRevoked(first.access);
    await expectRevoked(refreshedFirst);
    expect((await getUser(second.access)).Username).toBe('rev-revoketoken');
    expect((await refresh(second.refresh)).AuthenticationResult?.AccessToken).toBeTruthy();
  });

  it('RevokeToken refuses an access token (only refresh tokens can be revoked) and another client', async () => {
    await createUser('rev-wrongtoken');
    const tokens = await signIn('rev-wrongtoken');
    expect(
      (await errorOf(cognito().send(new RevokeTokenCommand({ ClientId: CLIENT, Token: tokens.access })))).name,
    ).toBe('UnsupportedTokenTypeException');
    expect(
      (await errorOf(cognito().send(new RevokeTokenCommand({ ClientId: 'portal-web', Token: tokens.refresh })))).name,
    ).toBe('UnauthorizedException');
    expect((await getUser(tokens.access)).Username).toBe('rev-wrongtoken');
  });

  it('GlobalSignOut (the user’s own access token) revokes every earlier sign-in; a later sign-in works', async () => {
    await createUser('rev-global');
    const a = await signIn('rev-global');
    const b = await signIn('rev-global');
    await cognito().send(new GlobalSignOutCommand({ AccessToken: a.access }));
    await expectRevoked(a.access);
    await expectRevoked(b.access);
    expect((await errorOf(refresh(b.refresh))).message).toBe('Refresh Token has been revoked');
    const later = await signIn('rev-global');
    expect((await getUser(later.access)).Username).toBe('rev-global');
  });

  it('AdminUserGlobalSignOut revokes the user’s tokens and nobody else’s', async () => {
    await createUser('rev-adminglobal');
    await createUser('rev-bystander');
    const target = await signIn('rev-adminglobal');
    const bystander = await signIn('rev-bystander');
    await cognito().send(new AdminUserGlobalSignOutCommand({ UserPoolId, Username: 'rev-adminglobal' }));
    await expectRevoked(target.access);
    expect((await errorOf(refresh(target.refresh))).message).toBe('Refresh Token has been revoked');
    expect((await getUser(bystander.access)).Username).toBe('rev-bystander');
  });

  it('AdminDisableUser revokes the user’s access tokens; they stay revoked after AdminEnableUser', async () => {
    await createUser('rev-disable');
    const tokens = await signIn('rev-disable');
    await cognito().send(new AdminDisableUserCommand({ UserPoolId, Username: 'rev-disable' }));
    await expectRevoked(tokens.access);
    expect((await errorOf(signIn('rev-disable'))).message).toBe('User is disabled.');
    await cognito().send(new AdminEnableUserCommand({ UserPoolId, Username: 'rev-disable' }));
    await expectRevoked(tokens.access);
    const fresh = await signIn('rev-disable');
    expect((await getUser(fresh.access)).Username).toBe('rev-disable');
  });

  it('GetUser with a deleted user’s token answers UserNotFoundException; garbage is NotAuthorizedException', async () => {
    await createUser('rev-deleted');
    const tokens = await signIn('rev-deleted');
    await cognito().send(new AdminDeleteUserCommand({ UserPoolId, Username: 'rev-deleted' }));
    expect((await errorOf(getUser(tokens.access))).name).toBe('UserNotFoundException');
    const garbage = await errorOf(getUser('aaa.bbb.ccc'));
    expect(garbage.name).toBe('NotAuthorizedException');
    expect(garbage.message).toBe('Invalid Access Token');
  });

  it('AdminUserGlobalSignOut is an admin operation: it needs SigV4 credentials', async () => {
    const anonymous = new CognitoIdentityProviderClient({
      endpoint: stack().urls.cognito,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIAUNKNOWN', secretAccessKey: 'nope' },
      maxAttempts: 1,
    });
    const error = await errorOf(
      anonymous.send(new AdminUserGlobalSignOutCommand({ UserPoolId, Username: 'user-lob-a' })),
    );
    expect(error.name).toBe('UnrecognizedClientException');
  });
});
