/**
 * The Cognito stand-in's multi-factor authentication: software-token (TOTP, RFC 6238) MFA as Cognito
 * documents it. The pool's MFA configuration (OFF / OPTIONAL / ON) decides which challenge a correct
 * password leads to:
 *  - a user with TOTP enabled (and preferred) gets SOFTWARE_TOKEN_MFA (pool OPTIONAL or ON);
 *  - a user without it gets MFA_SETUP when the pool is ON, tokens otherwise.
 * Operations: AssociateSoftwareToken, VerifySoftwareToken, SetUserMFAPreference (token-authenticated
 * like Cognito's, no SigV4), AdminSetUserMFAPreference, SetUserPoolMfaConfig, GetUserPoolMfaConfig,
 * and the SOFTWARE_TOKEN_MFA / MFA_SETUP answers of RespondToAuthChallenge.
 * Codes are checked with `otpauth` (SHA-1, 6 digits, 30 s, one step either side); a code is accepted once.
 * Conservative readings where Cognito's docs are silent (docs/local-stand-ins.md): a session is spent by
 * any answer, right or wrong, and lives 3 minutes (Cognito's default AuthSessionValidity).
 */
import { randomBytes } from 'node:crypto';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { Secret, TOTP } from 'otpauth';
import type { KeyRing } from './keys';
import { CognitoApiError, type PoolUser, type UserStore } from './user-store';

export type MfaConfiguration = 'OFF' | 'ON' | 'OPTIONAL';
export const MFA_CONFIGURATIONS: readonly MfaConfiguration[] = ['OFF', 'ON', 'OPTIONAL'];

/** Cognito's default authentication session validity (AuthSessionValidity, 3-15 minutes). */
const SESSION_TTL_MS = 3 * 60_000;
const PERIOD_SECONDS = 30;

type Json = Record<string, unknown>;
export type MfaChallenge = 'SOFTWARE_TOKEN_MFA' | 'MFA_SETUP';

interface UserMfa {
  /** Base32 secret of the associated token (verified or not). */
  secret?: string;
  verified: boolean;
  enabled: boolean;
  preferred: boolean;
  /** TOTP time steps already used: a code is accepted once (RFC 6238 section 5.2). */
  usedSteps: Set<number>;
}

interface MfaSession {
  username: string;
  clientId: string;
  /** What the session may be used for next. */
  next: MfaChallenge | 'ASSOCIATE' | 'VERIFY';
  expiresAt: number;
}

export interface MfaState {
  users: UserStore;
  keys: KeyRing;
  issuer(): string;
}

/** The TOTP of a base32 secret, as authenticator apps compute it. */
export function totpFor(secret: string, label = 'user'): TOTP {
  return new TOTP({
    issuer: 'Studio Portal',
    label,
    algorithm: 'SHA1',
    digits: 6,
    period: PERIOD_SECONDS,
    secret: Secret.fromBase32(secret),
  });
}

function responsesOf(input: Json): Record<string, string> {
  return (input.ChallengeResponses ?? {}) as Record<string, string>;
}

export class CognitoMfa {
  private readonly byUser = new Map<string, UserMfa>();
  private readonly sessions = new Map<string, MfaSession>();

  constructor(
    private readonly state: MfaState,
    public configuration: MfaConfiguration = 'OPTIONAL',
  ) {}

  private mfaOf(user: PoolUser): UserMfa {
    let mfa = this.byUser.get(user.sub);
    if (!mfa) {
      mfa = { verified: false, enabled: false, preferred: false, usedSteps: new Set() };
      this.byUser.set(user.sub, mfa);
    }
    return mfa;
  }

  /** Gives a user a verified, enabled and preferred TOTP token with a known secret (demo data). */
  enroll(username: string, secret: string): void {
    const user = this.state.users.get(username);
    if (!user) throw new Error(`no user ${username} to enroll in MFA`);
    Object.assign(this.mfaOf(user), { secret, verified: true, enabled: true, preferred: true });
  }

  /** A deleted user's token goes with them. */
  forget(user: PoolUser): void {
    this.byUser.delete(user.sub);
  }

  /** True when the user's sign-ins must pass TOTP. */
  hasTotp(user: PoolUser): boolean {
    const mfa = this.byUser.get(user.sub);
    return this.configuration !== 'OFF' && !!mfa?.enabled && !!mfa.verified;
  }

  private newSession(username: string, clientId: string, next: MfaSession['next']): string {
    const session = randomBytes(48).toString('base64url');
    this.sessions.set(session, { username, clientId, next, expiresAt: Date.now() + SESSION_TTL_MS });
    return session;
  }

  /** Spends a session (whatever the answer): Cognito refuses a spent, expired or mismatched one alike. */
  private takeSession(value: unknown, next: MfaSession['next'], clientId?: string): MfaSession {
    const session = typeof value === 'string' ? this.sessions.get(value) : undefined;
    if (typeof value === 'string') this.sessions.delete(value);
    if (
      !session ||
      session.expiresAt < Date.now() ||
      session.next !== next ||
      (clientId && session.clientId !== clientId)
    ) {
      throw new CognitoApiError('NotAuthorizedException', 'Invalid session for the user, session is expired.');
    }
    return session;
  }

  /**
   * After a correct password (and any new password): the challenge InitiateAuth answers with, or
   * undefined when the pool issues tokens straight away.
   */
  challengeAfterPassword(user: PoolUser, clientId: string): Json | undefined {
    if (this.hasTotp(user)) {
      return {
        ChallengeName: 'SOFTWARE_TOKEN_MFA',
        Session: this.newSession(user.username, clientId, 'SOFTWARE_TOKEN_MFA'),
        ChallengeParameters: { USER_ID_FOR_SRP: user.username },
      };
    }
    if (this.configuration === 'ON') {
      return {
        ChallengeName: 'MFA_SETUP',
        Session: this.newSession(user.username, clientId, 'ASSOCIATE'),
        ChallengeParameters: { MFAS_CAN_SETUP: '["SOFTWARE_TOKEN_MFA"]', USER_ID_FOR_SRP: user.username },
      };
    }
    return undefined;
  }

  /**
   * RespondToAuthChallenge for SOFTWARE_TOKEN_MFA and MFA_SETUP: the user whose tokens to issue.
   * `checkSecretHash` is the caller's SECRET_HASH check for the app client.
   */
  respond(
    input: Json,
    clientId: string,
    checkSecretHash: (user: PoolUser, hash: string | undefined) => void,
  ): PoolUser {
    const challenge = input.ChallengeName as MfaChallenge;
    const responses = responsesOf(input);
    const session = this.takeSession(input.Session, challenge, clientId);
    const user = this.state.users.get(session.username);
    if (!user || !user.enabled) throw new CognitoApiError('NotAuthorizedException', 'User is disabled.');
    if (responses.USERNAME !== undefined && this.state.users.resolve(responses.USERNAME) !== user) {
      throw new CognitoApiError('NotAuthorizedException', 'Invalid session for the user.');
    }
    checkSecretHash(user, responses.SECRET_HASH);
    if (challenge === 'SOFTWARE_TOKEN_MFA') {
      const code = responses.SOFTWARE_TOKEN_MFA_CODE;
      if (!code)
        throw new CognitoApiError('InvalidParameterException', 'Missing required parameter SOFTWARE_TOKEN_MFA_CODE');
      if (!this.acceptCode(this.mfaOf(user), code))
        throw new CognitoApiError('CodeMismatchException', 'Invalid code received for user');
    }
    return user;
  }

  /** The hosted login page's code step: the user's current TOTP (accepted once). */
  checkCode(user: PoolUser, code: string): boolean {
    return this.hasTotp(user) && this.acceptCode(this.mfaOf(user), code.replace(/\s+/g, ''));
  }

  /** True (and the step remembered) when `code` is the user's current TOTP, one step either side, unused. */
  private acceptCode(mfa: UserMfa, code: string): boolean {
    if (!mfa.secret || !/^\d{6}$/.test(code)) return false;
    const now = Date.now();
    const delta = totpFor(mfa.secret).validate({ token: code, timestamp: now, window: 1 });
    if (delta === null) return false;
    const step = Math.floor(now / 1000 / PERIOD_SECONDS) + delta;
    if (mfa.usedSteps.has(step)) return false;
    mfa.usedSteps.add(step);
    for (const old of mfa.usedSteps) if (old < step - 2) mfa.usedSteps.delete(old);
    return true;
  }

  /** The user an access token names (signature, issuer, token_use, enabled user), for the token-authenticated calls. */
  private async userOfAccessToken(token: unknown): Promise<PoolUser> {
    if (typeof token !== 'string' || token === '')
      throw new CognitoApiError('NotAuthorizedException', 'Invalid Access Token');
    try {
      const { payload } = await jwtVerify(token, createLocalJWKSet(this.state.keys.publicJwks() as never), {
        issuer: this.state.issuer(),
      });
      const user = payload.token_use === 'access' ? this.state.users.getBySub(String(payload.sub)) : undefined;
      if (user?.enabled) return user;
    } catch {
      // the AWS error below
    }
    throw new CognitoApiError('NotAuthorizedException', 'Invalid Access Token');
  }

  /** Token-authenticated operations (AccessToken or Session in the body; no SigV4). */
  readonly publicOperations: Record<string, (input: Json) => Promise<Json>> = {
    AssociateSoftwareToken: async (input) => {
      const secret = new Secret({ size: 32 }).base32;
      if (input.Session !== undefined) {
        const session = this.takeSession(input.Session, 'ASSOCIATE');
        const user = this.state.users.get(session.username);
        if (!user) throw new CognitoApiError('NotAuthorizedException', 'Invalid session for the user.');
        Object.assign(this.mfaOf(user), { secret, verified: false });
        return { SecretCode: secret, Session: this.newSession(user.username, session.clientId, 'VERIFY') };
      }
      const user = await this.userOfAccessToken(input.AccessToken);
      Object.assign(this.mfaOf(user), { secret, verified: false, enabled: false, preferred: false });
      return { SecretCode: secret };
    },
    VerifySoftwareToken: async (input) => {
      const code = typeof input.UserCode === 'string' ? input.UserCode : '';
      if (!/^\d{6}$/.test(code)) {
        throw new CognitoApiError(
          'InvalidParameterException',
          "1 validation error detected: Value at 'userCode' failed to satisfy constraint: Member must satisfy regular expression pattern: [0-9]+",
        );
      }
      const viaSession = input.Session !== undefined;
      const session = viaSession ? this.takeSession(input.Session, 'VERIFY') : undefined;
      const user = session ? this.state.users.get(session.username) : await this.userOfAccessToken(input.AccessToken);
      if (!user) throw new CognitoApiError('NotAuthorizedException', 'Invalid session for the user.');
      const mfa = this.mfaOf(user);
      if (!mfa.secret)
        throw new CognitoApiError(
          'SoftwareTokenMFANotFoundException',
          'Software Token MFA has not been associated with the user.',
        );
      if (!this.acceptCode(mfa, code))
        throw new CognitoApiError(
          'EnableSoftwareTokenMFAException',
          'Code mismatch and fail enable Software Token MFA',
        );
      mfa.verified = true;
      if (!session) return { Status: 'SUCCESS' };
      // Set up during sign-in (MFA_SETUP): the token is the user's MFA from now on.
      Object.assign(mfa, { enabled: true, preferred: true });
      return { Status: 'SUCCESS', Session: this.newSession(user.username, session.clientId, 'MFA_SETUP') };
    },
    SetUserMFAPreference: async (input) => {
      this.setPreference(await this.userOfAccessToken(input.AccessToken), input);
      return {};
    },
  };

  private setPreference(user: PoolUser, input: Json): void {
    if (input.SMSMfaSettings !== undefined || input.EmailMfaSettings !== undefined) {
      throw new CognitoApiError(
        'InvalidParameterException',
        'Only software token MFA is configured for this user pool.',
      );
    }
    const settings = input.SoftwareTokenMfaSettings as { Enabled?: boolean; PreferredMfa?: boolean } | undefined;
    if (!settings) return;
    const mfa = this.mfaOf(user);
    if (settings.Enabled && !mfa.verified) {
      throw new CognitoApiError('InvalidParameterException', 'User has not verified software token mfa');
    }
    mfa.enabled = !!settings.Enabled;
    mfa.preferred = mfa.enabled && (settings.PreferredMfa ?? mfa.preferred);
  }

  /** SigV4-signed operations (the caller checks the signature and the UserPoolId). */
  adminOperations(userOf: (input: Json) => PoolUser): Record<string, (input: Json) => Json> {
    return {
      AdminSetUserMFAPreference: (input) => {
        this.setPreference(userOf(input), input);
        return {};
      },
      SetUserPoolMfaConfig: (input) => {
        const wanted = input.MfaConfiguration ?? this.configuration;
        if (!MFA_CONFIGURATIONS.includes(wanted as MfaConfiguration)) {
          throw new CognitoApiError(
            'InvalidParameterException',
            "Value at 'mfaConfiguration' failed to satisfy constraint: Member must satisfy enum value set: [OFF, ON, OPTIONAL]",
          );
        }
        const totp = (input.SoftwareTokenMfaConfiguration as { Enabled?: boolean } | undefined)?.Enabled;
        if (wanted !== 'OFF' && totp === false) {
          throw new CognitoApiError(
            'InvalidParameterException',
            'At least one MFA method must be enabled when MFA is ON or OPTIONAL.',
          );
        }
        this.configuration = wanted as MfaConfiguration;
        return this.poolConfig();
      },
      GetUserPoolMfaConfig: () => this.poolConfig(),
    };
  }

  private poolConfig(): Json {
    return {
      MfaConfiguration: this.configuration,
      SoftwareTokenMfaConfiguration: { Enabled: this.configuration !== 'OFF' },
    };
  }

  /** The MFA fields AdminGetUser adds. */
  describe(user: PoolUser): Json {
    const mfa = this.byUser.get(user.sub);
    if (!mfa?.enabled) return {};
    return {
      UserMFASettingList: ['SOFTWARE_TOKEN_MFA'],
      ...(mfa.preferred ? { PreferredMfaSetting: 'SOFTWARE_TOKEN_MFA' } : {}),
    };
  }
}
