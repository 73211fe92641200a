/**
 * The per-user identity copy (lib/auth/identity-check.ts) and the per-token revocation copy
 * (lib/auth/api-caller.ts) with the production SDK client against the Cognito stand-in, counting the
 * calls the stand-in sees, on a clock the test moves: a fresh copy costs nothing, one look-up is
 * AdminGetUser beside AdminListGroupsForUser (one round trip), concurrent requests of one user share it,
 * a copy older than IDENTITY_RECHECK_SECONDS is asked again, a failed look-up is not kept.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import {
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminRemoveUserFromGroupCommand,
  AdminAddUserToGroupCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { IdentityChecker } from '@/lib/auth/identity-check';
import { TokenRevocationChecker } from '@/lib/auth/api-caller';
import { useLocalStack } from '../local/helpers';
import { initiateAuth } from '../support/http-session';
import { USER_POOL_ID } from '../../local/demo-data';
import { poolAdminClient } from '../support/pool-admin';

const stack = useLocalStack();
let nowMs = Date.now();
const clock = () => nowMs;

const cognito = () => poolAdminClient(stack().urls.cognito);

function checker(recheckSeconds = 60) {
  return new IdentityChecker({ pool: { cognito: cognito(), userPoolId: USER_POOL_ID }, recheckSeconds, now: clock });
}

/** Cognito API calls since the last reset (the stand-in's counters), by operation. */
function cognitoCalls(): Record<string, number> {
  return Object.fromEntries(Object.entries(stack().knobs.getCounters()).filter(([op]) => /^cognito\.[A-Z]/.test(op)));
}

beforeEach(() => {
  stack().knobs.resetCounters();
  stack().knobs.clearFaults();
});

describe('IdentityChecker', () => {
  it('one look-up is AdminGetUser beside AdminListGroupsForUser; a fresh copy costs nothing', async () => {
    const identities = checker();
    expect(await identities.check('user-group-a')).toEqual({
      status: 'active',
      username: 'user-group-a',
      groups: ['lob-a-users'],
    });
    expect(cognitoCalls()).toEqual({ 'cognito.AdminGetUser': 1, 'cognito.AdminListGroupsForUser': 1 });
    const calls = stack()
      .knobs.getCalls()
      .filter((c) => /^cognito\.[A-Z]/.test(c.op));
    // Started together (the second before the first answered): one round trip, not two.
    expect(Math.abs(calls[0].at - calls[1].at)).toBeLessThan(50);
    nowMs += 59_000;
    await identities.check('user-group-a');
    expect(cognitoCalls()).toEqual({ 'cognito.AdminGetUser': 1, 'cognito.AdminListGroupsForUser': 1 });
  });

  it('concurrent requests of one user share one look-up', async () => {
    const identities = checker();
    await Promise.all(Array.from({ length: 20 }, () => identities.check('user-lob-a')));
    expect(cognitoCalls()).toEqual({ 'cognito.AdminGetUser': 1, 'cognito.AdminListGroupsForUser': 1 });
  });

  it('a copy older than IDENTITY_RECHECK_SECONDS is asked again and sees changes', async () => {
    const identities = checker(60);
    expect(await identities.check('user-multi')).toMatchObject({ status: 'active' });
    await cognito().send(new AdminDisableUserCommand({ UserPoolId: USER_POOL_ID, Username: 'user-multi' }));
    try {
      expect(await identities.check('user-multi')).toMatchObject({ status: 'active' });
      nowMs += 61_000;
      expect(await identities.check('user-multi')).toEqual({ status: 'disabled', username: 'user-multi' });
    } finally {
      await cognito().send(new AdminEnableUserCommand({ UserPoolId: USER_POOL_ID, Username: 'user-multi' }));
    }
    await cognito().send(
      new AdminRemoveUserFromGroupCommand({
        UserPoolId: USER_POOL_ID,
        Username: 'portal-admin',
        GroupName: 'portal-admins',
      }),
    );
    try {
      expect(await checker(0).check('portal-admin')).toEqual({
        status: 'active',
        username: 'portal-admin',
        groups: [],
      });
    } finally {
      await cognito().send(
        new AdminAddUserToGroupCommand({
          UserPoolId: USER_POOL_ID,
          Username: 'portal-admin',
          GroupName: 'portal-admins',
        }),
      );
    }
    expect(await checker(0).check('nobody-here')).toEqual({ status: 'deleted', username: 'nobody-here' });
  });

  it('Cognito down: 503 idp.unavailable, and the failure is not kept (the next request asks again)', async () => {
    const identities = checker();
    stack().knobs.addFault({ service: 'cognito', operation: 'AdminGetUser', error: 'ServiceUnavailable', count: 1 });
    await expect(identities.check('user-lob-b')).rejects.toMatchObject({ code: 'idp.unavailable', status: 503 });
    expect(await identities.check('user-lob-b')).toMatchObject({ status: 'active' });
    expect(cognitoCalls()['cognito.AdminGetUser']).toBe(2);
  });
});

describe('TokenRevocationChecker', () => {
  it('asks Cognito (GetUser with the token) at most once per recheck window per token', async () => {
    const tokens = new TokenRevocationChecker({ pool: { cognito: cognito() }, recheckSeconds: 60, now: clock });
    const { accessToken } = await initiateAuth(
      { endpoint: stack().urls.cognito, region: 'us-east-1', clientId: 'portal-cli' },
      'user-lob-b',
      'UserLobB1!',
    );
    const claims = JSON.parse(Buffer.from(accessToken.split('.')[1], 'base64url').toString()) as {
      jti: string;
      exp: number;
      scope: string;
    };
    const verified = { tokenId: claims.jti, expiresAt: claims.exp, scopes: claims.scope.split(' ') };
    expect(await tokens.check(accessToken, verified)).toBe('valid');
    expect(await tokens.check(accessToken, verified)).toBe('valid');
    expect(cognitoCalls()['cognito.GetUser']).toBe(1);
    await cognito().send(new AdminDisableUserCommand({ UserPoolId: USER_POOL_ID, Username: 'user-lob-b' }));
    await cognito().send(new AdminEnableUserCommand({ UserPoolId: USER_POOL_ID, Username: 'user-lob-b' }));
    nowMs += 61_000;
    expect(await tokens.check(accessToken, verified)).toBe('revoked');
    expect(cognitoCalls()['cognito.GetUser']).toBe(2);
    // A token without the user-admin scope cannot be asked about (GetUser would refuse it): not checked.
    expect(await tokens.check(accessToken, { ...verified, scopes: ['openid'] })).toBe('unchecked');
  });
});
