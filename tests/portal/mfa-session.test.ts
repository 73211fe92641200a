/**
 * What a session records about MFA, through next-auth's own callbacks as the portal configures them
 * (lib/auth/next-auth.ts + lib/auth/mfa.ts), and when the console refuses it (CONSOLE_REQUIRE_MFA).
 * The browser flows are in e2e/mfa.spec.ts and e2e/mfa-setup.spec.ts.
 */
import type { Account, Profile, User } from 'next-auth';
import type { JWT } from 'next-auth/jwt';
import { describe, expect, it } from 'vitest';
import { buildAuthOptions } from '@/lib/auth/next-auth';
import { consoleMfaMissing } from '@/lib/auth/mfa';
import { parseConfig } from '@/lib/config';

function env(extra: Record<string, string> = {}): Record<string, string> {
  return {
    NEXTAUTH_URL: 'https://portal.example.com',
    NEXTAUTH_SECRET: 's'.repeat(40),
    AWS_REGION: 'us-east-1',
    COGNITO_ISSUER: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Example',
    COGNITO_USER_POOL_ID: 'us-east-1_Example',
    COGNITO_CLIENT_ID: 'portal-web',
    ...extra,
  };
}

async function hostedUiToken(claims: Record<string, unknown>): Promise<JWT> {
  const { callbacks } = buildAuthOptions(parseConfig(env({ AUTH_MODE: 'hosted-ui' })));
  const account = { provider: 'cognito', type: 'oauth', providerAccountId: 'sub-1' } as Account;
  const profile = { 'cognito:username': 'someone', 'cognito:groups': ['portal-admins'], ...claims } as Profile;
  return callbacks!.jwt!({ token: {}, user: { id: 'sub-1' } as User, account, profile });
}

async function sessionOf(token: JWT) {
  const { callbacks } = buildAuthOptions(parseConfig(env()));
  const session = await callbacks!.session!({
    session: { expires: '' } as never,
    token,
    user: undefined as never,
    newSession: undefined,
    trigger: 'update',
  });
  return (session as { user: { mfa?: boolean } }).user;
}

describe('hosted-UI sessions: the ID token’s amr claim', () => {
  it('records mfa true when Cognito lists mfa or otp, false when it lists the password alone', async () => {
    expect((await hostedUiToken({ amr: ['pwd', 'otp', 'mfa'] })).mfa).toBe(true);
    expect((await hostedUiToken({ amr: ['pwd'] })).mfa).toBe(false);
    expect((await sessionOf(await hostedUiToken({ amr: ['pwd'] }))).mfa).toBe(false);
  });

  it('leaves it unknown without an amr claim (the portal cannot know; the pool’s MFA decides)', async () => {
    const token = await hostedUiToken({});
    expect(token.mfa).toBeUndefined();
    expect((await sessionOf(token)).mfa).toBeUndefined();
    expect(consoleMfaMissing({}, true)).toBe(false);
  });
});

describe('password sessions', () => {
  it('carry what the sign-in steps recorded', async () => {
    const { callbacks } = buildAuthOptions(parseConfig(env()));
    const account = { provider: 'credentials', type: 'credentials', providerAccountId: 'owner-mfa' } as Account;
    const withMfa = await callbacks!.jwt!({
      token: {},
      user: { id: 'owner-mfa', username: 'owner-mfa', groups: [], mfa: true } as User,
      account,
    });
    expect((await sessionOf(withMfa)).mfa).toBe(true);
    const without = await callbacks!.jwt!({
      token: {},
      user: { id: 'owner-lob-a', username: 'owner-lob-a', groups: [], mfa: false } as User,
      account,
    });
    expect((await sessionOf(without)).mfa).toBe(false);
  });
});

describe('CONSOLE_REQUIRE_MFA', () => {
  it('is false by default, true or false when set, and names a bad value', () => {
    expect(parseConfig(env()).consoleRequireMfa).toBe(false);
    expect(parseConfig(env({ CONSOLE_REQUIRE_MFA: 'true' })).consoleRequireMfa).toBe(true);
    expect(() => parseConfig(env({ CONSOLE_REQUIRE_MFA: 'yes' }))).toThrow(/CONSOLE_REQUIRE_MFA must be true or false/);
  });

  it('refuses only a session known not to have passed MFA, and only where required', () => {
    expect(consoleMfaMissing({ mfa: false }, true)).toBe(true);
    expect(consoleMfaMissing({ mfa: true }, true)).toBe(false);
    expect(consoleMfaMissing({ mfa: false }, false)).toBe(false);
  });
});
