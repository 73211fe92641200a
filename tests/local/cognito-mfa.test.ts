/**
 * The Cognito stand-in's TOTP MFA through the production SDK client: the challenges InitiateAuth answers
 * with (pool OPTIONAL or ON), MFA_SETUP (AssociateSoftwareToken + VerifySoftwareToken with the session),
 * SOFTWARE_TOKEN_MFA, a token set up with an access token, and the refusals (wrong, reused, expired codes).
 * Codes are computed here with otpauth's defaults (RFC 6238: SHA-1, 6 digits, 30 s), independently of the stand-in.
 */
import { execFile } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AdminGetUserCommand,
  AdminSetUserMFAPreferenceCommand,
  AssociateSoftwareTokenCommand,
  CognitoIdentityProviderClient,
  GetUserPoolMfaConfigCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  SetUserMFAPreferenceCommand,
  SetUserPoolMfaConfigCommand,
  VerifySoftwareTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { Secret, TOTP } from 'otpauth';
import { Knobs } from '../../local/knobs';
import { closeServer } from '../../local/http-util';
import { createCognitoServer, type CognitoStandIn } from '../../local/cognito/server';
import { configFromEnv } from '../../local/stand-ins';
import { DEMO_APP_CLIENTS, DEMO_USERS, PORTAL_CLIENT, PORTAL_PRINCIPAL, USER_POOL_ID } from '../../local/demo-data';
import { errorOf } from './helpers';

let cognito: CognitoStandIn;
let client: CognitoIdentityProviderClient;
let cognitoUrl = '';
const PASSWORD = 'MfaTest1!x';
const OWNER_MFA = DEMO_USERS.find((u) => u.username === 'owner-mfa')!;

/** The code of `secret` `steps` periods from now. */
function code(secret: string, steps = 0): string {
  return new TOTP({ secret: Secret.fromBase32(secret) }).generate({ timestamp: Date.now() + steps * 30_000 });
}

function secretHash(username: string): string {
  return createHmac('sha256', PORTAL_CLIENT.clientSecret)
    .update(username + PORTAL_CLIENT.clientId)
    .digest('base64');
}

function signIn(username: string, password = PASSWORD) {
  return client.send(
    new InitiateAuthCommand({
      ClientId: PORTAL_CLIENT.clientId,
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: username, PASSWORD: password, SECRET_HASH: secretHash(username) },
    }),
  );
}

function answerTotp(username: string, session: string | undefined, userCode: string) {
  return client.send(
    new RespondToAuthChallengeCommand({
      ClientId: PORTAL_CLIENT.clientId,
      ChallengeName: 'SOFTWARE_TOKEN_MFA',
      Session: session,
      ChallengeResponses: { USERNAME: username, SOFTWARE_TOKEN_MFA_CODE: userCode, SECRET_HASH: secretHash(username) },
    }),
  );
}

function newUser(username: string): void {
  cognito.users.create({ username, password: PASSWORD, email: `${username}@example.com`, groups: [] });
}

beforeAll(async () => {
  cognito = await createCognitoServer(new Knobs(), {
    userPoolId: USER_POOL_ID,
    clients: DEMO_APP_CLIENTS,
    adminKeys: [PORTAL_PRINCIPAL],
    publicHost: '127.0.0.1',
  });
  const { url } = await cognito.listen(0, '127.0.0.1');
  cognitoUrl = url;
  client = new CognitoIdentityProviderClient({
    endpoint: url,
    region: 'us-east-1',
    credentials: PORTAL_PRINCIPAL,
    maxAttempts: 1,
  });
  cognito.users.create({
    username: OWNER_MFA.username,
    password: OWNER_MFA.password,
    email: OWNER_MFA.email,
    groups: OWNER_MFA.groups,
  });
  cognito.mfa.enroll(OWNER_MFA.username, OWNER_MFA.totpSecret!);
});

afterAll(async () => {
  if (cognito) await closeServer(cognito.server);
});

describe('pool MFA OPTIONAL (the demo pool)', () => {
  it('answers SOFTWARE_TOKEN_MFA for a user with TOTP, and tokens only for the right code', async () => {
    const first = await signIn(OWNER_MFA.username, OWNER_MFA.password);
    expect(first.AuthenticationResult).toBeUndefined();
    expect(first.ChallengeName).toBe('SOFTWARE_TOKEN_MFA');
    expect(first.ChallengeParameters).toEqual({ USER_ID_FOR_SRP: 'owner-mfa' });
    expect(first.Session!.length).toBeGreaterThan(20);

    const wrong = await errorOf(answerTotp('owner-mfa', first.Session, '000000'));
    expect(wrong.name).toBe('CodeMismatchException');
    // A session is spent by any answer: the right code on it no longer counts.
    const spent = await errorOf(answerTotp('owner-mfa', first.Session, code(OWNER_MFA.totpSecret!)));
    expect(spent.name).toBe('NotAuthorizedException');

    const second = await signIn(OWNER_MFA.username, OWNER_MFA.password);
    const done = await answerTotp('owner-mfa', second.Session, code(OWNER_MFA.totpSecret!, -1));
    expect(done.AuthenticationResult?.IdToken).toBeTruthy();
    expect(done.AuthenticationResult?.RefreshToken).toBeTruthy();

    // The same code (time step) is accepted once.
    const third = await signIn(OWNER_MFA.username, OWNER_MFA.password);
    expect((await errorOf(answerTotp('owner-mfa', third.Session, code(OWNER_MFA.totpSecret!, -1)))).name).toBe(
      'CodeMismatchException',
    );
  });

  it('issues tokens straight away to a user without MFA', async () => {
    newUser('mfa-none');
    const out = await signIn('mfa-none');
    expect(out.ChallengeName).toBeUndefined();
    expect(out.AuthenticationResult?.AccessToken).toBeTruthy();
  });

  it('sets up TOTP with an access token: associate, verify, then SetUserMFAPreference turns the challenge on', async () => {
    newUser('mfa-self');
    const { AuthenticationResult } = await signIn('mfa-self');
    const accessToken = AuthenticationResult!.AccessToken!;
    const { SecretCode } = await client.send(new AssociateSoftwareTokenCommand({ AccessToken: accessToken }));
    expect(SecretCode).toMatch(/^[A-Z2-7]{52}$/);
    // Enabling before the token is verified is refused.
    const early = await errorOf(
      client.send(
        new SetUserMFAPreferenceCommand({
          AccessToken: accessToken,
          SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true },
        }),
      ),
    );
    expect(early.name).toBe('InvalidParameterException');
    const mismatch = await errorOf(
      client.send(new VerifySoftwareTokenCommand({ AccessToken: accessToken, UserCode: '123456' })),
    );
    expect(mismatch.name).toBe('EnableSoftwareTokenMFAException');
    const verified = await client.send(
      new VerifySoftwareTokenCommand({ AccessToken: accessToken, UserCode: code(SecretCode!) }),
    );
    expect(verified.Status).toBe('SUCCESS');
    // Verified but not yet enabled: still no challenge.
    expect((await signIn('mfa-self')).ChallengeName).toBeUndefined();
    await client.send(
      new SetUserMFAPreferenceCommand({
        AccessToken: accessToken,
        SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true },
      }),
    );
    expect((await signIn('mfa-self')).ChallengeName).toBe('SOFTWARE_TOKEN_MFA');
    const user = await client.send(new AdminGetUserCommand({ UserPoolId: USER_POOL_ID, Username: 'mfa-self' }));
    expect(user.UserMFASettingList).toEqual(['SOFTWARE_TOKEN_MFA']);
    expect(user.PreferredMfaSetting).toBe('SOFTWARE_TOKEN_MFA');

    // An administrator turns it off again (SigV4-signed AdminSetUserMFAPreference).
    await client.send(
      new AdminSetUserMFAPreferenceCommand({
        UserPoolId: USER_POOL_ID,
        Username: 'mfa-self',
        SoftwareTokenMfaSettings: { Enabled: false },
      }),
    );
    expect((await signIn('mfa-self')).ChallengeName).toBeUndefined();
  });

  it('refuses the token-authenticated calls without a valid access token', async () => {
    const bad = await errorOf(client.send(new AssociateSoftwareTokenCommand({ AccessToken: 'not-a-token' })));
    expect(bad.name).toBe('NotAuthorizedException');
    const noSession = await errorOf(client.send(new AssociateSoftwareTokenCommand({ Session: 'made-up' })));
    expect(noSession.name).toBe('NotAuthorizedException');
  });
});

describe('pool MFA ON (production stages)', () => {
  beforeAll(async () => {
    const out = await client.send(
      new SetUserPoolMfaConfigCommand({
        UserPoolId: USER_POOL_ID,
        MfaConfiguration: 'ON',
        SoftwareTokenMfaConfiguration: { Enabled: true },
      }),
    );
    expect(out.MfaConfiguration).toBe('ON');
  });
  afterAll(async () => {
    await client.send(new SetUserPoolMfaConfigCommand({ UserPoolId: USER_POOL_ID, MfaConfiguration: 'OPTIONAL' }));
  });

  it('answers MFA_SETUP for a user without MFA; the first verified code completes the sign-in', async () => {
    expect((await client.send(new GetUserPoolMfaConfigCommand({ UserPoolId: USER_POOL_ID }))).MfaConfiguration).toBe(
      'ON',
    );
    newUser('mfa-setup');
    const first = await signIn('mfa-setup');
    expect(first.ChallengeName).toBe('MFA_SETUP');
    expect(first.ChallengeParameters?.MFAS_CAN_SETUP).toBe('["SOFTWARE_TOKEN_MFA"]');
    const associated = await client.send(new AssociateSoftwareTokenCommand({ Session: first.Session }));
    expect(associated.SecretCode).toMatch(/^[A-Z2-7]{52}$/);
    expect(associated.Session).toBeTruthy();
    const verified = await client.send(
      new VerifySoftwareTokenCommand({
        Session: associated.Session,
        UserCode: code(associated.SecretCode!),
        FriendlyDeviceName: 'phone',
      }),
    );
    expect(verified.Status).toBe('SUCCESS');
    const done = await client.send(
      new RespondToAuthChallengeCommand({
        ClientId: PORTAL_CLIENT.clientId,
        ChallengeName: 'MFA_SETUP',
        Session: verified.Session,
        ChallengeResponses: { USERNAME: 'mfa-setup', SECRET_HASH: secretHash('mfa-setup') },
      }),
    );
    expect(done.AuthenticationResult?.IdToken).toBeTruthy();
    // From now on the user signs in with a code.
    const next = await signIn('mfa-setup');
    expect(next.ChallengeName).toBe('SOFTWARE_TOKEN_MFA');
    expect(
      (await answerTotp('mfa-setup', next.Session, code(associated.SecretCode!, 1))).AuthenticationResult?.IdToken,
    ).toBeTruthy();
  });

  it('refuses a wrong first code and spends the setup session', async () => {
    newUser('mfa-setup-wrong');
    const first = await signIn('mfa-setup-wrong');
    const associated = await client.send(new AssociateSoftwareTokenCommand({ Session: first.Session }));
    const wrong = await errorOf(
      client.send(new VerifySoftwareTokenCommand({ Session: associated.Session, UserCode: '000000' })),
    );
    expect(wrong.name).toBe('EnableSoftwareTokenMFAException');
    const again = await errorOf(
      client.send(
        new VerifySoftwareTokenCommand({ Session: associated.Session, UserCode: code(associated.SecretCode!) }),
      ),
    );
    expect(again.name).toBe('NotAuthorizedException');
    expect((await signIn('mfa-setup-wrong')).ChallengeName).toBe('MFA_SETUP');
  });

  it('refuses an MFA configuration that is not OFF, OPTIONAL or ON', async () => {
    const bad = await errorOf(
      client.send(new SetUserPoolMfaConfigCommand({ UserPoolId: USER_POOL_ID, MfaConfiguration: 'ALWAYS' as never })),
    );
    expect(bad.name).toBe('InvalidParameterException');
  });
});

describe('configuration', () => {
  it('LOCAL_COGNITO_MFA picks the pool MFA configuration, OPTIONAL by default, and names a bad value', () => {
    expect(configFromEnv({}).cognitoMfa).toBe('OPTIONAL');
    expect(configFromEnv({ LOCAL_COGNITO_MFA: 'ON' }).cognitoMfa).toBe('ON');
    expect(() => configFromEnv({ LOCAL_COGNITO_MFA: 'required' })).toThrow(
      /LOCAL_COGNITO_MFA must be OFF, OPTIONAL or ON/,
    );
  });
});

describe('npm run token with MFA', () => {
  /** Async on purpose: the stand-in runs in this process and must keep answering. */
  function runToken(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', 'scripts/token.ts', ...args],
        { env: { ...process.env, COGNITO_ENDPOINT: cognitoUrl }, encoding: 'utf8', timeout: 30_000 },
        (error, stdout, stderr) =>
          resolve({ status: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });
  }

  it('--totp owner-mfa prints the current authenticator code', async () => {
    const before = code(OWNER_MFA.totpSecret!);
    const out = await runToken(['--totp', 'owner-mfa']);
    expect(out.status, out.stderr).toBe(0);
    expect([before, code(OWNER_MFA.totpSecret!)]).toContain(out.stdout.trim());
  });

  it('answers the SOFTWARE_TOKEN_MFA challenge of a demo user with MFA and prints an access token', async () => {
    const out = await runToken(['owner-mfa']);
    expect(out.status, out.stderr).toBe(0);
    const claims = JSON.parse(Buffer.from(out.stdout.trim().split('.')[1], 'base64url').toString()) as Record<
      string,
      unknown
    >;
    expect(claims).toMatchObject({ token_use: 'access', username: 'owner-mfa' });
  });

  it('names the missing secret for a user without one', async () => {
    const out = await runToken(['--totp', 'user-lob-a']);
    expect(out.status).not.toBe(0);
    expect(out.stderr).toContain('no TOTP secret for "user-lob-a"');
  });
});
